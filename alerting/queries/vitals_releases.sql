-- The two latest releases (by first sample) of each site: the current one and the one a
-- `previous_release` regression rule compares against. `(other)` (the releases past the
-- site's daily cap, collector.cardinality.releases) is not a release.
SELECT site, release, min(ts) AS first_seen
FROM vitals
WHERE site IN {sites:Array(String)}
  AND ts > fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
  AND ts <= fromUnixTimestamp64Milli({now_ms:Int64}, 'UTC')
  AND release NOT IN ('', '(other)')
GROUP BY site, release
ORDER BY site, first_seen DESC
LIMIT 2 BY site
