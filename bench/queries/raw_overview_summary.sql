-- Raw equivalent of dashboard.overview_summary (dim 'all').
SELECT metric, count() AS samples, countIf(rating = 'good') AS good,
       countIf(rating = 'needs-improvement') AS needs_improvement,
       countIf(rating = 'poor') AS poor, sum(value) AS value_sum,
       quantilesTDigest(0.5, 0.75, 0.9, 0.95)(value) AS q,
       sumMap(map(toUInt16(least(199, floor(value / multiIf(metric = 'CLS', 0.005,
           metric = 'INP', 10, metric = 'TTFB', 25, 50)))), toUInt64(1))) AS hist,
       sumMap(CAST(attr_parts, 'Map(String, Float64)')) AS parts
FROM vitals
WHERE site = {site:String} AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')}
GROUP BY metric ORDER BY metric
