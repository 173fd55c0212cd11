-- Raw equivalent of dashboard.server_timings_series on daily buckets.
SELECT source, name, toStartOfDay(ts) AS bucket, count() AS samples,
       quantilesTDigest(0.5, 0.75, 0.9, 0.95)(duration)[2] AS p75,
       countIf(cache_status IN ('hit', 'stale')) AS cache_hits,
       countIf(cache_status != '') AS cache_total
FROM server_timings
WHERE site = {site:String} AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')}
GROUP BY source, name, bucket ORDER BY source, name, bucket
