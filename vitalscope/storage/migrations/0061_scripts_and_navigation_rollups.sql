-- Rollups of issue 16's panels, hourly like vitals_targets_1h (the panels widen their window
-- to whole hours, as the Pages drill-down's attribution does). Not backfilled: they fill from
-- the rows inserted after this migration.
-- vitals_scripts_1h: INP samples per script (URL, host, party) and page group; samples
-- without a script are kept with an empty URL, so the poor INP of a site or page group (the
-- denominator of a script's share) comes from the same table.
-- vitals_navs_1h: every vital per page group and navigation type, so soft navigations (SPA
-- route changes, nav_type 'soft') show their own vitals next to page loads.

CREATE TABLE IF NOT EXISTS vitals_scripts_1h
(
    site        LowCardinality(String),
    page_group  LowCardinality(String),
    script_url  String,
    script_host LowCardinality(String),
    party       LowCardinality(String),
    bucket      DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples     SimpleAggregateFunction(sum, UInt64),
    poor        SimpleAggregateFunction(sum, UInt64),
    duration_q  AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: scripts_slow_interactions (the scripts behind a site's INP: the site prefix; of one
-- page group: site and page_group).
ORDER BY (site, page_group, script_url, script_host, party, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_scripts_1h_mv TO vitals_scripts_1h AS
SELECT
    site,
    page_group,
    attr_script_url AS script_url,
    attr_script_host AS script_host,
    attr_script_party AS party,
    toStartOfHour(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'poor') AS poor,
    quantilesTDigestState(0.5, 0.75, 0.9, 0.95)(attr_script_duration) AS duration_q
FROM vitals
WHERE metric = 'INP'
GROUP BY site, page_group, script_url, script_host, party, bucket;

CREATE TABLE IF NOT EXISTS vitals_navs_1h
(
    site              LowCardinality(String),
    page_group        LowCardinality(String),
    nav_type          LowCardinality(String),
    metric            LowCardinality(String),
    bucket            DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples           SimpleAggregateFunction(sum, UInt64),
    good              SimpleAggregateFunction(sum, UInt64),
    needs_improvement SimpleAggregateFunction(sum, UInt64),
    poor              SimpleAggregateFunction(sum, UInt64),
    value_q           AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: page_navigation_types (one page group's vitals per navigation type in the Pages
-- drill-down: site and page_group).
ORDER BY (site, page_group, nav_type, metric, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_navs_1h_mv TO vitals_navs_1h AS
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
    quantilesTDigestState(0.5, 0.75, 0.9, 0.95)(value) AS value_q
FROM vitals
GROUP BY site, page_group, nav_type, metric, bucket;
