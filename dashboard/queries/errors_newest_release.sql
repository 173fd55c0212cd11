-- The site's newest release: the one whose first page view came last (and when that was:
-- the new_error alert rules bound their search with it). vitalscope/jserrors/releases.py.
-- `(other)` holds the releases past the site's daily cap (collector.cardinality.releases):
-- not a release.
SELECT release, min(first_seen) AS release_start
FROM page_views_tier_1d
WHERE site = {site:String} AND release NOT IN ('', '(other)')
GROUP BY release
ORDER BY release_start DESC, release DESC
LIMIT 1
