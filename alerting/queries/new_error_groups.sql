-- new_error rules: per rule (numbered, grouped by site), the error groups of its site that
-- affected at least {min_views}[idx] page views in its window and whose first occurrence
-- (all time, daily tier) is no earlier than {since_ms}[idx]: the newest release's first page
-- view less a margin, since a group first seen in that release cannot be older. That only
-- bounds the search; whether a group is new in the release is decided afterwards as the
-- errors API decides it (vitalscope/jserrors/releases.py). At most {top}[idx] groups per
-- rule, those that affected the most page views. The group {other_fingerprint} (the errors
-- past the site's daily cap of groups) is never new, and takes no place in the top.
SELECT idx, toString(fingerprint) AS group_id, kind, msg, frame, occurrences, views
FROM
(
    SELECT w.idx AS idx, w.site AS site, w.fingerprint AS fingerprint, w.kind AS kind,
           w.msg AS msg, w.frame AS frame, w.occurrences AS occurrences, w.views AS views,
           row_number() OVER (PARTITION BY w.idx ORDER BY w.views DESC, w.fingerprint) AS rank
    FROM
    (
        SELECT idx, site, fingerprint, any(error_type) AS kind, any(message) AS msg,
               any(top_frame) AS frame, sum(occurrences) AS occurrences,
               uniqMerge(page_views) AS views
        FROM
        (
            SELECT
                arrayJoin({groups:Array(Array(UInt32))}[transform(site, {keys:Array(String)},
                                                                  {positions:Array(UInt32)}, 0)])
                    AS idx,
                site, fingerprint, bucket, error_type, message, top_frame, occurrences,
                page_views
            FROM errors_tier_1m
            WHERE site IN {keys:Array(String)}
              AND bucket >= toStartOfMinute(fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC'))
              AND bucket <= fromUnixTimestamp64Milli({now_ms:Int64}, 'UTC')
              AND fingerprint != {other_fingerprint:UInt64}
        )
        WHERE toInt64(toUnixTimestamp(bucket)) * 1000
              > {now_ms:Int64} - {window_ms:Array(Int64)}[idx] - 60000
        GROUP BY idx, site, fingerprint
        HAVING views >= {min_views:Array(UInt64)}[idx]
    ) AS w
    INNER JOIN
    (
        SELECT site, fingerprint, min(first_seen) AS seen_first
        FROM errors_tier_1d
        WHERE site IN {keys:Array(String)}
          AND (site, fingerprint) IN (
              SELECT site, fingerprint FROM errors_tier_1m
              WHERE site IN {keys:Array(String)}
                AND bucket >= toStartOfMinute(fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')))
        GROUP BY site, fingerprint
    ) AS h ON h.site = w.site AND h.fingerprint = w.fingerprint
    WHERE toUnixTimestamp64Milli(h.seen_first) >= {since_ms:Array(Int64)}[w.idx]
)
WHERE rank <= {top:Array(UInt32)}[idx]
ORDER BY idx, rank
