-- A site's page views in a window: the denominator of an error group's share.
SELECT uniqMerge(page_views) AS page_views
FROM {table:Identifier}
WHERE site = {site:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
