-- The error groups of one page group in a window, by occurrences (the Pages drill-down).
SELECT
    toString(fingerprint) AS group_id,
    any(error_type) AS error_type,
    any(message) AS message,
    any(top_frame) AS top_frame,
    sum(occurrences) AS occurrences,
    uniqMerge(page_views) AS page_views
FROM {table:Identifier}
WHERE site = {site:String} AND page_group = {page_group:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY fingerprint
ORDER BY occurrences DESC, group_id
LIMIT {limit:UInt32}
