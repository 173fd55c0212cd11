-- Samples and poor samples per page group: only the small sum columns are read, so every
-- page group of a site is ranked without touching a quantile state, and one row per group
-- comes back.
SELECT
    page_group,
    sum(samples) AS samples,
    sum(poor) AS poor
FROM {table:Identifier}
WHERE site = {site:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY page_group
