-- One error group's summary over the window's buckets (errors_group, errors_groups).
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
