-- Raw equivalent of dashboard.errors_groups (the first page by occurrences).
SELECT group_id, error_type, message, top_frame, occurrences, page_views, first_seen,
       last_seen, count() OVER () AS total
FROM
(
    SELECT toString(fingerprint) AS group_id, any(error_type) AS error_type,
           any(message_norm) AS message, any(top_frame) AS top_frame,
           sum(occurrences) AS occurrences, uniq(page_view_id) AS page_views,
           min(ts) AS first_seen, max(ts) AS last_seen
    FROM js_errors
    WHERE site = {site:String} AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')}
    GROUP BY fingerprint
)
ORDER BY occurrences DESC, group_id
LIMIT 25
