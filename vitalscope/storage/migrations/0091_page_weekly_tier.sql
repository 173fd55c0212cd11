-- Issue 18: a weekly page tier for the p75s of the page groups on screen (pages_quantiles).
-- A top page group's daily row per vital holds hundreds of bucket counts, and a 30-day list
-- read 31 of them per group and vital: on the 10 M-sample Zipf bench 8.2 MB, 0.116 of what
-- the raw query reads, after 0090. A week's row holds about as many buckets as a day's, so
-- the dashboard now reads the whole weeks (Monday to Monday, UTC) inside a daily window from
-- here and only the days either side from vitals_pages_1d
-- (dashboard/panels/page_quantiles.py); windows read from the hourly or minute tiers are
-- unchanged. Counts per logarithmic bucket merge exactly, so the answer is the same.
--
-- Filled from vitals_pages_1d, which keeps what the raw table no longer does (stop the
-- flushers while it runs: docs/deployment.md): the view first, then per key and week what
-- the daily rows hold beyond what this table already has (nothing, for a week the view wrote
-- entirely), so a repeated run adds nothing twice. It keeps 406 days: a week's row outlives
-- the last of its days in vitals_pages_1d (400).

CREATE TABLE IF NOT EXISTS vitals_pages_1w
(
    site              LowCardinality(String),
    page_group        LowCardinality(String),
    metric            LowCardinality(String),
    bucket            DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples           SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    good              SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor              SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    value_lh          SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: pages_quantiles (the whole weeks of a daily window, for the page groups on
-- screen, drilled into or set beside the synthetics' lab figures: site, page_group IN ...,
-- bucket).
ORDER BY (site, page_group, bucket, metric)
TTL bucket + INTERVAL 406 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, index_granularity_bytes = 32768;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_pages_1w_mv TO vitals_pages_1w AS
SELECT
    site,
    page_group,
    metric,
    toDateTime(toMonday(ts), 'UTC') AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS value_lh
FROM vitals
GROUP BY site, page_group, metric, bucket;

INSERT INTO vitals_pages_1w (site, page_group, metric, bucket, samples, good,
    needs_improvement, poor, value_lh)
SELECT d.site, d.page_group, d.metric, d.week, d.samples - w.samples, d.good - w.good,
       d.needs_improvement - w.needs_improvement, d.poor - w.poor,
       CAST(mapFilter((b, c) -> c > 0, mapSubtract(d.lh, w.lh)), 'Map(UInt16, UInt64)')
FROM
(
    SELECT site, page_group, metric, toDateTime(toMonday(bucket), 'UTC') AS week,
           sum(samples) AS samples, sum(good) AS good,
           sum(needs_improvement) AS needs_improvement, sum(poor) AS poor,
           sumMap(value_lh) AS lh
    FROM vitals_pages_1d
    GROUP BY site, page_group, metric, week
) AS d
LEFT JOIN
(
    SELECT site, page_group, metric, bucket AS week, sum(samples) AS samples,
           sum(good) AS good, sum(needs_improvement) AS needs_improvement, sum(poor) AS poor,
           sumMap(value_lh) AS lh
    FROM vitals_pages_1w
    GROUP BY site, page_group, metric, week
) AS w ON d.site = w.site AND d.page_group = w.page_group AND d.metric = w.metric
    AND d.week = w.week
WHERE d.samples > w.samples;
