-- Counts per page group and metric: only the small sum columns are read, so every page
-- group of a site is ranked without touching a quantile state.
SELECT
    page_group,
    metric,
    sum(samples) AS samples,
    sum(good) AS good,
    sum(needs_improvement) AS needs_improvement,
    sum(poor) AS poor
FROM {table:Identifier}
WHERE site = {site:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY page_group, metric
