-- Error tracking (docs/errors.md). js_errors gains the normalised message and top frame the
-- collector computes with the fingerprint (vitalscope/jserrors/grouping.py). Rollups in the three
-- tiers of 0040 (the query layer picks the tier from the range): errors per (site,
-- fingerprint, page group, browser, release) with occurrences, distinct affected page views
-- (uniq state), first and last seen; page views per (site, page group, browser, release), so
-- an error's share of page views and a release's first appearance come from rollups too.
-- error_samples_1d keeps a few whole occurrences (stack included) per group, release and day.

ALTER TABLE js_errors ADD COLUMN IF NOT EXISTS message_norm String DEFAULT '' CODEC(ZSTD(1));

ALTER TABLE js_errors ADD COLUMN IF NOT EXISTS top_frame String DEFAULT '' CODEC(ZSTD(1));

CREATE TABLE IF NOT EXISTS errors_tier_1m
(
    site        LowCardinality(String),
    fingerprint UInt64,
    bucket      DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_group  LowCardinality(String),
    browser     LowCardinality(String),
    release     LowCardinality(String),
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
-- pruned by bucket), errors_trend and errors_top_values (the groups on screen:
-- fingerprint IN ..., then bucket) and errors_group (one fingerprint's breakdowns).
ORDER BY (site, fingerprint, bucket, page_group, browser, release)
TTL bucket + INTERVAL 3 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS errors_tier_1m_mv TO errors_tier_1m AS
SELECT
    site,
    fingerprint,
    toStartOfMinute(ts) AS bucket,
    page_group,
    browser,
    release,
    any(error_type) AS error_type,
    any(if(message_norm = '', message, message_norm)) AS message,
    any(top_frame) AS top_frame,
    sum(occurrences) AS occurrences,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
    uniqState(page_view_id) AS page_views
FROM js_errors
WHERE ts >= now() - INTERVAL 3 DAY
GROUP BY site, fingerprint, bucket, page_group, browser, release;

CREATE TABLE IF NOT EXISTS page_views_tier_1m
(
    site       LowCardinality(String),
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_group LowCardinality(String),
    browser    LowCardinality(String),
    release    LowCardinality(String),
    first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    page_views AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(bucket)
-- Serves: errors_page_views (a site's page views in a window, the denominator of an error's
-- share) and errors_releases (when each release was first seen: the newest one).
ORDER BY (site, bucket, page_group, browser, release)
TTL bucket + INTERVAL 3 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS page_views_tier_1m_mv TO page_views_tier_1m AS
SELECT
    site,
    toStartOfMinute(started_at) AS bucket,
    page_group,
    browser,
    release,
    min(started_at) AS first_seen,
    uniqState(page_view_id) AS page_views
FROM page_views
WHERE started_at >= now() - INTERVAL 3 DAY
GROUP BY site, bucket, page_group, browser, release;

CREATE TABLE IF NOT EXISTS errors_tier_1h
(
    site        LowCardinality(String),
    fingerprint UInt64,
    bucket      DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_group  LowCardinality(String),
    browser     LowCardinality(String),
    release     LowCardinality(String),
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
-- pruned by bucket), errors_trend and errors_top_values (the groups on screen:
-- fingerprint IN ..., then bucket) and errors_group (one fingerprint's breakdowns).
ORDER BY (site, fingerprint, bucket, page_group, browser, release)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS errors_tier_1h_mv TO errors_tier_1h AS
SELECT
    site,
    fingerprint,
    toStartOfHour(ts) AS bucket,
    page_group,
    browser,
    release,
    any(error_type) AS error_type,
    any(if(message_norm = '', message, message_norm)) AS message,
    any(top_frame) AS top_frame,
    sum(occurrences) AS occurrences,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
    uniqState(page_view_id) AS page_views
FROM js_errors
GROUP BY site, fingerprint, bucket, page_group, browser, release;

CREATE TABLE IF NOT EXISTS page_views_tier_1h
(
    site       LowCardinality(String),
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_group LowCardinality(String),
    browser    LowCardinality(String),
    release    LowCardinality(String),
    first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    page_views AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: errors_page_views (a site's page views in a window, the denominator of an error's
-- share) and errors_releases (when each release was first seen: the newest one).
ORDER BY (site, bucket, page_group, browser, release)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS page_views_tier_1h_mv TO page_views_tier_1h AS
SELECT
    site,
    toStartOfHour(started_at) AS bucket,
    page_group,
    browser,
    release,
    min(started_at) AS first_seen,
    uniqState(page_view_id) AS page_views
FROM page_views
GROUP BY site, bucket, page_group, browser, release;

CREATE TABLE IF NOT EXISTS errors_tier_1d
(
    site        LowCardinality(String),
    fingerprint UInt64,
    bucket      DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_group  LowCardinality(String),
    browser     LowCardinality(String),
    release     LowCardinality(String),
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
-- pruned by bucket), errors_trend and errors_top_values (the groups on screen:
-- fingerprint IN ..., then bucket) and errors_group (one fingerprint's breakdowns).
ORDER BY (site, fingerprint, bucket, page_group, browser, release)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS errors_tier_1d_mv TO errors_tier_1d AS
SELECT
    site,
    fingerprint,
    toStartOfDay(ts) AS bucket,
    page_group,
    browser,
    release,
    any(error_type) AS error_type,
    any(if(message_norm = '', message, message_norm)) AS message,
    any(top_frame) AS top_frame,
    sum(occurrences) AS occurrences,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
    uniqState(page_view_id) AS page_views
FROM js_errors
GROUP BY site, fingerprint, bucket, page_group, browser, release;

CREATE TABLE IF NOT EXISTS page_views_tier_1d
(
    site       LowCardinality(String),
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_group LowCardinality(String),
    browser    LowCardinality(String),
    release    LowCardinality(String),
    first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    page_views AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: errors_page_views (a site's page views in a window, the denominator of an error's
-- share) and errors_releases (when each release was first seen: the newest one).
ORDER BY (site, bucket, page_group, browser, release)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS page_views_tier_1d_mv TO page_views_tier_1d AS
SELECT
    site,
    toStartOfDay(started_at) AS bucket,
    page_group,
    browser,
    release,
    min(started_at) AS first_seen,
    uniqState(page_view_id) AS page_views
FROM page_views
GROUP BY site, bucket, page_group, browser, release;

CREATE TABLE IF NOT EXISTS error_samples_1d
(
    site        LowCardinality(String),
    fingerprint UInt64,
    bucket      DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    release     LowCardinality(String),
    samples     AggregateFunction(groupArraySample(5),
                                  Tuple(DateTime64(3, 'UTC'), String, String, String, String,
                                        String, String))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: errors_samples (the newest days of one fingerprint, a few occurrences each).
ORDER BY (site, fingerprint, bucket, release)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

-- A sample: (ts, event id, message, stack, url, browser, page group).
CREATE MATERIALIZED VIEW IF NOT EXISTS error_samples_1d_mv TO error_samples_1d AS
SELECT
    site,
    fingerprint,
    toStartOfDay(ts) AS bucket,
    release,
    groupArraySampleState(5)((ts, event_id, message, stack, url, toString(browser),
                              toString(page_group))) AS samples
FROM js_errors
GROUP BY site, fingerprint, bucket, release;
