-- Issue 18: smaller index granules for the dimension and page tiers. A granule (the least a
-- read takes) holds up to 8192 rows or 10 MB uncompressed (index_granularity_bytes, by
-- default); a dense daily row of counts per logarithmic bucket is 10-20 kB, so a granule
-- held about 2,000 of them and the Overview's 155 rows of one site read 4,600 rows. With
-- 256 kB granules the same reads take about a sixth to a tenth of the bytes, for 9 % more
-- bytes on disk (marks), measured on the 2 M-sample Zipf bench: overview 7.4 -> 1.2 MB
-- read, device breakdown 12.3 -> 1.25 MB.
--
-- The setting cannot be altered on an existing table, so each table is rebuilt: a copy with
-- the setting and the same columns (the unread `hist` and `value_q` too, for readers of an
-- earlier version during a rolling upgrade), filled from the table, swapped with it in one
-- step (EXCHANGE TABLES: the views write to the table by name, so to the copy from then on)
-- and the old one dropped. Stop the flushers while it runs (docs/deployment.md). A repeated
-- run starts by dropping a copy a run that died left behind, whichever side of the swap it
-- died on, so it ends with every row, once, in a table with the setting. On a cluster the
-- copy's replicas are registered in ClickHouse Keeper under the copy's name: a run that
-- died between the swap and the drop needs those dropped (SYSTEM DROP REPLICA) first.

DROP TABLE IF EXISTS vitals_dims_1h_fine SYNC;

CREATE TABLE IF NOT EXISTS vitals_dims_1h_fine
(
    site LowCardinality(String),
    dim LowCardinality(String),
    val String,
    metric LowCardinality(String),
    bucket DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    value_sum SimpleAggregateFunction(sum, Float64) CODEC(ZSTD(3)),
    parts_sum SimpleAggregateFunction(sumMap, Map(String, Float64)) CODEC(ZSTD(3)),
    hist SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3)),
    value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3)),
    value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: overview cards, p75 series, the histogram and TTFB/LCP parts of a site for one
-- segment (dim 'all' or e.g. dim 'device' val 'mobile'), breakdowns (all vals of one dim)
-- and release markers (dim 'release'). Every query fixes site and dim (and usually val),
-- then ranges bucket.
ORDER BY (site, dim, val, metric, bucket)
TTL bucket + INTERVAL 17 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, index_granularity_bytes = 262144;

INSERT INTO vitals_dims_1h_fine SELECT * FROM vitals_dims_1h;

EXCHANGE TABLES vitals_dims_1h AND vitals_dims_1h_fine;

DROP TABLE vitals_dims_1h_fine SYNC;

DROP TABLE IF EXISTS vitals_dims_1d_fine SYNC;

CREATE TABLE IF NOT EXISTS vitals_dims_1d_fine
(
    site LowCardinality(String),
    dim LowCardinality(String),
    val String,
    metric LowCardinality(String),
    bucket DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    value_sum SimpleAggregateFunction(sum, Float64) CODEC(ZSTD(3)),
    parts_sum SimpleAggregateFunction(sumMap, Map(String, Float64)) CODEC(ZSTD(3)),
    hist SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3)),
    value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3)),
    value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: overview cards, p75 series, the histogram and TTFB/LCP parts of a site for one
-- segment (dim 'all' or e.g. dim 'device' val 'mobile'), breakdowns (all vals of one dim)
-- and release markers (dim 'release'). Every query fixes site and dim (and usually val),
-- then ranges bucket.
ORDER BY (site, dim, val, metric, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, index_granularity_bytes = 262144;

INSERT INTO vitals_dims_1d_fine SELECT * FROM vitals_dims_1d;

EXCHANGE TABLES vitals_dims_1d AND vitals_dims_1d_fine;

DROP TABLE vitals_dims_1d_fine SYNC;

DROP TABLE IF EXISTS vitals_pages_1h_fine SYNC;

CREATE TABLE IF NOT EXISTS vitals_pages_1h_fine
(
    site LowCardinality(String),
    page_group LowCardinality(String),
    metric LowCardinality(String),
    bucket DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3)),
    value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: the pages table (counts of every page group of a site, reading only the small
-- count columns) and the p75s of the page groups on screen or drilled into
-- (page_group IN ..., which the key prunes to).
ORDER BY (site, page_group, metric, bucket)
TTL bucket + INTERVAL 17 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, index_granularity_bytes = 262144;

INSERT INTO vitals_pages_1h_fine SELECT * FROM vitals_pages_1h;

EXCHANGE TABLES vitals_pages_1h AND vitals_pages_1h_fine;

DROP TABLE vitals_pages_1h_fine SYNC;

DROP TABLE IF EXISTS vitals_pages_1d_fine SYNC;

CREATE TABLE IF NOT EXISTS vitals_pages_1d_fine
(
    site LowCardinality(String),
    page_group LowCardinality(String),
    metric LowCardinality(String),
    bucket DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3)),
    value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(Delta(2), ZSTD(3))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
-- Serves: the pages table (counts of every page group of a site, reading only the small
-- count columns) and the p75s of the page groups on screen or drilled into
-- (page_group IN ..., which the key prunes to).
ORDER BY (site, page_group, metric, bucket)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, index_granularity_bytes = 262144;

INSERT INTO vitals_pages_1d_fine SELECT * FROM vitals_pages_1d;

EXCHANGE TABLES vitals_pages_1d AND vitals_pages_1d_fine;

DROP TABLE vitals_pages_1d_fine SYNC;
