-- bench quantile_state: vitals_navs_1h with the counts per logarithmic bucket of
-- _loghist_counts.sql instead of the t-digest state.
CREATE TABLE loghist_navs
(
    site       LowCardinality(String),
    page_group LowCardinality(String),
    nav_type   LowCardinality(String),
    metric     LowCardinality(String),
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    lh         SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3))
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
    -- include: _loghist_counts
FROM vitals
GROUP BY site, page_group, nav_type, metric, bucket
