-- Initial schema: sites, raw RUM tables and the per-minute vitals rollup.
-- Conventions the cluster renderer relies on (see vitalscope/storage/cluster.py):
-- one statement per `;`, tables referenced without database, MergeTree-family engines only.
-- Raw tables are partitioned by day so retention drops whole parts (ttl_only_drop_parts) and a
-- time-range filter prunes partitions before the primary key is even read.

CREATE TABLE IF NOT EXISTS sites
(
    name            String,
    public_key      String,
    server_key_hash String,
    origins         Array(String),
    enabled         Bool,
    created_at      DateTime64(3, 'UTC'),
    updated_at      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
-- Serves: site list and key lookup at collector start (whole table, FINAL, tiny).
ORDER BY name;

CREATE TABLE IF NOT EXISTS page_views
(
    site                 LowCardinality(String),
    started_at           DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    received_at          DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    page_view_id         String CODEC(ZSTD(1)),
    session_id           String CODEC(ZSTD(1)),
    url                  String CODEC(ZSTD(1)),
    page_group           LowCardinality(String),
    referrer_host        LowCardinality(String),
    nav_type             LowCardinality(String),
    device               LowCardinality(String),
    browser              LowCardinality(String),
    browser_version      LowCardinality(String),
    os                   LowCardinality(String),
    country              LowCardinality(String),
    connection           LowCardinality(String),
    device_memory        Float32,
    hardware_concurrency UInt16,
    viewport_width       UInt16,
    viewport_height      UInt16,
    release              LowCardinality(String),
    route_change_ms      Float64,
    tags                 Map(LowCardinality(String), String)
)
-- Every beacon of a page view carries its context; replacing on the full key keeps one row.
ENGINE = ReplacingMergeTree(received_at)
PARTITION BY toDate(started_at)
-- Serves: traffic per site/page group over time, page view lookup for drill-down.
ORDER BY (site, page_group, started_at, page_view_id)
TTL toDateTime(started_at) + INTERVAL 90 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS vitals
(
    site            LowCardinality(String),
    metric          LowCardinality(String),
    ts              DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    received_at     DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    event_id        String CODEC(ZSTD(1)),
    page_view_id    String CODEC(ZSTD(1)),
    session_id      String CODEC(ZSTD(1)),
    value           Float64 CODEC(ZSTD(1)),
    delta           Float64 CODEC(ZSTD(1)),
    rating          LowCardinality(String),
    page_group      LowCardinality(String),
    url             String CODEC(ZSTD(1)),
    nav_type        LowCardinality(String),
    device          LowCardinality(String),
    browser         LowCardinality(String),
    browser_version LowCardinality(String),
    os              LowCardinality(String),
    country         LowCardinality(String),
    connection      LowCardinality(String),
    release         LowCardinality(String),
    attr_target     String CODEC(ZSTD(1)),
    attr_url        String CODEC(ZSTD(1)),
    attr_event      LowCardinality(String),
    attr_parts      Map(LowCardinality(String), Float64),
    tags            Map(LowCardinality(String), String)
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
-- Serves: page-group drill-down (one metric of one page group over a range), breakdowns and
-- attribution of a site's metric, regression tests on raw samples. Time ranges prune by
-- partition, so site/metric/page_group lead.
ORDER BY (site, metric, page_group, ts)
TTL toDateTime(ts) + INTERVAL 90 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS server_timings
(
    site          LowCardinality(String),
    source        LowCardinality(String),
    ts            DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    received_at   DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    event_id      String CODEC(ZSTD(1)),
    page_view_id  String CODEC(ZSTD(1)),
    request_id    String CODEC(ZSTD(1)),
    page_group    LowCardinality(String),
    url           String CODEC(ZSTD(1)),
    name          LowCardinality(String),
    duration      Float64 CODEC(ZSTD(1)),
    description   String CODEC(ZSTD(1)),
    cache_status  LowCardinality(String),
    status_code   UInt16,
    device        LowCardinality(String),
    browser       LowCardinality(String),
    country       LowCardinality(String),
    release       LowCardinality(String)
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
-- Serves: p75 duration of one server-timing name over time, cache hit rate of one cache
-- name (name = cache entry, cache_status = hit/miss/...), per site and source.
ORDER BY (site, name, source, ts)
TTL toDateTime(ts) + INTERVAL 90 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS js_errors
(
    site          LowCardinality(String),
    ts            DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    received_at   DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    event_id      String CODEC(ZSTD(1)),
    page_view_id  String CODEC(ZSTD(1)),
    session_id    String CODEC(ZSTD(1)),
    fingerprint   UInt64,
    error_type    LowCardinality(String),
    message       String CODEC(ZSTD(1)),
    source        String CODEC(ZSTD(1)),
    stack         String CODEC(ZSTD(3)),
    occurrences   UInt32,
    page_group    LowCardinality(String),
    url           String CODEC(ZSTD(1)),
    device        LowCardinality(String),
    browser       LowCardinality(String),
    os            LowCardinality(String),
    release       LowCardinality(String)
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
-- Serves: top errors of a site (group by fingerprint) and one error's occurrences over time.
ORDER BY (site, fingerprint, ts)
TTL toDateTime(ts) + INTERVAL 90 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS vitals_1m
(
    site              LowCardinality(String),
    metric            LowCardinality(String),
    minute            DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_group        LowCardinality(String),
    device            LowCardinality(String),
    samples           SimpleAggregateFunction(sum, UInt64),
    good              SimpleAggregateFunction(sum, UInt64),
    needs_improvement SimpleAggregateFunction(sum, UInt64),
    poor              SimpleAggregateFunction(sum, UInt64),
    value_sum         SimpleAggregateFunction(sum, Float64),
    value_quantiles   AggregateFunction(quantiles(0.5, 0.75, 0.9, 0.95, 0.99), Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
-- Serves: overview p75 and good/NI/poor shares of a site's metric over a time range, its time
-- series, and the pages table (group by page_group within the same prefix).
ORDER BY (site, metric, minute, page_group, device)
TTL minute + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_1m_mv TO vitals_1m AS
SELECT
    site,
    metric,
    toStartOfMinute(ts) AS minute,
    page_group,
    device,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    sum(value) AS value_sum,
    quantilesState(0.5, 0.75, 0.9, 0.95, 0.99)(value) AS value_quantiles
FROM vitals
GROUP BY site, metric, minute, page_group, device;

CREATE TABLE IF NOT EXISTS server_timings_1m
(
    site        LowCardinality(String),
    source      LowCardinality(String),
    name        LowCardinality(String),
    minute      DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    page_group  LowCardinality(String),
    samples     SimpleAggregateFunction(sum, UInt64),
    cache_hits  SimpleAggregateFunction(sum, UInt64),
    cache_total SimpleAggregateFunction(sum, UInt64),
    duration_quantiles AggregateFunction(quantiles(0.5, 0.75, 0.9, 0.95, 0.99), Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
-- Serves: server-timing p75 per name over time and cache hit rate per cache name/source.
ORDER BY (site, name, source, minute, page_group)
TTL minute + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS server_timings_1m_mv TO server_timings_1m AS
SELECT
    site,
    source,
    name,
    toStartOfMinute(ts) AS minute,
    page_group,
    count() AS samples,
    countIf(cache_status IN ('hit', 'stale')) AS cache_hits,
    countIf(cache_status != '') AS cache_total,
    quantilesState(0.5, 0.75, 0.9, 0.95, 0.99)(duration) AS duration_quantiles
FROM server_timings
GROUP BY site, source, name, minute, page_group;
