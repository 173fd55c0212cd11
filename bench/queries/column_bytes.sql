-- Compressed bytes of some columns of some tables of a database (active parts).
SELECT table, column, sum(column_data_compressed_bytes) AS bytes
FROM system.parts_columns
WHERE active AND database = {db:String} AND table IN {tables:Array(String)}
  AND column IN {columns:Array(String)}
GROUP BY table, column
