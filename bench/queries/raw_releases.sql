-- Raw equivalent of dashboard.releases.
SELECT release, min(toStartOfDay(ts)) AS first_seen, count() AS samples
FROM vitals
WHERE site = {site:String} AND release != '' AND ts < {to:DateTime('UTC')}
GROUP BY release
HAVING first_seen >= {from:DateTime('UTC')}
ORDER BY first_seen
LIMIT 50
