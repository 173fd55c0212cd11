-- Issue 18: the dimension tiers stop writing `hist`, and every count per logarithmic bucket
-- is stored with a delta codec.
--
-- `hist` (0040: 200 fixed-width buckets per metric) was a second distribution beside
-- `value_lh` (0084) and about a quarter of the dimension tiers' bytes on the dashboard bench.
-- The overview histogram and the p75 confidence interval of the breakdowns are now read off
-- `value_lh` (vitalscope/vitals/log_buckets.py): the histogram puts each bucket in the bin of
-- its centre, so a sample within 0.25 % of a bin edge may be drawn in the next bin; the
-- interval's bounds are within 0.25 % of the samples at their ranks (the old ones were
-- interpolated inside 25-50 ms bins). Rows written before this keep their `hist`, which no
-- query reads any more; it goes with the tiers' TTLs (a later migration can drop the column
-- once no reader of an earlier version can run). The views are switched in place, as in 0084.
--
-- Codec: a bucket map is stored as its row offsets, its keys (sorted UInt16 within a row)
-- and its counts (mostly 1 in the sparse hourly rows). Delta(2) before ZSTD(3) turns the
-- sorted keys into small steps: 14 % fewer bytes for `value_lh` of vitals_dims_1h on the
-- 2 M-sample Zipf bench, the same answers (a codec is lossless). A codec change is metadata
-- only: new parts get it, existing ones as merges rewrite them (0.1 s for this migration on
-- the 2 M bench, `python -m bench upgrade`).

ALTER TABLE vitals_dims_1m_mv MODIFY QUERY
SELECT
    site,
    d.1 AS dim,
    d.2 AS val,
    metric,
    toStartOfMinute(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    sum(value) AS value_sum,
    sumMap(CAST(attr_parts, 'Map(String, Float64)')) AS parts_sum,
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS value_lh
FROM vitals
ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
            ('os', toString(os)), ('country', toString(country)),
            ('connection', toString(connection)), ('nav_type', toString(nav_type)),
            ('release', toString(release))] AS d
WHERE ts >= now() - INTERVAL 3 DAY
GROUP BY site, dim, val, metric, bucket;

ALTER TABLE vitals_dims_1h_mv MODIFY QUERY
SELECT
    site,
    d.1 AS dim,
    d.2 AS val,
    metric,
    toStartOfHour(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    sum(value) AS value_sum,
    sumMap(CAST(attr_parts, 'Map(String, Float64)')) AS parts_sum,
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS value_lh
FROM vitals
ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
            ('os', toString(os)), ('country', toString(country)),
            ('connection', toString(connection)), ('nav_type', toString(nav_type)),
            ('release', toString(release))] AS d
GROUP BY site, dim, val, metric, bucket;

ALTER TABLE vitals_dims_1d_mv MODIFY QUERY
SELECT
    site,
    d.1 AS dim,
    d.2 AS val,
    metric,
    toStartOfDay(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    sum(value) AS value_sum,
    sumMap(CAST(attr_parts, 'Map(String, Float64)')) AS parts_sum,
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS value_lh
FROM vitals
ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
            ('os', toString(os)), ('country', toString(country)),
            ('connection', toString(connection)), ('nav_type', toString(nav_type)),
            ('release', toString(release))] AS d
GROUP BY site, dim, val, metric, bucket;

ALTER TABLE vitals_dims_1m MODIFY COLUMN value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3));
ALTER TABLE vitals_dims_1h MODIFY COLUMN value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3));
ALTER TABLE vitals_dims_1d MODIFY COLUMN value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3));
ALTER TABLE vitals_pages_1m MODIFY COLUMN value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3));
ALTER TABLE vitals_pages_1h MODIFY COLUMN value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3));
ALTER TABLE vitals_pages_1d MODIFY COLUMN value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3));
ALTER TABLE vitals_navs_1h MODIFY COLUMN value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3));
ALTER TABLE vitals_targets_1h MODIFY COLUMN value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3));
ALTER TABLE vitals_scripts_1h MODIFY COLUMN duration_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3));
