-- Distinct page views with at least one JS error in a window, all groups together.
SELECT uniqMerge(page_views) AS page_views
FROM {table:Identifier}
WHERE site = {site:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
