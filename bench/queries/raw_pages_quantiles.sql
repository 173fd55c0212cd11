-- Raw equivalent of dashboard.pages_quantiles.
SELECT page_group, metric, count() AS samples, countIf(rating = 'good') AS good,
       countIf(rating = 'needs-improvement') AS needs_improvement,
       countIf(rating = 'poor') AS poor,
       quantilesTDigest(0.5, 0.75, 0.9, 0.95)(value) AS q
FROM vitals
WHERE site = {site:String} AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')} AND page_group IN {groups:Array(String)}
GROUP BY page_group, metric
