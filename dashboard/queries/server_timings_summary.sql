-- Every server-timing name per source over the window, with cache hits where reported.
SELECT
    source,
    name,
    sum(samples) AS samples,
    sum(duration_sum) AS duration_sum,
    quantilesTDigestMerge(0.5, 0.75, 0.9, 0.95)(duration_q) AS q,
    sum(cache_hits) AS cache_hits,
    sum(cache_total) AS cache_total
FROM {table:Identifier}
WHERE site = {site:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY source, name
ORDER BY samples DESC, source, name
LIMIT 500
