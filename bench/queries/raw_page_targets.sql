-- Raw equivalent of dashboard.page_targets.
SELECT metric, attr_target AS target, count() AS samples, countIf(rating = 'poor') AS poor,
       quantilesTDigest(0.5, 0.75, 0.9, 0.95)(value)[2] AS p75
FROM vitals
WHERE site = {site:String} AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')}
  AND page_group = {page_group:String} AND attr_target != ''
GROUP BY metric, target
ORDER BY metric, poor DESC, samples DESC, target
LIMIT 5 BY metric
