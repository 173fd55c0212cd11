-- Dashboard rollups: every panel answers from one of these, never from the raw tables.
-- Three tiers per family, same columns, so one named query serves every range: the query layer
-- picks the tier from the range (<= 6 h: 1m, <= 8 d: 1h, else 1d) and passes the table as an
-- Identifier parameter from a fixed list. The 1m tier only keeps the last 3 days (its views skip
-- older rows, its TTL drops them): short ranges are always recent.
-- Quantiles are t-digest states (quantilesTDigest): a few hundred centroids whatever the sample
-- count, so 30 daily states merge in milliseconds where a reservoir would carry 8192 values each.
-- `hist` is a fixed-width histogram per metric (bucket width in the view: CLS 0.005, INP 10 ms,
-- TTFB 25 ms, others 50 ms; 200 buckets, the last one open-ended) for distributions and the
-- confidence interval of p75 in breakdowns.

CREATE TABLE IF NOT EXISTS vitals_dims_1m
(
    site              LowCardinality(String),
    dim               LowCardinality(String),
    val               String,
    metric            LowCardinality(String),
    bucket            DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples           SimpleAggregateFunction(sum, UInt64),
    good              SimpleAggregateFunction(sum, UInt64),
    needs_improvement SimpleAggregateFunction(sum, UInt64),
    poor              SimpleAggregateFunction(sum, UInt64),
    value_sum         SimpleAggregateFunction(sum, Float64),
    parts_sum         SimpleAggregateFunction(sumMap, Map(String, Float64)),
    hist              SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)),
    value_q           AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(bucket)
-- Serves: overview cards, p75 series, histograms and TTFB/LCP parts of a site for one segment
-- (dim 'all' or e.g. dim 'device' val 'mobile'), breakdowns (all vals of one dim) and release
-- markers (dim 'release'). Every query fixes site and dim (and usually val), then ranges bucket.
ORDER BY (site, dim, val, metric, bucket)
TTL bucket + INTERVAL 3 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_dims_1m_mv TO vitals_dims_1m AS
SELECT
    site,
    d.1 AS dim,
    d.2 AS val,
    metric,
    toStartOfMinute(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    sum(value) AS value_sum,
    sumMap(CAST(attr_parts, 'Map(String, Float64)')) AS parts_sum,
    sumMap(map(toUInt16(least(199, floor(value / multiIf(metric = 'CLS', 0.005, metric = 'INP', 10, metric = 'TTFB', 25, 50)))), toUInt64(1))) AS hist,
    quantilesTDigestState(0.5, 0.75, 0.9, 0.95)(value) AS value_q
FROM vitals
ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
            ('os', toString(os)), ('country', toString(country)),
            ('connection', toString(connection)), ('nav_type', toString(nav_type)),
            ('release', toString(release))] AS d
WHERE ts >= now() - INTERVAL 3 DAY
GROUP BY site, dim, val, metric, bucket;

