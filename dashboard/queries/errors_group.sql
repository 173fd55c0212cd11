-- One error group in a window (the detail's header).
SELECT
    toString(fingerprint) AS group_id,
    any(error_type) AS error_type,
    any(message) AS message,
    any(top_frame) AS top_frame,
    sum(occurrences) AS occurrences,
    uniqMerge(page_views) AS page_views,
    min(first_seen) AS first_seen,
    max(last_seen) AS last_seen
FROM {table:Identifier}
WHERE site = {site:String} AND fingerprint = {fingerprint:UInt64}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY fingerprint
