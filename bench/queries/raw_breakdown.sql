-- Raw equivalent of dashboard.breakdown for the device dimension.
SELECT device AS val, count() AS samples, countIf(rating = 'good') AS good,
       countIf(rating = 'needs-improvement') AS needs_improvement,
       countIf(rating = 'poor') AS poor,
       quantilesTDigest(0.5, 0.75, 0.9, 0.95)(value) AS q,
       sumMap(map(toUInt16(least(199, floor(value / 50))), toUInt64(1))) AS hist
FROM vitals
WHERE site = {site:String} AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')} AND metric = {metric:String}
GROUP BY val ORDER BY samples DESC
