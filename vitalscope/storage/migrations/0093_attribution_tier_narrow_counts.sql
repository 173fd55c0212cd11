-- Issue 18: what 0091 and 0092 did for the page and dimension tiers, for the Pages
-- drill-down's attribution tiers (vitals_navs_1h/1d: vitals per navigation type,
-- vitals_targets_1h/1d: the worst elements): counts per logarithmic bucket as UInt32 arrays
-- summed per key by a SummingMergeTree (6 bytes a bucket read instead of 10), and 32 kB
-- index granules (one page group's rows are a small range; granules of 8192 rows read
-- much of its neighbours). Same steps as 0091; stop the flushers while it runs. The script
-- tiers (vitals_scripts_*, read by the Scripts page) keep their Map.

ALTER TABLE vitals_navs_1h ADD COLUMN IF NOT EXISTS `value_lhMap.bucket` Array(UInt16) CODEC(Delta(2), ZSTD(3));

ALTER TABLE vitals_navs_1h ADD COLUMN IF NOT EXISTS `value_lhMap.count` Array(UInt32) CODEC(ZSTD(3));

DROP TABLE IF EXISTS vitals_navs_1h_narrow SYNC;

CREATE TABLE IF NOT EXISTS vitals_navs_1h_narrow
(
    site LowCardinality(String),
    page_group LowCardinality(String),
    nav_type LowCardinality(String),
    metric LowCardinality(String),
    bucket DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3)),
    value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3)),
    `value_lhMap.bucket` Array(UInt16) CODEC(Delta(2), ZSTD(3)),
    `value_lhMap.count` Array(UInt32) CODEC(ZSTD(3))
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: page_navigation_types (one page group of a site, per navigation type): site,
-- page_group, bucket.
ORDER BY (site, page_group, nav_type, metric, bucket)
TTL bucket + INTERVAL 17 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, index_granularity_bytes = 32768;

INSERT INTO vitals_navs_1h_narrow (site, page_group, nav_type, metric, bucket, samples, good, needs_improvement, poor, `value_lhMap.bucket`, `value_lhMap.count`)
SELECT site, page_group, nav_type, metric, bucket, samples, good, needs_improvement, poor, mapKeys(lh), CAST(mapValues(lh), 'Array(UInt32)')
FROM
(
    SELECT site, page_group, nav_type, metric, bucket, samples, good, needs_improvement, poor,
           mapAdd(value_lh, CAST((`value_lhMap.bucket`, CAST(`value_lhMap.count`, 'Array(UInt64)')), 'Map(UInt16, UInt64)')) AS lh
    FROM vitals_navs_1h
);

EXCHANGE TABLES vitals_navs_1h AND vitals_navs_1h_narrow;

ALTER TABLE vitals_navs_1h_mv MODIFY QUERY
SELECT
    site,
    page_group,
    nav_type,
    metric,
    toStartOfHour(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    mapKeys(sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1)))) AS `value_lhMap.bucket`,
    CAST(mapValues(sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1)))), 'Array(UInt32)') AS `value_lhMap.count`
FROM vitals
GROUP BY site, page_group, nav_type, metric, bucket;

DROP TABLE vitals_navs_1h_narrow SYNC;

ALTER TABLE vitals_navs_1d ADD COLUMN IF NOT EXISTS `value_lhMap.bucket` Array(UInt16) CODEC(Delta(2), ZSTD(3));

ALTER TABLE vitals_navs_1d ADD COLUMN IF NOT EXISTS `value_lhMap.count` Array(UInt32) CODEC(ZSTD(3));

DROP TABLE IF EXISTS vitals_navs_1d_narrow SYNC;

CREATE TABLE IF NOT EXISTS vitals_navs_1d_narrow
(
    site LowCardinality(String),
    page_group LowCardinality(String),
    nav_type LowCardinality(String),
    metric LowCardinality(String),
    bucket DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3)),
    `value_lhMap.bucket` Array(UInt16) CODEC(Delta(2), ZSTD(3)),
    `value_lhMap.count` Array(UInt32) CODEC(ZSTD(3))
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: page_navigation_types (one page group of a site, per navigation type): site,
-- page_group, bucket.
ORDER BY (site, page_group, nav_type, metric, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, index_granularity_bytes = 32768;

INSERT INTO vitals_navs_1d_narrow (site, page_group, nav_type, metric, bucket, samples, good, needs_improvement, poor, `value_lhMap.bucket`, `value_lhMap.count`)
SELECT site, page_group, nav_type, metric, bucket, samples, good, needs_improvement, poor, mapKeys(lh), CAST(mapValues(lh), 'Array(UInt32)')
FROM
(
    SELECT site, page_group, nav_type, metric, bucket, samples, good, needs_improvement, poor,
           mapAdd(value_lh, CAST((`value_lhMap.bucket`, CAST(`value_lhMap.count`, 'Array(UInt64)')), 'Map(UInt16, UInt64)')) AS lh
    FROM vitals_navs_1d
);

EXCHANGE TABLES vitals_navs_1d AND vitals_navs_1d_narrow;

ALTER TABLE vitals_navs_1d_mv MODIFY QUERY
SELECT
    site,
    page_group,
    nav_type,
    metric,
    toStartOfDay(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    mapKeys(sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1)))) AS `value_lhMap.bucket`,
    CAST(mapValues(sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1)))), 'Array(UInt32)') AS `value_lhMap.count`
