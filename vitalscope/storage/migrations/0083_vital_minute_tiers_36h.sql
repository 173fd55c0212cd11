-- Issue 18: the vital minute tiers keep 36 hours instead of 3 days.
--
-- Their one reader is the dashboard, for windows of at most 6 hours (the 1h range and short
-- custom windows) whose previous period (the comparison deltas) starts within
-- dashboard/filters.py's MINUTE_TIER_AGE (35 h); every other window reads the hourly or daily
-- tier, which hold the same samples by the hour. A minute row holds few samples (every
-- sample fans out to 8 dimension rows and a page row at minute grain), so 3 days of them
-- made vitals_dims_1m one of the largest vital rollups (0.15x the raw table's bytes at 10 M
-- Zipf samples over 30 days, 0.21x at 2 M: issue 18's bench). Minute grain is for the recent past,
-- where incidents are looked at; Thanos's compactor likewise downsamples data older than
-- 40 hours to 5-minute points (and to hourly ones after 10 days).
--
-- The views still take rows up to 3 days old (0040's filter); those of a late beacon older
-- than 36 hours are dropped as they are written (or by a merge). MODIFY TTL also materializes the new TTL in
-- the parts already written (ClickHouse's materialize_ttl_after_modify, on by default), so
-- an upgraded install drops its older minute rows at once; each statement can run twice.

ALTER TABLE vitals_dims_1m MODIFY TTL bucket + INTERVAL 36 HOUR DELETE;
ALTER TABLE vitals_pages_1m MODIFY TTL bucket + INTERVAL 36 HOUR DELETE;
