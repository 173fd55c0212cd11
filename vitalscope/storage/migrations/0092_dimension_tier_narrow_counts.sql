-- Issue 18: what 0091 did for the page tiers, for the dimension tiers (vitals_dims_*), read
-- by the Overview's cards and series and by the breakdowns: counts per logarithmic bucket as
-- UInt32 arrays (`value_lhMap.bucket`, `value_lhMap.count`) summed per key by a
-- SummingMergeTree, 6 bytes a bucket read instead of 10. The other columns merge as before
-- (sums, sumMap of the attribution parts). Same steps as 0091: the old table gets the empty
-- arrays, a copy filled from value_lh plus the arrays, swapped, the view switched, the old
-- table dropped; stop the flushers while it runs. `hist`, `value_q` and `value_lh` stay in
-- the copy, empty (no reader of this version reads them: rows written before 0086 and 0084
-- no longer carry their old histogram and t-digest), so a dashboard of an earlier version
-- still answers, without quantiles, until it is replaced.
--
-- The rebuild also takes the hourly and daily tiers from 256 kB index granules (0088) to
-- 32 kB, as 0090 the page tiers. Measured on copies (2 M-sample Zipf bench, the busiest
-- site; the daily tier over 30 days, the hourly one over 7): read bytes of the device
-- breakdown 1.02 -> 0.63 MB (daily) and 1.02 -> 0.47 MB (hourly), of the Overview's cards
-- 1.39 -> 0.58 MB and 1.73 -> 1.12 MB, of the country breakdown 3.62 -> 1.65 MB and
-- 2.79 -> 1.04 MB; 3.3 % and 1.6 % more bytes on disk (marks).

ALTER TABLE vitals_dims_1m ADD COLUMN IF NOT EXISTS `value_lhMap.bucket` Array(UInt16) CODEC(Delta(2), ZSTD(3));

ALTER TABLE vitals_dims_1m ADD COLUMN IF NOT EXISTS `value_lhMap.count` Array(UInt32) CODEC(ZSTD(3));

DROP TABLE IF EXISTS vitals_dims_1m_narrow SYNC;

CREATE TABLE IF NOT EXISTS vitals_dims_1m_narrow
(
    site LowCardinality(String),
    dim LowCardinality(String),
    val String,
    metric LowCardinality(String),
    bucket DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    value_sum SimpleAggregateFunction(sum, Float64) CODEC(ZSTD(3)),
    parts_sum SimpleAggregateFunction(sumMap, Map(String, Float64)) CODEC(ZSTD(3)),
    hist SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3)),
    value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3)),
    value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3)),
    `value_lhMap.bucket` Array(UInt16) CODEC(Delta(2), ZSTD(3)),
    `value_lhMap.count` Array(UInt32) CODEC(ZSTD(3))
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMMDD(bucket)
-- Serves: overview_summary, overview_series, releases (dim 'all'), breakdown (one dim, its
-- values): site, dim, val, metric, bucket.
ORDER BY (site, dim, val, metric, bucket)
TTL bucket + INTERVAL 36 HOUR DELETE
SETTINGS non_replicated_deduplication_window = 10000;

INSERT INTO vitals_dims_1m_narrow (site, dim, val, metric, bucket, samples, good, needs_improvement, poor, value_sum, parts_sum, `value_lhMap.bucket`, `value_lhMap.count`)
SELECT site, dim, val, metric, bucket, samples, good, needs_improvement, poor, value_sum, parts_sum,
       mapKeys(lh), CAST(mapValues(lh), 'Array(UInt32)')
FROM
(
    SELECT site, dim, val, metric, bucket, samples, good, needs_improvement, poor, value_sum, parts_sum,
           mapAdd(value_lh, CAST((`value_lhMap.bucket`, CAST(`value_lhMap.count`, 'Array(UInt64)')), 'Map(UInt16, UInt64)')) AS lh
    FROM vitals_dims_1m
);

EXCHANGE TABLES vitals_dims_1m AND vitals_dims_1m_narrow;

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
    mapKeys(sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1)))) AS `value_lhMap.bucket`,
    CAST(mapValues(sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1)))), 'Array(UInt32)') AS `value_lhMap.count`
FROM vitals
ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
            ('os', toString(os)), ('country', toString(country)),
            ('connection', toString(connection)), ('nav_type', toString(nav_type)),
            ('release', toString(release))] AS d
WHERE ts >= now() - INTERVAL 3 DAY
GROUP BY site, dim, val, metric, bucket;

DROP TABLE vitals_dims_1m_narrow SYNC;

ALTER TABLE vitals_dims_1h ADD COLUMN IF NOT EXISTS `value_lhMap.bucket` Array(UInt16) CODEC(Delta(2), ZSTD(3));

ALTER TABLE vitals_dims_1h ADD COLUMN IF NOT EXISTS `value_lhMap.count` Array(UInt32) CODEC(ZSTD(3));

DROP TABLE IF EXISTS vitals_dims_1h_narrow SYNC;

