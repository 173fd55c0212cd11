-- Raw equivalent of dashboard.pages_counts.
SELECT page_group, count() AS samples, countIf(rating = 'poor') AS poor
FROM vitals
WHERE site = {site:String} AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')}
GROUP BY page_group
