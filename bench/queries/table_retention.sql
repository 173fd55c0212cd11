-- The DELETE TTL of every table of a database, as ClickHouse shows it (`TTL bucket +
-- toIntervalDay(400)`); empty for a table that keeps everything.
SELECT name AS table, extract(engine_full, 'TTL [^,]*?toInterval(?:Day|Hour)\\(\\d+\\)') AS ttl
FROM system.tables
WHERE database = {db:String}
ORDER BY table
