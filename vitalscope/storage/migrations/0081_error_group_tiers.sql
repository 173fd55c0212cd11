-- Issue 18: error groups per site, fingerprint and bucket, without the page group, browser
-- and release of the 0050 tiers (which keep them for an error's top values). On a
-- long-tailed site those tiers hold about a row per raw error (0.94 to 0.99 at 10 M samples),
-- so the Errors page's table, which ranks every group of a site, read more bytes than the raw
-- table and missed 150 ms cold. The group's table, header and trend read these instead.
--
-- Filled from the 0050 tiers like 0080 (view, then emptied and refilled, so a repeated run
-- gives the same rows; stop the flushers while it runs: docs/deployment.md).

CREATE TABLE IF NOT EXISTS errors_by_group_1m
(
    site        LowCardinality(String),
    fingerprint UInt64,
    bucket      DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    error_type  SimpleAggregateFunction(any, LowCardinality(String)),
    message     SimpleAggregateFunction(any, String),
    top_frame   SimpleAggregateFunction(any, String),
    occurrences SimpleAggregateFunction(sum, UInt64),
    first_seen  SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen   SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    page_views  AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(bucket)
-- Serves: errors_groups (every group of a site in a window: the site prefix, partitions
-- pruned by bucket), errors_group (one fingerprint) and errors_trend (fingerprint IN ...).
ORDER BY (site, fingerprint, bucket)
TTL bucket + INTERVAL 3 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS errors_by_group_1m_mv TO errors_by_group_1m AS
SELECT
    site,
    fingerprint,
    toStartOfMinute(ts) AS bucket,
    any(error_type) AS error_type,
    any(if(message_norm = '', message, message_norm)) AS message,
    any(top_frame) AS top_frame,
    sum(occurrences) AS occurrences,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
    uniqState(page_view_id) AS page_views
FROM js_errors
WHERE ts >= now() - INTERVAL 3 DAY
GROUP BY site, fingerprint, bucket;

TRUNCATE TABLE errors_by_group_1m;

INSERT INTO errors_by_group_1m
SELECT site, fingerprint, bucket, any(error_type) AS error_type, any(message) AS message,
       any(top_frame) AS top_frame, sum(occurrences) AS occurrences,
       min(first_seen) AS first_seen, max(last_seen) AS last_seen,
       uniqMergeState(page_views) AS page_views
FROM errors_tier_1m
GROUP BY site, fingerprint, bucket;

CREATE TABLE IF NOT EXISTS errors_by_group_1h
(
    site        LowCardinality(String),
    fingerprint UInt64,
    bucket      DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    error_type  SimpleAggregateFunction(any, LowCardinality(String)),
    message     SimpleAggregateFunction(any, String),
    top_frame   SimpleAggregateFunction(any, String),
    occurrences SimpleAggregateFunction(sum, UInt64),
    first_seen  SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen   SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    page_views  AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: errors_groups (every group of a site in a window: the site prefix, partitions
-- pruned by bucket), errors_group (one fingerprint) and errors_trend (fingerprint IN ...).
ORDER BY (site, fingerprint, bucket)
-- 17 days like the vital hourly tiers (0070): older windows read the daily tier.
TTL bucket + INTERVAL 17 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS errors_by_group_1h_mv TO errors_by_group_1h AS
SELECT
    site,
    fingerprint,
    toStartOfHour(ts) AS bucket,
    any(error_type) AS error_type,
    any(if(message_norm = '', message, message_norm)) AS message,
    any(top_frame) AS top_frame,
    sum(occurrences) AS occurrences,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
    uniqState(page_view_id) AS page_views
FROM js_errors
GROUP BY site, fingerprint, bucket;

TRUNCATE TABLE errors_by_group_1h;

INSERT INTO errors_by_group_1h
SELECT site, fingerprint, bucket, any(error_type) AS error_type, any(message) AS message,
       any(top_frame) AS top_frame, sum(occurrences) AS occurrences,
       min(first_seen) AS first_seen, max(last_seen) AS last_seen,
       uniqMergeState(page_views) AS page_views
FROM errors_tier_1h
GROUP BY site, fingerprint, bucket;

CREATE TABLE IF NOT EXISTS errors_by_group_1d
(
    site        LowCardinality(String),
    fingerprint UInt64,
    bucket      DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    error_type  SimpleAggregateFunction(any, LowCardinality(String)),
    message     SimpleAggregateFunction(any, String),
    top_frame   SimpleAggregateFunction(any, String),
    occurrences SimpleAggregateFunction(sum, UInt64),
    first_seen  SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen   SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    page_views  AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: errors_groups (every group of a site in a window: the site prefix, partitions
-- pruned by bucket), errors_group (one fingerprint) and errors_trend (fingerprint IN ...).
ORDER BY (site, fingerprint, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS errors_by_group_1d_mv TO errors_by_group_1d AS
SELECT
    site,
    fingerprint,
    toStartOfDay(ts) AS bucket,
    any(error_type) AS error_type,
    any(if(message_norm = '', message, message_norm)) AS message,
    any(top_frame) AS top_frame,
    sum(occurrences) AS occurrences,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
    uniqState(page_view_id) AS page_views
FROM js_errors
GROUP BY site, fingerprint, bucket;

TRUNCATE TABLE errors_by_group_1d;

INSERT INTO errors_by_group_1d
SELECT site, fingerprint, bucket, any(error_type) AS error_type, any(message) AS message,
       any(top_frame) AS top_frame, sum(occurrences) AS occurrences,
       min(first_seen) AS first_seen, max(last_seen) AS last_seen,
       uniqMergeState(page_views) AS page_views
FROM errors_tier_1d
GROUP BY site, fingerprint, bucket;
