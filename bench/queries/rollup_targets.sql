-- The rollup tables of each raw table: the target (`TO db.table`) of every materialized view
-- that reads it, so a tier a later migration adds is counted without naming it here.
SELECT source.name AS raw_table,
       extract(views.create_table_query, ' TO [^ .]+\\.([^ (]+)') AS rollup_table
FROM system.tables AS source
ARRAY JOIN source.dependencies_table AS view
INNER JOIN system.tables AS views ON views.database = source.database AND views.name = view
WHERE source.database = {db:String} AND source.name IN {raw_tables:Array(String)}
ORDER BY raw_table, rollup_table
