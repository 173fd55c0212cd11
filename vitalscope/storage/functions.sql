-- SQL functions the queries use. A function belongs to the server, not to a database: a
-- backup of the database does not hold it, so every migration run (every `serve` start and
-- `vitalscope migrate`) creates or replaces these before it looks for pending migrations
-- (vitalscope/storage/migrator.py). Names start with vitalscope_; a change to one keeps
-- what earlier versions' queries expect of it, since a rolling upgrade runs both.

-- p50, p75, p90 and p95 of merged counts per logarithmic bucket (value_lh, duration_lh of
-- migrations 0084 and 0085): for each level, the centre of the bucket holding the sample
-- quantileExact picks (0-based rank floor(level * n): the first bucket whose running count
-- exceeds level * n). Bucket 0 holds the values <= 0; bucket k the values within 0.25 % of
-- 1.005^(k-1) / 1000. No counts: NaN, as a quantile of nothing.
CREATE OR REPLACE FUNCTION vitalscope_lh_quantiles AS (lh) ->
    if(empty(lh), [nan, nan, nan, nan],
       arrayMap(b -> if(b = 0, 0, pow(1.005, b - 1) / 1000),
                arrayMap(level -> arrayFirst((b, c) -> c > level * arraySum(mapValues(lh)),
                                             mapKeys(lh), arrayCumSum(mapValues(lh))),
                         [0.5, 0.75, 0.9, 0.95])));

-- One row's counts per logarithmic bucket in the page and dimension tiers (UInt32 arrays
-- `value_lhMap.bucket`, `value_lhMap.count` since migrations 0091 and 0092) as the Map
-- vitalscope_lh_quantiles reads: sumMap of it sums in UInt64, and twice as fast as sumMap of
-- the two arrays.
CREATE OR REPLACE FUNCTION vitalscope_lh_counts AS (buckets, counts) ->
    CAST((buckets, counts), 'Map(UInt16, UInt64)');
