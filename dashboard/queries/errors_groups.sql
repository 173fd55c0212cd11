-- One page of a site's error groups in a window, ranked by a count or time (occurrences,
-- affected page views, first or last seen in the window) and cut here, so however many
-- groups a site has, one page of rows comes back. `total`: groups in the window.
SELECT group_id, error_type, message, top_frame, occurrences, page_views, first_seen,
       last_seen, total
FROM
(
    SELECT *, count() OVER () AS total,
           row_number() OVER (ORDER BY {sort:Identifier}, group_id) AS rank
    FROM
    (
        -- include: _error_group_summary
        WHERE site = {site:String}
          AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
        GROUP BY fingerprint
    )
)
ORDER BY toInt64(rank) * if({descending:UInt8}, -1, 1)
LIMIT {limit:UInt32} OFFSET {offset:UInt64}
