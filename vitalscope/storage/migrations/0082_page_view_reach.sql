-- Issue 18: a site's distinct page views over a whole window (the denominator of an error
-- group's share on the Errors page) from small states. The uniq states of page_views_site
-- (0080) hold up to 65,536 hashes (256 KiB) each; a 30-day window merged 30 of them, about
-- 30 ms at 2 M page views, a fifth of the Errors table's cold time. uniqCombined(14) is exact
-- while a bucket holds few page views and then a 12 KiB HyperLogLog (about 0.8 % standard
-- error): the same window merges in about 7 ms. page_views_site keeps serving the Overview's
-- error rate, whose per-bucket counts stay exact to 65,536 page views a bucket.
--
-- Filled from the raw page views (the states cannot be made from uniq states), which keep
-- 90 days: buckets older than that stay only in page_views_site, and errors_page_views reads
-- them there (a page view lies in the one bucket of its start, so the two parts add up).
-- The view first, then each table emptied and refilled from the raw table (which has
-- everything the new view wrote too), so a run that died half-way is repeated with the same
-- result.

CREATE TABLE IF NOT EXISTS page_views_reach_1m
(
    site       LowCardinality(String),
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_views AggregateFunction(uniqCombined(14), String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(bucket)
-- Serves: errors_page_views (a site's distinct page views in a window).
ORDER BY (site, bucket)
TTL bucket + INTERVAL 3 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS page_views_reach_1m_mv TO page_views_reach_1m AS
SELECT
    site,
    toStartOfMinute(started_at) AS bucket,
    uniqCombinedState(14)(page_view_id) AS page_views
FROM page_views
WHERE started_at >= now() - INTERVAL 3 DAY
GROUP BY site, bucket;

TRUNCATE TABLE page_views_reach_1m;

INSERT INTO page_views_reach_1m
SELECT site, toStartOfMinute(started_at) AS bucket, uniqCombinedState(14)(page_view_id) AS page_views
FROM page_views
WHERE started_at >= now() - INTERVAL 3 DAY
GROUP BY site, bucket;

CREATE TABLE IF NOT EXISTS page_views_reach_1h
(
    site       LowCardinality(String),
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_views AggregateFunction(uniqCombined(14), String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: errors_page_views (a site's distinct page views in a window).
ORDER BY (site, bucket)
TTL bucket + INTERVAL 17 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS page_views_reach_1h_mv TO page_views_reach_1h AS
SELECT
    site,
    toStartOfHour(started_at) AS bucket,
    uniqCombinedState(14)(page_view_id) AS page_views
FROM page_views
GROUP BY site, bucket;

TRUNCATE TABLE page_views_reach_1h;

INSERT INTO page_views_reach_1h
SELECT site, toStartOfHour(started_at) AS bucket, uniqCombinedState(14)(page_view_id) AS page_views
FROM page_views
WHERE started_at >= now() - INTERVAL 17 DAY
GROUP BY site, bucket;

CREATE TABLE IF NOT EXISTS page_views_reach_1d
(
    site       LowCardinality(String),
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_views AggregateFunction(uniqCombined(14), String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: errors_page_views (a site's distinct page views in a window).
ORDER BY (site, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS page_views_reach_1d_mv TO page_views_reach_1d AS
SELECT
    site,
    toStartOfDay(started_at) AS bucket,
    uniqCombinedState(14)(page_view_id) AS page_views
FROM page_views
GROUP BY site, bucket;

TRUNCATE TABLE page_views_reach_1d;

INSERT INTO page_views_reach_1d
SELECT site, toStartOfDay(started_at) AS bucket, uniqCombinedState(14)(page_view_id) AS page_views
FROM page_views
GROUP BY site, bucket;
