-- Raw equivalent of dashboard.errors_page_views.
SELECT uniq(page_view_id) AS page_views
FROM page_views
WHERE site = {site:String}
  AND started_at >= {from:DateTime('UTC')} AND started_at < {to:DateTime('UTC')}
