-- What moved on the server: p75 duration per Server-Timing name and hit ratio per cache
-- name/source, current window against the same hours of previous days, per site.
SELECT
    site,
    name,
    source,
    if(intDiv({now_ms:Int64} - toUnixTimestamp64Milli(toDateTime64(minute, 3)) - 1, 86400000) = 0,
       1, 2) AS side,
    sum(samples) AS n,
    quantilesMerge(0.5, 0.75, 0.9, 0.95, 0.99)(duration_quantiles)[2] AS p75,
    sum(cache_hits) AS hits,
    sum(cache_total) AS total
FROM server_timings_1m
WHERE site IN {sites:Array(String)}
  AND minute >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
  AND minute < fromUnixTimestamp64Milli({now_ms:Int64}, 'UTC')
  AND ({now_ms:Int64} - toUnixTimestamp64Milli(toDateTime64(minute, 3)) - 1) % 86400000
      < {window_ms:Int64}
GROUP BY site, name, source, side
