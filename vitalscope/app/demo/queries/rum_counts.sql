-- What the demo's status line says of the real-user data of its site.
SELECT
    (SELECT uniqExact(page_view_id) FROM page_views WHERE site = {site:String}) AS page_views,
    (SELECT count() FROM vitals WHERE site = {site:String}) AS vitals,
    (SELECT sum(occurrences) FROM js_errors WHERE site = {site:String}) AS errors
