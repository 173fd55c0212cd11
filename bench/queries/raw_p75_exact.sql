-- Samples and exact p75 per vital from the raw rows (the live-cache bench's check).
SELECT metric, count() AS samples, quantileExact(0.75)(value) AS p75
FROM vitals
WHERE site = {site:String} AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')}
GROUP BY metric ORDER BY metric
