-- Release markers: of the releases first seen in the window, the {limit} with most samples
-- up to its end, ordered by when each was first seen. `(other)` (the releases past the
-- site's daily cap, collector.cardinality.releases) is not a release.
SELECT release, first_seen, samples
FROM
(
    SELECT val AS release, min(bucket) AS first_seen, sum(samples) AS samples
    FROM {table:Identifier}
    WHERE site = {site:String} AND dim = 'release' AND val NOT IN ('', '(other)')
      AND bucket < {to:DateTime('UTC')}
    GROUP BY val
    HAVING first_seen >= {from:DateTime('UTC')}
    ORDER BY samples DESC, release
    LIMIT {limit:UInt32}
)
ORDER BY first_seen, release
