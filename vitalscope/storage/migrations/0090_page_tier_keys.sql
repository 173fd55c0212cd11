-- Issue 18: the page tiers keyed and granulated for the one query that still reads their
-- distributions at any size, pages_quantiles (the p75s of the 25 page groups on screen),
-- now that the ranking reads vitals_page_counts_* (0089).
-- * Index granules of 32 kB instead of 256 kB (0088): a top page group's 30 daily rows per
--   vital are a few kB each, so a 256 kB granule at either end of its range read as much
--   again of its neighbours. Measured on copies of vitals_pages_1d (2 M-sample Zipf bench,
--   25 groups, 30 days): 5.48 MB read at 256 kB, 3.43 MB at 64 kB, 3.01 MB at 32 kB
--   (the rows asked for are about 2.6 MB), for 9 % more bytes on disk (marks).
-- * Keyed (site, page_group, bucket, metric) instead of (..., metric, bucket): a window of
--   one page group is then one range of rows, not one per vital, each with a granule of
--   waste at either end; it matters once a table holds more days than a window reads
--   (400 kept, 30 read). Counts are unchanged: the key holds the same columns.
--
-- Rebuilt as 0088 did (copy, EXCHANGE TABLES, drop; stop the flushers while it runs; a
-- repeated run first drops a copy a dead run left behind; on a cluster a run that died
-- between the swap and the drop needs SYSTEM DROP REPLICA for the copy first). The copies
-- keep the unread value_q for readers of an earlier version during a rolling upgrade.

DROP TABLE IF EXISTS vitals_pages_1h_rekeyed SYNC;

CREATE TABLE IF NOT EXISTS vitals_pages_1h_rekeyed
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
-- Serves: pages_quantiles (the p75s of the page groups on screen, drilled into or set
-- beside the synthetics' lab figures: site, page_group IN ..., bucket) and
-- pages_ranked_p75 (every page group of a site: site).
ORDER BY (site, page_group, bucket, metric)
TTL bucket + INTERVAL 17 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, index_granularity_bytes = 32768;

INSERT INTO vitals_pages_1h_rekeyed SELECT * FROM vitals_pages_1h;

EXCHANGE TABLES vitals_pages_1h AND vitals_pages_1h_rekeyed;

DROP TABLE vitals_pages_1h_rekeyed SYNC;

DROP TABLE IF EXISTS vitals_pages_1d_rekeyed SYNC;

CREATE TABLE IF NOT EXISTS vitals_pages_1d_rekeyed
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
-- Serves: pages_quantiles (the p75s of the page groups on screen, drilled into or set
-- beside the synthetics' lab figures: site, page_group IN ..., bucket) and
-- pages_ranked_p75 (every page group of a site: site).
ORDER BY (site, page_group, bucket, metric)
TTL bucket + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, index_granularity_bytes = 32768;

INSERT INTO vitals_pages_1d_rekeyed SELECT * FROM vitals_pages_1d;

EXCHANGE TABLES vitals_pages_1d AND vitals_pages_1d_rekeyed;

DROP TABLE vitals_pages_1d_rekeyed SYNC;
