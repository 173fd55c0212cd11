-- p75 duration and cache hits per bucket of the top {limit} (source, name) pairs by samples
-- (as server_timings_summary), the rest merged into one `(other)` series.
SELECT
    if(top, source, '(other)') AS source_shown,
    if(top, name, '(other)') AS name_shown,
    bucket,
    sum(samples) AS samples,
    quantilesTDigestMerge(0.5, 0.75, 0.9, 0.95)(duration_q)[2] AS p75,
    sum(cache_hits) AS cache_hits,
    sum(cache_total) AS cache_total
FROM
(
    -- include: _server_timings_top
)
GROUP BY source_shown, name_shown, bucket
ORDER BY source_shown, name_shown, bucket
