-- Rows and uncompressed bytes MergeTree reads have selected so far in this process (chDB keeps
-- no query_log, and its per-result read counters count result rows): the dashboard bench
-- takes the difference around one query to compare what a panel reads on the rollups and raw.
SELECT
    sumIf(value, event = 'SelectedRows') AS rows,
    sumIf(value, event = 'SelectedBytes') AS bytes
FROM system.events
WHERE event IN ('SelectedRows', 'SelectedBytes')
