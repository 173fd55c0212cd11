-- Raw equivalent of dashboard.server_timings_summary.
SELECT source, name, count() AS samples, sum(duration) AS duration_sum,
       quantilesTDigest(0.5, 0.75, 0.9, 0.95)(duration) AS q,
       countIf(cache_status IN ('hit', 'stale')) AS cache_hits,
       countIf(cache_status != '') AS cache_total
FROM server_timings
WHERE site = {site:String} AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')}
GROUP BY source, name ORDER BY samples DESC, source, name
