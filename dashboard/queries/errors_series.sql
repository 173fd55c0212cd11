-- A site's JS errors per bucket of a window, all groups together: occurrences and the
-- distinct page views they hit (the numerator of the Overview's error rate). The row with
-- whole_window = 1 holds the window's distinct page views with an error, a page view with
-- errors in two buckets counted once, from the same read of the states.
SELECT
    bucket,
    grouping(bucket) AS whole_window,
    sum(occurrences) AS occurrences,
    uniqMerge(page_views) AS errored_page_views
FROM {table:Identifier}
WHERE site = {site:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY GROUPING SETS ((bucket), ())
ORDER BY whole_window, bucket
