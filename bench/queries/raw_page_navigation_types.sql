-- Raw equivalent of dashboard.page_navigation_types.
SELECT nav_type, metric, count() AS samples, countIf(rating = 'good') AS good,
       countIf(rating = 'needs-improvement') AS needs_improvement,
       countIf(rating = 'poor') AS poor,
       quantilesTDigest(0.5, 0.75, 0.9, 0.95)(value) AS q
FROM vitals
WHERE site = {site:String} AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')}
  AND page_group = {page_group:String}
GROUP BY nav_type, metric
ORDER BY nav_type, metric
