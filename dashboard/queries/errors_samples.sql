-- The newest sample occurrences of one group in a window (a few per release and day).
SELECT s.1 AS ts, s.2 AS event_id, s.3 AS message, s.4 AS stack, s.5 AS url,
       s.6 AS browser, s.7 AS page_group, release
FROM
(
    SELECT release, groupArraySampleMerge(5)(samples) AS picked
    FROM error_samples_1d
    WHERE site = {site:String} AND fingerprint = {fingerprint:UInt64}
      AND bucket >= toStartOfDay({from:DateTime('UTC')}) AND bucket < {to:DateTime('UTC')}
    GROUP BY bucket, release
)
ARRAY JOIN picked AS s
ORDER BY ts DESC, event_id
LIMIT {limit:UInt32}
