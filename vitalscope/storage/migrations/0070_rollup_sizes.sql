-- Issue 18: the vital rollups sized for what they serve. Nothing here changes what a query
-- answers; it changes how the rollups are stored and how long each tier keeps rows.
--
-- Codecs: every value column of the vital rollups was LZ4 (the default). Their bulk is the
-- t-digest states (one Float32 pair per sample for the sparse rows of the segment and page
-- tiers), the sparse histograms and counts that are mostly 0/1 in hourly rows; ZSTD(3)
-- stores them in about 0.65x (states), 0.4x (histograms) and 0.2x (counts) of LZ4's bytes on
-- the dashboard bench, and panels read them through the same columns. MODIFY COLUMN with
-- the same type rewrites existing parts, so an upgraded install keeps every row.
--
-- Retention matched to the readers:
-- * vitals_1m (0001) was the overview/pages source before 0040; its one reader left is
--   synthetics/queries/lab_vs_field.sql (synthetics.reports.lab_vs_field, recent runs), the
--   dashboard's lab-vs-field panel reads vitals_pages_*. It keeps 3 days like the other
--   minute tiers instead of 400 (one row per sample: the largest rollup after vitals_dims_1h).
-- * vitals_dims_1h and vitals_pages_1h serve windows of at most 8 days; the dashboard
--   (dashboard/filters.py, HOUR_TIER_AGE) reads them only while the window's previous period
--   (comparison deltas) starts within the last 16 days (an 8-day window ending now), else the
--   daily tier, which keeps 400 days and holds the same rows. 17 days leaves a day of
--   margin over that (windows start on a whole hour).

ALTER TABLE vitals_1m MODIFY COLUMN samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_1m MODIFY COLUMN good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_1m MODIFY COLUMN needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_1m MODIFY COLUMN poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_1m MODIFY COLUMN value_sum SimpleAggregateFunction(sum, Float64) CODEC(ZSTD(3));
ALTER TABLE vitals_1m MODIFY COLUMN value_quantiles AggregateFunction(quantiles(0.5, 0.75, 0.9, 0.95, 0.99), Float64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1m MODIFY COLUMN samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1m MODIFY COLUMN good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1m MODIFY COLUMN needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1m MODIFY COLUMN poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1m MODIFY COLUMN value_sum SimpleAggregateFunction(sum, Float64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1m MODIFY COLUMN parts_sum SimpleAggregateFunction(sumMap, Map(String, Float64)) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1m MODIFY COLUMN hist SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1m MODIFY COLUMN value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3));
ALTER TABLE vitals_pages_1m MODIFY COLUMN samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_pages_1m MODIFY COLUMN good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_pages_1m MODIFY COLUMN needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_pages_1m MODIFY COLUMN poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_pages_1m MODIFY COLUMN value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1h MODIFY COLUMN samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1h MODIFY COLUMN good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1h MODIFY COLUMN needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1h MODIFY COLUMN poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1h MODIFY COLUMN value_sum SimpleAggregateFunction(sum, Float64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1h MODIFY COLUMN parts_sum SimpleAggregateFunction(sumMap, Map(String, Float64)) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1h MODIFY COLUMN hist SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1h MODIFY COLUMN value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3));
ALTER TABLE vitals_pages_1h MODIFY COLUMN samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_pages_1h MODIFY COLUMN good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_pages_1h MODIFY COLUMN needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_pages_1h MODIFY COLUMN poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_pages_1h MODIFY COLUMN value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1d MODIFY COLUMN samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1d MODIFY COLUMN good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1d MODIFY COLUMN needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1d MODIFY COLUMN poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1d MODIFY COLUMN value_sum SimpleAggregateFunction(sum, Float64) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1d MODIFY COLUMN parts_sum SimpleAggregateFunction(sumMap, Map(String, Float64)) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1d MODIFY COLUMN hist SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3));
ALTER TABLE vitals_dims_1d MODIFY COLUMN value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3));
ALTER TABLE vitals_pages_1d MODIFY COLUMN samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_pages_1d MODIFY COLUMN good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_pages_1d MODIFY COLUMN needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_pages_1d MODIFY COLUMN poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_pages_1d MODIFY COLUMN value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3));
ALTER TABLE vitals_targets_1h MODIFY COLUMN samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_targets_1h MODIFY COLUMN poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_targets_1h MODIFY COLUMN value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3));
ALTER TABLE vitals_navs_1h MODIFY COLUMN samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_navs_1h MODIFY COLUMN good SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_navs_1h MODIFY COLUMN needs_improvement SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_navs_1h MODIFY COLUMN poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_navs_1h MODIFY COLUMN value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3));
ALTER TABLE vitals_scripts_1h MODIFY COLUMN samples SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_scripts_1h MODIFY COLUMN poor SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3));
ALTER TABLE vitals_scripts_1h MODIFY COLUMN duration_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3));
ALTER TABLE vitals_1m MODIFY TTL minute + INTERVAL 3 DAY DELETE;
ALTER TABLE vitals_dims_1h MODIFY TTL bucket + INTERVAL 17 DAY DELETE;
ALTER TABLE vitals_pages_1h MODIFY TTL bucket + INTERVAL 17 DAY DELETE;
