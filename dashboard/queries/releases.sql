-- When each release tag was first seen (release markers), up to the end of the window.
SELECT val AS release, min(bucket) AS first_seen, sum(samples) AS samples
FROM {table:Identifier}
WHERE site = {site:String} AND dim = 'release' AND val != ''
  AND bucket < {to:DateTime('UTC')}
GROUP BY val
HAVING first_seen >= {from:DateTime('UTC')}
ORDER BY first_seen
LIMIT 50
