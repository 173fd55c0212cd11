-- Issue 18: the Overview's error rate (and an error group's share of page views) per site,
-- without the page group, browser and release of the 0050 tiers. Those tiers keep about one
-- row per raw page view or error on a long-tailed site (0.65 and 0.99 rows per raw row at
-- 10 M samples), so the site-wide queries read more bytes from them than from the raw tables
-- (1.9x for the error rate) and missed 150 ms cold. One row per site and bucket here.
--
-- Each table is filled from its 0050 tier once: the view first, then the table emptied and
-- refilled from the tier (which has everything the new view wrote too), so a run that died
-- half-way is repeated with the same result. The uniq states merge as they would at query
-- time, so the numbers are those of before. Run it with the flushers stopped (as every
-- upgrade: docs/deployment.md), or an insert between the view and the refill counts twice
-- in the occurrences.

CREATE TABLE IF NOT EXISTS page_views_site_1m
(
    site       LowCardinality(String),
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_views AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(bucket)
-- Serves: errors_page_views (a site's page views in a window: the denominator of an error
-- group's share) and errors_page_views_series (per bucket: the Overview's error rate, whose
-- window total is the buckets' sum).
ORDER BY (site, bucket)
TTL bucket + INTERVAL 3 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS page_views_site_1m_mv TO page_views_site_1m AS
SELECT
    site,
    toStartOfMinute(started_at) AS bucket,
    uniqState(page_view_id) AS page_views
FROM page_views
WHERE started_at >= now() - INTERVAL 3 DAY
GROUP BY site, bucket;

TRUNCATE TABLE page_views_site_1m;

INSERT INTO page_views_site_1m
SELECT site, bucket, uniqMergeState(page_views) AS page_views
FROM page_views_tier_1m
GROUP BY site, bucket;

CREATE TABLE IF NOT EXISTS errors_site_1m
(
    site        LowCardinality(String),
    bucket      DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    occurrences SimpleAggregateFunction(sum, UInt64),
    page_views  AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(bucket)
-- Serves: errors_series (a site's errors per bucket and distinct page views with an error
-- over the window, in one read: the numerator of the Overview's error rate).
ORDER BY (site, bucket)
TTL bucket + INTERVAL 3 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS errors_site_1m_mv TO errors_site_1m AS
SELECT
    site,
    toStartOfMinute(ts) AS bucket,
    sum(occurrences) AS occurrences,
    uniqState(page_view_id) AS page_views
FROM js_errors
WHERE ts >= now() - INTERVAL 3 DAY
GROUP BY site, bucket;

TRUNCATE TABLE errors_site_1m;

INSERT INTO errors_site_1m
SELECT site, bucket, sum(occurrences) AS occurrences, uniqMergeState(page_views) AS page_views
FROM errors_tier_1m
GROUP BY site, bucket;

CREATE TABLE IF NOT EXISTS page_views_site_1h
(
    site       LowCardinality(String),
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_views AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: errors_page_views (a site's page views in a window: the denominator of an error
-- group's share) and errors_page_views_series (per bucket: the Overview's error rate, whose
-- window total is the buckets' sum).
ORDER BY (site, bucket)
-- 17 days like the vital hourly tiers (0070): older windows read the daily tier.
TTL bucket + INTERVAL 17 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS page_views_site_1h_mv TO page_views_site_1h AS
SELECT
    site,
    toStartOfHour(started_at) AS bucket,
    uniqState(page_view_id) AS page_views
FROM page_views
GROUP BY site, bucket;

TRUNCATE TABLE page_views_site_1h;

INSERT INTO page_views_site_1h
SELECT site, bucket, uniqMergeState(page_views) AS page_views
FROM page_views_tier_1h
GROUP BY site, bucket;

CREATE TABLE IF NOT EXISTS errors_site_1h
(
    site        LowCardinality(String),
    bucket      DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    occurrences SimpleAggregateFunction(sum, UInt64),
    page_views  AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: errors_series (a site's errors per bucket and distinct page views with an error
-- over the window, in one read: the numerator of the Overview's error rate).
ORDER BY (site, bucket)
-- 17 days like the vital hourly tiers (0070): older windows read the daily tier.
TTL bucket + INTERVAL 17 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS errors_site_1h_mv TO errors_site_1h AS
SELECT
    site,
    toStartOfHour(ts) AS bucket,
    sum(occurrences) AS occurrences,
    uniqState(page_view_id) AS page_views
FROM js_errors
GROUP BY site, bucket;

TRUNCATE TABLE errors_site_1h;

INSERT INTO errors_site_1h
SELECT site, bucket, sum(occurrences) AS occurrences, uniqMergeState(page_views) AS page_views
FROM errors_tier_1h
GROUP BY site, bucket;

CREATE TABLE IF NOT EXISTS page_views_site_1d
(
    site       LowCardinality(String),
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_views AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: errors_page_views (a site's page views in a window: the denominator of an error
-- group's share) and errors_page_views_series (per bucket: the Overview's error rate, whose
-- window total is the buckets' sum).
ORDER BY (site, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS page_views_site_1d_mv TO page_views_site_1d AS
SELECT
    site,
    toStartOfDay(started_at) AS bucket,
    uniqState(page_view_id) AS page_views
FROM page_views
GROUP BY site, bucket;

TRUNCATE TABLE page_views_site_1d;

INSERT INTO page_views_site_1d
SELECT site, bucket, uniqMergeState(page_views) AS page_views
FROM page_views_tier_1d
GROUP BY site, bucket;

CREATE TABLE IF NOT EXISTS errors_site_1d
(
    site        LowCardinality(String),
    bucket      DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    occurrences SimpleAggregateFunction(sum, UInt64),
    page_views  AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: errors_series (a site's errors per bucket and distinct page views with an error
-- over the window, in one read: the numerator of the Overview's error rate).
ORDER BY (site, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS errors_site_1d_mv TO errors_site_1d AS
SELECT
    site,
    toStartOfDay(ts) AS bucket,
    sum(occurrences) AS occurrences,
    uniqState(page_view_id) AS page_views
FROM js_errors
GROUP BY site, bucket;

TRUNCATE TABLE errors_site_1d;

INSERT INTO errors_site_1d
SELECT site, bucket, sum(occurrences) AS occurrences, uniqMergeState(page_views) AS page_views
FROM errors_tier_1d
GROUP BY site, bucket;

-- The 0050 hourly tiers are read only within 16 days too (page_views_tier_1h by nothing now,
-- errors_tier_1h by an error's top values): 17 days like the new ones. The hourly tables
-- refilled from them (here and in 0081) keep only 17 days themselves, so a repeated run
-- refilling from trimmed tiers loses nothing.
ALTER TABLE page_views_tier_1h MODIFY TTL bucket + INTERVAL 17 DAY DELETE;
ALTER TABLE errors_tier_1h MODIFY TTL bucket + INTERVAL 17 DAY DELETE;
