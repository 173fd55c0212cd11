-- One page group's vitals per navigation type (page loads, reloads, back-forward, soft
-- navigations of a single-page app, ...), from vitals_navs_1h or vitals_navs_1d.
SELECT
    nav_type,
    metric,
    sum(samples) AS samples,
    sum(good) AS good,
    sum(needs_improvement) AS needs_improvement,
    sum(poor) AS poor,
    vitalscope_lh_quantiles(sumMap(vitalscope_lh_counts(value_lhMap.bucket, value_lhMap.count))) AS q
FROM {table:Identifier}
WHERE site = {site:String} AND page_group = {page_group:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY nav_type, metric
ORDER BY nav_type, metric
LIMIT 1000
