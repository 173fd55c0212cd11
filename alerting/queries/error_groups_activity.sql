-- error_rate rules `by: fingerprint`: per rule (numbered, grouped by site), each error group's
-- occurrences in the current window (cur) and in the same hours of the previous days (base),
-- sides as in site_activity.sql (whose page views are the denominators). At most {top}[idx]
-- groups per rule: those whose current count exceeds their daily baseline the most.
SELECT idx, toString(fingerprint) AS group_id, cur, base, kind, msg, frame
FROM
(
    SELECT idx, fingerprint, sumIf(errors, side = 1) AS cur, sumIf(errors, side = 2) AS base,
           any(error_type) AS kind, any(message_text) AS msg, any(top_frame) AS frame,
           row_number() OVER (PARTITION BY idx
                              ORDER BY cur - base / {days:Array(UInt8)}[idx] DESC,
                                       fingerprint) AS rank
    FROM
    (
        SELECT
            -- include: _activity_side
            ts AS t,
            toUInt64(occurrences) AS errors,
            fingerprint, error_type,
            if(message_norm = '', message, message_norm) AS message_text,
            top_frame
        FROM js_errors
        WHERE site IN {keys:Array(String)}
          AND ts > fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
          AND ts <= fromUnixTimestamp64Milli({now_ms:Int64}, 'UTC')
    )
    WHERE side > 0
    GROUP BY idx, fingerprint
    HAVING cur > 0
)
WHERE rank <= {top:Array(UInt32)}[idx]
ORDER BY idx, rank