FROM vitals
GROUP BY site, page_group, nav_type, metric, bucket;

DROP TABLE vitals_navs_1d_narrow SYNC;

ALTER TABLE vitals_targets_1h ADD COLUMN IF NOT EXISTS `value_lhMap.bucket` Array(UInt16) CODEC(Delta(2), ZSTD(3));

ALTER TABLE vitals_targets_1h ADD COLUMN IF NOT EXISTS `value_lhMap.count` Array(UInt32) CODEC(ZSTD(3));

DROP TABLE IF EXISTS vitals_targets_1h_narrow SYNC;

CREATE TABLE IF NOT EXISTS vitals_targets_1h_narrow
(
    site LowCardinality(String),
    page_group LowCardinality(String),
    metric LowCardinality(String),
    target String,
    bucket DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3)),
    value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3)),
    `value_lhMap.bucket` Array(UInt16) CODEC(Delta(2), ZSTD(3)),
    `value_lhMap.count` Array(UInt32) CODEC(ZSTD(3))
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: page_targets (the worst attribution elements of one page group): site,
-- page_group, bucket.
ORDER BY (site, page_group, metric, target, bucket)
TTL bucket + INTERVAL 17 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, index_granularity_bytes = 32768;

INSERT INTO vitals_targets_1h_narrow (site, page_group, metric, target, bucket, samples, poor, `value_lhMap.bucket`, `value_lhMap.count`)
SELECT site, page_group, metric, target, bucket, samples, poor, mapKeys(lh), CAST(mapValues(lh), 'Array(UInt32)')
FROM
(
    SELECT site, page_group, metric, target, bucket, samples, poor,
           mapAdd(value_lh, CAST((`value_lhMap.bucket`, CAST(`value_lhMap.count`, 'Array(UInt64)')), 'Map(UInt16, UInt64)')) AS lh
    FROM vitals_targets_1h
);

EXCHANGE TABLES vitals_targets_1h AND vitals_targets_1h_narrow;

ALTER TABLE vitals_targets_1h_mv MODIFY QUERY
SELECT
    site,
    page_group,
    metric,
    attr_target AS target,
    toStartOfHour(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'poor') AS poor,
    mapKeys(sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1)))) AS `value_lhMap.bucket`,
    CAST(mapValues(sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1)))), 'Array(UInt32)') AS `value_lhMap.count`
FROM vitals
WHERE attr_target != ''
GROUP BY site, page_group, metric, target, bucket;

DROP TABLE vitals_targets_1h_narrow SYNC;

ALTER TABLE vitals_targets_1d ADD COLUMN IF NOT EXISTS `value_lhMap.bucket` Array(UInt16) CODEC(Delta(2), ZSTD(3));

ALTER TABLE vitals_targets_1d ADD COLUMN IF NOT EXISTS `value_lhMap.count` Array(UInt32) CODEC(ZSTD(3));

DROP TABLE IF EXISTS vitals_targets_1d_narrow SYNC;

CREATE TABLE IF NOT EXISTS vitals_targets_1d_narrow
(
    site LowCardinality(String),
    page_group LowCardinality(String),
    metric LowCardinality(String),
    target String,
    bucket DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3)),
    `value_lhMap.bucket` Array(UInt16) CODEC(Delta(2), ZSTD(3)),
    `value_lhMap.count` Array(UInt32) CODEC(ZSTD(3))
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: page_targets (the worst attribution elements of one page group): site,
-- page_group, bucket.
ORDER BY (site, page_group, metric, target, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, index_granularity_bytes = 32768;

INSERT INTO vitals_targets_1d_narrow (site, page_group, metric, target, bucket, samples, poor, `value_lhMap.bucket`, `value_lhMap.count`)
SELECT site, page_group, metric, target, bucket, samples, poor, mapKeys(lh), CAST(mapValues(lh), 'Array(UInt32)')
FROM
(
    SELECT site, page_group, metric, target, bucket, samples, poor,
           mapAdd(value_lh, CAST((`value_lhMap.bucket`, CAST(`value_lhMap.count`, 'Array(UInt64)')), 'Map(UInt16, UInt64)')) AS lh
    FROM vitals_targets_1d
);

EXCHANGE TABLES vitals_targets_1d AND vitals_targets_1d_narrow;

ALTER TABLE vitals_targets_1d_mv MODIFY QUERY
SELECT
    site,
    page_group,
    metric,
    attr_target AS target,
    toStartOfDay(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'poor') AS poor,
    mapKeys(sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1)))) AS `value_lhMap.bucket`,
    CAST(mapValues(sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1)))), 'Array(UInt32)') AS `value_lhMap.count`
FROM vitals
WHERE attr_target != ''
GROUP BY site, page_group, metric, target, bucket;

DROP TABLE vitals_targets_1d_narrow SYNC;
