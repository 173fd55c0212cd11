-- Rows and compressed bytes on disk of every table of a database (active parts).
SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes
FROM system.parts
WHERE active AND database = {db:String}
GROUP BY table
ORDER BY table
