-- Raw equivalent of the Overview's error rate (dashboard.errors_page_views_series and
-- dashboard.errors_series) on daily buckets.
SELECT bucket, page_views, errored_page_views, occurrences
FROM
(
    SELECT toStartOfDay(started_at) AS bucket, uniq(page_view_id) AS page_views
    FROM page_views
    WHERE site = {site:String}
      AND started_at >= {from:DateTime('UTC')} AND started_at < {to:DateTime('UTC')}
    GROUP BY bucket
) AS v
FULL OUTER JOIN
(
    SELECT toStartOfDay(ts) AS bucket, uniq(page_view_id) AS errored_page_views,
           sum(occurrences) AS occurrences
    FROM js_errors
    WHERE site = {site:String} AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')}
    GROUP BY bucket
) AS e USING (bucket)
ORDER BY bucket
