-- The worst attribution elements of one page group: most poor samples first, 5 per metric.
SELECT
    metric,
    target,
    sum(samples) AS samples,
    sum(poor) AS poor,
    vitalscope_lh_quantiles(sumMap(vitalscope_lh_counts(value_lhMap.bucket, value_lhMap.count)))[2] AS p75
FROM {table:Identifier}
WHERE site = {site:String} AND page_group = {page_group:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY metric, target
ORDER BY metric, poor DESC, samples DESC, target
LIMIT 5 BY metric
