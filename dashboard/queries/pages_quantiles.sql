-- Quantiles of the page groups on screen (or drilled into) per metric.
SELECT
    page_group,
    metric,
    sum(samples) AS samples,
    sum(good) AS good,
    sum(needs_improvement) AS needs_improvement,
    sum(poor) AS poor,
    vitalscope_lh_quantiles(
        sumMap(vitalscope_lh_counts(value_lhMap.bucket, value_lhMap.count))) AS q
FROM {table:Identifier}
WHERE site = {site:String} AND page_group IN {groups:Array(String)}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY page_group, metric
