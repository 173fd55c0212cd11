-- Issue 18: daily tiers for the Pages drill-down's attribution rollups (navigation types,
-- elements, scripts), whose hourly tables kept 400 days. Those tables hold about a row per
-- sample of a long-tail page group (0.8 rows per raw sample for vitals_navs_1h on the Zipf
-- dashboard bench), so over their 400 days they came to weigh more than the 90-day raw table
-- itself, and a 30-day drill-down of a busy page group read 720 hourly rows per key. A window
-- the dashboard reads from the daily tier (dashboard/filters.py: longer than 8 days, or
-- starting more than 16 days ago) now reads these daily tables, any other the hourly ones
-- widened to whole hours (dashboard/panels/pages.py, attribution_window), and the hourly
-- tables keep 17 days like the other hourly vital tiers (0070).
--
-- Filled from the hourly tables (stop the flushers while it runs: docs/deployment.md): the
-- view first, then per key and day what the hourly rows hold beyond what the daily table
-- already has (nothing, for a day the view wrote entirely). So a repeated run adds nothing
-- twice and, unlike a truncate-and-refill, keeps the days the hourly tables no longer hold
-- once their TTLs have shrunk (last, after the copies). The counts per logarithmic bucket
-- merge exactly, so a day's row holds what its hours held.

CREATE TABLE IF NOT EXISTS vitals_navs_1d
(
    site              LowCardinality(String),
    page_group        LowCardinality(String),
    nav_type          LowCardinality(String),
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
-- Serves: page_navigation_types (one page group's vitals per navigation type in the Pages
-- drill-down: site and page_group).
ORDER BY (site, page_group, nav_type, metric, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_navs_1d_mv TO vitals_navs_1d AS
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
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS value_lh
FROM vitals
GROUP BY site, page_group, nav_type, metric, bucket;

INSERT INTO vitals_navs_1d (site, page_group, nav_type, metric, bucket, samples, good,
    needs_improvement, poor, value_lh)
SELECT h.site, h.page_group, h.nav_type, h.metric, h.day, h.samples - d.samples, h.good - d.good,
       h.needs_improvement - d.needs_improvement, h.poor - d.poor,
       CAST(mapFilter((b, c) -> c > 0, mapSubtract(h.lh, d.lh)), 'Map(UInt16, UInt64)')
FROM
(
    SELECT site, page_group, nav_type, metric, toStartOfDay(bucket) AS day,
           sum(samples) AS samples, sum(good) AS good,
           sum(needs_improvement) AS needs_improvement, sum(poor) AS poor,
           sumMap(value_lh) AS lh
    FROM vitals_navs_1h
    GROUP BY site, page_group, nav_type, metric, day
) AS h
LEFT JOIN
(
    SELECT site, page_group, nav_type, metric, bucket AS day, sum(samples) AS samples,
           sum(good) AS good, sum(needs_improvement) AS needs_improvement, sum(poor) AS poor,
           sumMap(value_lh) AS lh
    FROM vitals_navs_1d
    GROUP BY site, page_group, nav_type, metric, day
) AS d ON h.site = d.site AND h.page_group = d.page_group AND h.nav_type = d.nav_type
    AND h.metric = d.metric AND h.day = d.day
WHERE h.samples > d.samples;

CREATE TABLE IF NOT EXISTS vitals_targets_1d
(
    site       LowCardinality(String),
    page_group LowCardinality(String),
    metric     LowCardinality(String),
    target     String,
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples    SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor       SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    value_lh   SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: page_targets (the worst attribution elements of one page group in the drill-down:
-- site and page_group).
ORDER BY (site, page_group, metric, target, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_targets_1d_mv TO vitals_targets_1d AS
SELECT
    site,
    page_group,
    metric,
    attr_target AS target,
    toStartOfDay(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'poor') AS poor,
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS value_lh
FROM vitals
WHERE attr_target != ''
GROUP BY site, page_group, metric, target, bucket;

INSERT INTO vitals_targets_1d (site, page_group, metric, target, bucket, samples, poor, value_lh)
SELECT h.site, h.page_group, h.metric, h.target, h.day, h.samples - d.samples, h.poor - d.poor,
       CAST(mapFilter((b, c) -> c > 0, mapSubtract(h.lh, d.lh)), 'Map(UInt16, UInt64)')
FROM
(
    SELECT site, page_group, metric, target, toStartOfDay(bucket) AS day,
           sum(samples) AS samples, sum(poor) AS poor, sumMap(value_lh) AS lh
    FROM vitals_targets_1h
    GROUP BY site, page_group, metric, target, day
) AS h
LEFT JOIN
(
    SELECT site, page_group, metric, target, bucket AS day, sum(samples) AS samples,
           sum(poor) AS poor, sumMap(value_lh) AS lh
    FROM vitals_targets_1d
    GROUP BY site, page_group, metric, target, day
) AS d ON h.site = d.site AND h.page_group = d.page_group AND h.metric = d.metric
    AND h.target = d.target AND h.day = d.day
WHERE h.samples > d.samples;

CREATE TABLE IF NOT EXISTS vitals_scripts_1d
(
    site        LowCardinality(String),
    page_group  LowCardinality(String),
    script_url  String,
    script_host LowCardinality(String),
    party       LowCardinality(String),
    bucket      DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples     SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor        SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    duration_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: scripts_slow_interactions and scripts_inp_totals (the scripts behind a site's INP:
-- the site prefix; of one page group: site and page_group).
ORDER BY (site, page_group, script_url, script_host, party, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_scripts_1d_mv TO vitals_scripts_1d AS
SELECT
    site,
    page_group,
    attr_script_url AS script_url,
    attr_script_host AS script_host,
    attr_script_party AS party,
    toStartOfDay(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'poor') AS poor,
    sumMap(map(toUInt16(if(attr_script_duration <= 0, 0, greatest(1, least(65535, round(log(attr_script_duration * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS duration_lh
FROM vitals
WHERE metric = 'INP'
GROUP BY site, page_group, script_url, script_host, party, bucket;

INSERT INTO vitals_scripts_1d (site, page_group, script_url, script_host, party, bucket,
    samples, poor, duration_lh)
SELECT h.site, h.page_group, h.script_url, h.script_host, h.party, h.day, h.samples - d.samples,
       h.poor - d.poor,
       CAST(mapFilter((b, c) -> c > 0, mapSubtract(h.lh, d.lh)), 'Map(UInt16, UInt64)')
FROM
(
    SELECT site, page_group, script_url, script_host, party, toStartOfDay(bucket) AS day,
           sum(samples) AS samples, sum(poor) AS poor, sumMap(duration_lh) AS lh
    FROM vitals_scripts_1h
    GROUP BY site, page_group, script_url, script_host, party, day
) AS h
LEFT JOIN
(
    SELECT site, page_group, script_url, script_host, party, bucket AS day,
           sum(samples) AS samples, sum(poor) AS poor, sumMap(duration_lh) AS lh
    FROM vitals_scripts_1d
    GROUP BY site, page_group, script_url, script_host, party, day
) AS d ON h.site = d.site AND h.page_group = d.page_group AND h.script_url = d.script_url
    AND h.script_host = d.script_host AND h.party = d.party AND h.day = d.day
WHERE h.samples > d.samples;

ALTER TABLE vitals_navs_1h MODIFY TTL bucket + INTERVAL 17 DAY DELETE;
ALTER TABLE vitals_targets_1h MODIFY TTL bucket + INTERVAL 17 DAY DELETE;
ALTER TABLE vitals_scripts_1h MODIFY TTL bucket + INTERVAL 17 DAY DELETE;
