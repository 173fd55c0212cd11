-- A site's JS errors per bucket of a window, all groups together: occurrences and the
-- distinct page views they hit (the numerator of the Overview's error rate).
SELECT
    bucket,
    sum(occurrences) AS occurrences,
    uniqMerge(page_views) AS errored_page_views
FROM {table:Identifier}
WHERE site = {site:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY bucket
ORDER BY bucket