CREATE TABLE IF NOT EXISTS vitals_pages_1m
(
    site              LowCardinality(String),
    page_group        LowCardinality(String),
    metric            LowCardinality(String),
    bucket            DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples           SimpleAggregateFunction(sum, UInt64),
    good              SimpleAggregateFunction(sum, UInt64),
    needs_improvement SimpleAggregateFunction(sum, UInt64),
    poor              SimpleAggregateFunction(sum, UInt64),
    value_q           AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(bucket)
-- Serves: the pages table (counts of every page group of a site, reading only the small
-- count columns) and the p75s of the page groups on screen or drilled into
-- (page_group IN ..., which the key prunes to).
ORDER BY (site, page_group, metric, bucket)
TTL bucket + INTERVAL 3 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_pages_1m_mv TO vitals_pages_1m AS
SELECT
    site,
    page_group,
    metric,
    toStartOfMinute(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    quantilesTDigestState(0.5, 0.75, 0.9, 0.95)(value) AS value_q
FROM vitals
WHERE ts >= now() - INTERVAL 3 DAY
GROUP BY site, page_group, metric, bucket;

CREATE TABLE IF NOT EXISTS server_timings_tier_1m
(
    site         LowCardinality(String),
    source       LowCardinality(String),
    name         LowCardinality(String),
    bucket       DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples      SimpleAggregateFunction(sum, UInt64),
    cache_hits   SimpleAggregateFunction(sum, UInt64),
    cache_total  SimpleAggregateFunction(sum, UInt64),
    duration_sum SimpleAggregateFunction(sum, Float64),
    duration_q   AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(bucket)
-- Serves: server-timing p75 per name over time, the names table, and cache hit rate per
-- cache name and source over time (all names of a site in one read of its prefix).
ORDER BY (site, source, name, bucket)
TTL bucket + INTERVAL 3 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS server_timings_tier_1m_mv TO server_timings_tier_1m AS
SELECT
    site,
    source,
    name,
    toStartOfMinute(ts) AS bucket,
    count() AS samples,
    countIf(cache_status IN ('hit', 'stale')) AS cache_hits,
    countIf(cache_status != '') AS cache_total,
    sum(duration) AS duration_sum,
    quantilesTDigestState(0.5, 0.75, 0.9, 0.95)(duration) AS duration_q
FROM server_timings
WHERE ts >= now() - INTERVAL 3 DAY
GROUP BY site, source, name, bucket;

CREATE TABLE IF NOT EXISTS vitals_dims_1h
(
    site              LowCardinality(String),
    dim               LowCardinality(String),
    val               String,
    metric            LowCardinality(String),
    bucket            DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples           SimpleAggregateFunction(sum, UInt64),
    good              SimpleAggregateFunction(sum, UInt64),
    needs_improvement SimpleAggregateFunction(sum, UInt64),
    poor              SimpleAggregateFunction(sum, UInt64),
    value_sum         SimpleAggregateFunction(sum, Float64),
    parts_sum         SimpleAggregateFunction(sumMap, Map(String, Float64)),
    hist              SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)),
    value_q           AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: overview cards, p75 series, histograms and TTFB/LCP parts of a site for one segment
-- (dim 'all' or e.g. dim 'device' val 'mobile'), breakdowns (all vals of one dim) and release
-- markers (dim 'release'). Every query fixes site and dim (and usually val), then ranges bucket.
ORDER BY (site, dim, val, metric, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_dims_1h_mv TO vitals_dims_1h AS
SELECT
    site,
    d.1 AS dim,
    d.2 AS val,
    metric,
    toStartOfHour(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    sum(value) AS value_sum,
    sumMap(CAST(attr_parts, 'Map(String, Float64)')) AS parts_sum,
    sumMap(map(toUInt16(least(199, floor(value / multiIf(metric = 'CLS', 0.005, metric = 'INP', 10, metric = 'TTFB', 25, 50)))), toUInt64(1))) AS hist,
    quantilesTDigestState(0.5, 0.75, 0.9, 0.95)(value) AS value_q
FROM vitals
ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
            ('os', toString(os)), ('country', toString(country)),
            ('connection', toString(connection)), ('nav_type', toString(nav_type)),
            ('release', toString(release))] AS d
GROUP BY site, dim, val, metric, bucket;

CREATE TABLE IF NOT EXISTS vitals_pages_1h
(
    site              LowCardinality(String),
    page_group        LowCardinality(String),
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
-- Serves: the pages table (counts of every page group of a site, reading only the small
-- count columns) and the p75s of the page groups on screen or drilled into
-- (page_group IN ..., which the key prunes to).
ORDER BY (site, page_group, metric, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_pages_1h_mv TO vitals_pages_1h AS
SELECT
    site,
    page_group,
    metric,
    toStartOfHour(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    quantilesTDigestState(0.5, 0.75, 0.9, 0.95)(value) AS value_q
FROM vitals
GROUP BY site, page_group, metric, bucket;

CREATE TABLE IF NOT EXISTS server_timings_tier_1h
(
    site         LowCardinality(String),
    source       LowCardinality(String),
    name         LowCardinality(String),
    bucket       DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples      SimpleAggregateFunction(sum, UInt64),
    cache_hits   SimpleAggregateFunction(sum, UInt64),
    cache_total  SimpleAggregateFunction(sum, UInt64),
    duration_sum SimpleAggregateFunction(sum, Float64),
    duration_q   AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: server-timing p75 per name over time, the names table, and cache hit rate per
-- cache name and source over time (all names of a site in one read of its prefix).
ORDER BY (site, source, name, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS server_timings_tier_1h_mv TO server_timings_tier_1h AS
SELECT
    site,
    source,
    name,
    toStartOfHour(ts) AS bucket,
    count() AS samples,
    countIf(cache_status IN ('hit', 'stale')) AS cache_hits,
    countIf(cache_status != '') AS cache_total,
    sum(duration) AS duration_sum,
    quantilesTDigestState(0.5, 0.75, 0.9, 0.95)(duration) AS duration_q
FROM server_timings
GROUP BY site, source, name, bucket;

CREATE TABLE IF NOT EXISTS vitals_dims_1d
(
    site              LowCardinality(String),
    dim               LowCardinality(String),
    val               String,
    metric            LowCardinality(String),
    bucket            DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples           SimpleAggregateFunction(sum, UInt64),
    good              SimpleAggregateFunction(sum, UInt64),
    needs_improvement SimpleAggregateFunction(sum, UInt64),
    poor              SimpleAggregateFunction(sum, UInt64),
    value_sum         SimpleAggregateFunction(sum, Float64),
    parts_sum         SimpleAggregateFunction(sumMap, Map(String, Float64)),
    hist              SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)),
    value_q           AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: overview cards, p75 series, histograms and TTFB/LCP parts of a site for one segment
-- (dim 'all' or e.g. dim 'device' val 'mobile'), breakdowns (all vals of one dim) and release
-- markers (dim 'release'). Every query fixes site and dim (and usually val), then ranges bucket.
ORDER BY (site, dim, val, metric, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_dims_1d_mv TO vitals_dims_1d AS
SELECT
    site,
    d.1 AS dim,
    d.2 AS val,
    metric,
    toStartOfDay(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    sum(value) AS value_sum,
    sumMap(CAST(attr_parts, 'Map(String, Float64)')) AS parts_sum,
    sumMap(map(toUInt16(least(199, floor(value / multiIf(metric = 'CLS', 0.005, metric = 'INP', 10, metric = 'TTFB', 25, 50)))), toUInt64(1))) AS hist,
    quantilesTDigestState(0.5, 0.75, 0.9, 0.95)(value) AS value_q
FROM vitals
ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
            ('os', toString(os)), ('country', toString(country)),
            ('connection', toString(connection)), ('nav_type', toString(nav_type)),
            ('release', toString(release))] AS d
GROUP BY site, dim, val, metric, bucket;

CREATE TABLE IF NOT EXISTS vitals_pages_1d
(
    site              LowCardinality(String),
    page_group        LowCardinality(String),
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
-- Serves: the pages table (counts of every page group of a site, reading only the small
-- count columns) and the p75s of the page groups on screen or drilled into
-- (page_group IN ..., which the key prunes to).
ORDER BY (site, page_group, metric, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_pages_1d_mv TO vitals_pages_1d AS
SELECT
    site,
    page_group,
    metric,
    toStartOfDay(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    quantilesTDigestState(0.5, 0.75, 0.9, 0.95)(value) AS value_q
FROM vitals
GROUP BY site, page_group, metric, bucket;

CREATE TABLE IF NOT EXISTS server_timings_tier_1d
(
    site         LowCardinality(String),
    source       LowCardinality(String),
    name         LowCardinality(String),
    bucket       DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples      SimpleAggregateFunction(sum, UInt64),
    cache_hits   SimpleAggregateFunction(sum, UInt64),
    cache_total  SimpleAggregateFunction(sum, UInt64),
    duration_sum SimpleAggregateFunction(sum, Float64),
    duration_q   AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: server-timing p75 per name over time, the names table, and cache hit rate per
-- cache name and source over time (all names of a site in one read of its prefix).
ORDER BY (site, source, name, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS server_timings_tier_1d_mv TO server_timings_tier_1d AS
SELECT
    site,
    source,
    name,
    toStartOfDay(ts) AS bucket,
    count() AS samples,
    countIf(cache_status IN ('hit', 'stale')) AS cache_hits,
    countIf(cache_status != '') AS cache_total,
    sum(duration) AS duration_sum,
    quantilesTDigestState(0.5, 0.75, 0.9, 0.95)(duration) AS duration_q
FROM server_timings
GROUP BY site, source, name, bucket;

CREATE TABLE IF NOT EXISTS vitals_targets_1h
(
    site       LowCardinality(String),
    page_group LowCardinality(String),
    metric     LowCardinality(String),
    target     String,
    bucket     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples    SimpleAggregateFunction(sum, UInt64),
    poor       SimpleAggregateFunction(sum, UInt64),
    value_q    AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: the worst attribution elements (LCP element, INP target, CLS shift source) of one
-- page group in the drill-down.
ORDER BY (site, page_group, metric, target, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS vitals_targets_1h_mv TO vitals_targets_1h AS
SELECT
    site,
    page_group,
    metric,
    attr_target AS target,
    toStartOfHour(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'poor') AS poor,
    quantilesTDigestState(0.5, 0.75, 0.9, 0.95)(value) AS value_q
FROM vitals
WHERE attr_target != ''
GROUP BY site, page_group, metric, target, bucket;
