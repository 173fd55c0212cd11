-- Server-timing names per source over the window: the top {limit} (source, name) pairs by
-- samples, the rest merged into one `(other)` row, with cache hits where reported.
SELECT
    if(top, source, '(other)') AS source_shown,
    if(top, name, '(other)') AS name_shown,
    sum(samples) AS samples,
    sum(duration_sum) AS duration_sum,
    quantilesTDigestMerge(0.5, 0.75, 0.9, 0.95)(duration_q) AS q,
    sum(cache_hits) AS cache_hits,
    sum(cache_total) AS cache_total
FROM
(
    -- include: _server_timings_top
)
GROUP BY source_shown, name_shown
ORDER BY name_shown = '(other)' AND source_shown = '(other)', samples DESC, source_shown,
         name_shown
