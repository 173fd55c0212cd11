-- p75 duration and cache hits per name, source and bucket.
SELECT
    source,
    name,
    bucket,
    sum(samples) AS samples,
    quantilesTDigestMerge(0.5, 0.75, 0.9, 0.95)(duration_q)[2] AS p75,
    sum(cache_hits) AS cache_hits,
    sum(cache_total) AS cache_total
FROM {table:Identifier}
WHERE site = {site:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY source, name, bucket
ORDER BY source, name, bucket