CREATE TABLE IF NOT EXISTS vitals_dims_1h_narrow
(
    site LowCardinality(String),
    dim LowCardinality(String),
    val String,
    metric LowCardinality(String),
    bucket DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    value_sum SimpleAggregateFunction(sum, Float64) CODEC(ZSTD(3)),
    parts_sum SimpleAggregateFunction(sumMap, Map(String, Float64)) CODEC(ZSTD(3)),
    hist SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3)),
    value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3)),
    value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3)),
    `value_lhMap.bucket` Array(UInt16) CODEC(Delta(2), ZSTD(3)),
    `value_lhMap.count` Array(UInt32) CODEC(ZSTD(3))
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: overview_summary, overview_series, releases (dim 'all'), breakdown (one dim, its
-- values): site, dim, val, metric, bucket.
ORDER BY (site, dim, val, metric, bucket)
TTL bucket + INTERVAL 17 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, index_granularity_bytes = 32768;

INSERT INTO vitals_dims_1h_narrow (site, dim, val, metric, bucket, samples, good, needs_improvement, poor, value_sum, parts_sum, `value_lhMap.bucket`, `value_lhMap.count`)
SELECT site, dim, val, metric, bucket, samples, good, needs_improvement, poor, value_sum, parts_sum,
       mapKeys(lh), CAST(mapValues(lh), 'Array(UInt32)')
FROM
(
    SELECT site, dim, val, metric, bucket, samples, good, needs_improvement, poor, value_sum, parts_sum,
           mapAdd(value_lh, CAST((`value_lhMap.bucket`, CAST(`value_lhMap.count`, 'Array(UInt64)')), 'Map(UInt16, UInt64)')) AS lh
    FROM vitals_dims_1h
);

EXCHANGE TABLES vitals_dims_1h AND vitals_dims_1h_narrow;

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
    mapKeys(sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1)))) AS `value_lhMap.bucket`,
    CAST(mapValues(sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1)))), 'Array(UInt32)') AS `value_lhMap.count`
FROM vitals
ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
            ('os', toString(os)), ('country', toString(country)),
            ('connection', toString(connection)), ('nav_type', toString(nav_type)),
            ('release', toString(release))] AS d
GROUP BY site, dim, val, metric, bucket;

DROP TABLE vitals_dims_1h_narrow SYNC;

ALTER TABLE vitals_dims_1d ADD COLUMN IF NOT EXISTS `value_lhMap.bucket` Array(UInt16) CODEC(Delta(2), ZSTD(3));

ALTER TABLE vitals_dims_1d ADD COLUMN IF NOT EXISTS `value_lhMap.count` Array(UInt32) CODEC(ZSTD(3));

DROP TABLE IF EXISTS vitals_dims_1d_narrow SYNC;

CREATE TABLE IF NOT EXISTS vitals_dims_1d_narrow
(
    site LowCardinality(String),
    dim LowCardinality(String),
    val String,
    metric LowCardinality(String),
    bucket DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    value_sum SimpleAggregateFunction(sum, Float64) CODEC(ZSTD(3)),
    parts_sum SimpleAggregateFunction(sumMap, Map(String, Float64)) CODEC(ZSTD(3)),
    hist SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3)),
    value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3)),
    value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3)),
    `value_lhMap.bucket` Array(UInt16) CODEC(Delta(2), ZSTD(3)),
    `value_lhMap.count` Array(UInt32) CODEC(ZSTD(3))
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: overview_summary, overview_series, releases (dim 'all'), breakdown (one dim, its
-- values): site, dim, val, metric, bucket.
ORDER BY (site, dim, val, metric, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, index_granularity_bytes = 32768;

INSERT INTO vitals_dims_1d_narrow (site, dim, val, metric, bucket, samples, good, needs_improvement, poor, value_sum, parts_sum, `value_lhMap.bucket`, `value_lhMap.count`)
SELECT site, dim, val, metric, bucket, samples, good, needs_improvement, poor, value_sum, parts_sum,
       mapKeys(lh), CAST(mapValues(lh), 'Array(UInt32)')
FROM
(
    SELECT site, dim, val, metric, bucket, samples, good, needs_improvement, poor, value_sum, parts_sum,
           mapAdd(value_lh, CAST((`value_lhMap.bucket`, CAST(`value_lhMap.count`, 'Array(UInt64)')), 'Map(UInt16, UInt64)')) AS lh
    FROM vitals_dims_1d
);

EXCHANGE TABLES vitals_dims_1d AND vitals_dims_1d_narrow;

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
    mapKeys(sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1)))) AS `value_lhMap.bucket`,
    CAST(mapValues(sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1)))), 'Array(UInt32)') AS `value_lhMap.count`
FROM vitals
ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
            ('os', toString(os)), ('country', toString(country)),
            ('connection', toString(connection)), ('nav_type', toString(nav_type)),
            ('release', toString(release))] AS d
GROUP BY site, dim, val, metric, bucket;

DROP TABLE vitals_dims_1d_narrow SYNC;
