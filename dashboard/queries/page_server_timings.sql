-- Server timings of one page group (the per-minute rollup of 0001 carries page_group): the
-- top {limit} (source, name) pairs by samples, the rest merged into one `(other)` row.
SELECT
    if(top, source, '(other)') AS source_shown,
    if(top, name, '(other)') AS name_shown,
    sum(samples) AS samples,
    quantilesMerge(0.5, 0.75, 0.9, 0.95, 0.99)(duration_quantiles)[2] AS p75,
    sum(cache_hits) AS cache_hits,
    sum(cache_total) AS cache_total
FROM
(
    SELECT *, (source, name) IN (
        SELECT source, name
        FROM server_timings_1m
        WHERE site = {site:String} AND page_group = {page_group:String}
          AND minute >= {from:DateTime('UTC')} AND minute < {to:DateTime('UTC')}
        GROUP BY source, name
        ORDER BY sum(samples) DESC, source, name
        LIMIT {limit:UInt32}
    ) AS top
    FROM server_timings_1m
    WHERE site = {site:String} AND page_group = {page_group:String}
      AND minute >= {from:DateTime('UTC')} AND minute < {to:DateTime('UTC')}
)
GROUP BY source_shown, name_shown
ORDER BY name_shown = '(other)' AND source_shown = '(other)', samples DESC, source_shown,
         name_shown
