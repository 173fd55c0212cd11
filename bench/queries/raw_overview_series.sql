-- Raw equivalent of dashboard.overview_series on daily buckets.
SELECT metric, toStartOfDay(ts) AS bucket, count() AS samples,
       countIf(rating = 'good') AS good, countIf(rating = 'poor') AS poor,
       quantilesTDigest(0.5, 0.75, 0.9, 0.95)(value)[2] AS p75
FROM vitals
WHERE site = {site:String} AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')}
GROUP BY metric, bucket ORDER BY metric, bucket
