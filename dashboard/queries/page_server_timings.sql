-- Server timings of one page group (the per-minute rollup of 0001 carries page_group).
SELECT
    source,
    name,
    sum(samples) AS samples,
    quantilesMerge(0.5, 0.75, 0.9, 0.95, 0.99)(duration_quantiles)[2] AS p75,
    sum(cache_hits) AS cache_hits,
    sum(cache_total) AS cache_total
FROM server_timings_1m
WHERE site = {site:String} AND page_group = {page_group:String}
  AND minute >= {from:DateTime('UTC')} AND minute < {to:DateTime('UTC')}
GROUP BY source, name
ORDER BY samples DESC, source, name
LIMIT 100
