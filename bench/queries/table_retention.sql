-- Every table of a database with its engine clause, whose `TTL bucket + toIntervalDay(400)`
-- (bench/rollup_sizes.py, retention_days) says how long it keeps a row.
SELECT name AS table, engine_full
FROM system.tables
WHERE database = {db:String}
ORDER BY table
