-- All-time first and last seen of the groups on screen and the release each first came in
-- (the daily tier: it keeps 400 days).
SELECT group_id, seen_first AS first_seen, seen_last AS last_seen, first_release
FROM
(
    SELECT
        toString(fingerprint) AS group_id,
        min(first_seen) AS seen_first,
        max(last_seen) AS seen_last,
        argMin(release, first_seen) AS first_release
    FROM errors_tier_1d
    WHERE site = {site:String} AND fingerprint IN {fingerprints:Array(UInt64)}
    GROUP BY fingerprint
)
