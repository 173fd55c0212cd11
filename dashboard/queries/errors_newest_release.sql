-- The site's newest release: the one whose first page view came last.
SELECT release
FROM page_views_tier_1d
WHERE site = {site:String} AND release != ''
GROUP BY release
ORDER BY min(first_seen) DESC, release DESC
LIMIT 1
