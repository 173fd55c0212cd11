-- Issue 18: per page group counts alone (samples and poor samples, summed over the vitals)
-- for the Pages list's ranking. pages_ranked sorts every page group of the window by a
-- count, and read them from vitals_pages_*: a row per page group, metric and bucket, keyed
-- (site, page_group, metric, bucket), so it read each group's rows of every vital and,
-- without the bucket in front of the page group, every day the tier keeps (400 in
-- vitals_pages_1d), not just the window's. These tables hold a row per page group and
-- bucket, keyed (site, bucket, page_group): the ranking reads the window's rows and no more.
-- On the Zipf dashboard bench the daily tier has 2.8 rows of vitals_pages_1d per row here.
--
-- Each tier is filled from its vitals_pages sibling, which keeps what the raw table no
-- longer does (stop the flushers while it runs: docs/deployment.md): the view first, then
-- per key what the page tier holds beyond what the count tier already has (nothing, for a
-- bucket the view wrote entirely). So a repeated run adds nothing twice. The TTLs are the
-- page tiers': 36 hours (0083), 17 days (0070) and 400 days.

CREATE TABLE IF NOT EXISTS vitals_page_counts_1m
(
    site       LowCardinality(String),
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_group LowCardinality(String),
    samples    SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor       SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: pages_ranked and pages_total (every page group of a site's window, ranked or
-- counted: site and bucket).
ORDER BY (site, bucket, page_group)
TTL bucket + INTERVAL 36 HOUR DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_page_counts_1m_mv TO vitals_page_counts_1m AS
SELECT
    site,
    toStartOfMinute(ts) AS bucket,
    page_group,
    count() AS samples,
    countIf(rating = 'poor') AS poor
FROM vitals
GROUP BY site, bucket, page_group;

INSERT INTO vitals_page_counts_1m (site, bucket, page_group, samples, poor)
SELECT p.site, p.bucket, p.page_group, p.samples - c.samples, p.poor - c.poor
FROM
(
    SELECT site, bucket, page_group, sum(samples) AS samples, sum(poor) AS poor
    FROM vitals_pages_1m
    GROUP BY site, bucket, page_group
) AS p
LEFT JOIN
(
    SELECT site, bucket, page_group, sum(samples) AS samples, sum(poor) AS poor
    FROM vitals_page_counts_1m
    GROUP BY site, bucket, page_group
) AS c ON p.site = c.site AND p.bucket = c.bucket AND p.page_group = c.page_group
WHERE p.samples > c.samples;

CREATE TABLE IF NOT EXISTS vitals_page_counts_1h
(
    site       LowCardinality(String),
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_group LowCardinality(String),
    samples    SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor       SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: pages_ranked and pages_total (every page group of a site's window, ranked or
-- counted: site and bucket).
ORDER BY (site, bucket, page_group)
TTL bucket + INTERVAL 17 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_page_counts_1h_mv TO vitals_page_counts_1h AS
SELECT
    site,
    toStartOfHour(ts) AS bucket,
    page_group,
    count() AS samples,
    countIf(rating = 'poor') AS poor
FROM vitals
GROUP BY site, bucket, page_group;

INSERT INTO vitals_page_counts_1h (site, bucket, page_group, samples, poor)
SELECT p.site, p.bucket, p.page_group, p.samples - c.samples, p.poor - c.poor
FROM
(
    SELECT site, bucket, page_group, sum(samples) AS samples, sum(poor) AS poor
    FROM vitals_pages_1h
    GROUP BY site, bucket, page_group
) AS p
LEFT JOIN
(
    SELECT site, bucket, page_group, sum(samples) AS samples, sum(poor) AS poor
    FROM vitals_page_counts_1h
    GROUP BY site, bucket, page_group
) AS c ON p.site = c.site AND p.bucket = c.bucket AND p.page_group = c.page_group
WHERE p.samples > c.samples;

CREATE TABLE IF NOT EXISTS vitals_page_counts_1d
(
    site       LowCardinality(String),
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_group LowCardinality(String),
    samples    SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor       SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: pages_ranked and pages_total (every page group of a site's window, ranked or
-- counted: site and bucket).
ORDER BY (site, bucket, page_group)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_page_counts_1d_mv TO vitals_page_counts_1d AS
SELECT
    site,
    toStartOfDay(ts) AS bucket,
    page_group,
    count() AS samples,
    countIf(rating = 'poor') AS poor
FROM vitals
GROUP BY site, bucket, page_group;

INSERT INTO vitals_page_counts_1d (site, bucket, page_group, samples, poor)
SELECT p.site, p.bucket, p.page_group, p.samples - c.samples, p.poor - c.poor
FROM
(
    SELECT site, bucket, page_group, sum(samples) AS samples, sum(poor) AS poor
    FROM vitals_pages_1d
    GROUP BY site, bucket, page_group
) AS p
LEFT JOIN
(
    SELECT site, bucket, page_group, sum(samples) AS samples, sum(poor) AS poor
    FROM vitals_page_counts_1d
    GROUP BY site, bucket, page_group
) AS c ON p.site = c.site AND p.bucket = c.bucket AND p.page_group = c.page_group
WHERE p.samples > c.samples;
