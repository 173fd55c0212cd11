-- bench quantile_state: vitals_navs_1h with the t-digest state it kept before 0084.
CREATE TABLE tdigest_navs
(
    site       LowCardinality(String),
    page_group LowCardinality(String),
    nav_type   LowCardinality(String),
    metric     LowCardinality(String),
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    value_q    AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (site, page_group, nav_type, metric, bucket)
-- Wide parts at any size: per-column bytes are what is compared.
SETTINGS min_bytes_for_wide_part = 0
AS SELECT
    site,
    page_group,
    nav_type,
    metric,
    toStartOfHour(ts) AS bucket,
    quantilesTDigestState(0.5, 0.75, 0.9, 0.95)(value) AS value_q
FROM vitals
WHERE ts >= {since:DateTime('UTC')}
GROUP BY site, page_group, nav_type, metric, bucket
