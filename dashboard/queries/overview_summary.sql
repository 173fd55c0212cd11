-- Per metric over the window, one segment (dim 'all' = every sample): counts by rating,
-- quantiles, the counts per logarithmic bucket (the histogram is drawn from them) and the
-- attribution sub-parts (TTFB/LCP composition).
SELECT
    metric,
    sum(samples) AS samples,
    sum(good) AS good,
    sum(needs_improvement) AS needs_improvement,
    sum(poor) AS poor,
    sum(value_sum) AS value_sum,
    sumMap(vitalscope_lh_counts(value_lhMap.bucket, value_lhMap.count)) AS lh,
    vitalscope_lh_quantiles(lh) AS q,
    sumMap(parts_sum) AS parts
FROM {table:Identifier}
WHERE site = {site:String} AND dim = {dim:String} AND val = {val:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY metric
ORDER BY metric
