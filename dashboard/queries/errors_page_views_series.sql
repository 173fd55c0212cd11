-- A site's page views per bucket of a window (the denominator of the Overview's error rate).
SELECT bucket, uniqMerge(page_views) AS page_views
FROM {table:Identifier}
WHERE site = {site:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY bucket
ORDER BY bucket
