-- Page views and JS error occurrences per error-rate / traffic rule, current window against
-- the same hours of the previous days. `groups[k]` lists the rules of site `keys[k]`.
SELECT idx, side, sum(errors) AS errors, uniqExactIf(page_view_id, is_view) AS views
FROM
(
    SELECT
        -- include: _activity_side
        errors,
        page_view_id,
        is_view
    FROM
    (
        SELECT site, ts AS t, toUInt64(occurrences) AS errors, '' AS page_view_id,
               false AS is_view
        FROM js_errors
        WHERE site IN {keys:Array(String)}
          AND ts > fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
          AND ts <= fromUnixTimestamp64Milli({now_ms:Int64}, 'UTC')
        UNION ALL
        SELECT site, started_at AS t, toUInt64(0) AS errors, page_view_id, true AS is_view
        FROM page_views
        WHERE site IN {keys:Array(String)}
          AND started_at > fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
          AND started_at <= fromUnixTimestamp64Milli({now_ms:Int64}, 'UTC')
    )
)
WHERE side > 0
GROUP BY idx, side
