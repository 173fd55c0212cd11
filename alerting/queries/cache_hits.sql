-- Hit ratio per cache name/source, current window against the same hours of the previous
-- days, for every cache rule in one scan of the per-minute rollup. `groups[k]` lists the
-- rules of site `keys[k]`.
SELECT idx, name, source, side, sum(cache_hits) AS hits, sum(cache_total) AS total
FROM
(
    SELECT
        arrayJoin({groups:Array(Array(UInt32))}[transform(site, {keys:Array(String)},
                                                          {positions:Array(UInt32)}, 0)]) AS idx,
        name,
        source,
        cache_hits,
        cache_total,
        {now_ms:Int64} - toUnixTimestamp64Milli(toDateTime64(minute, 3)) - 1 AS age_ms,
        intDiv(age_ms, 86400000) AS day_n,
        multiIf(age_ms - day_n * 86400000 >= {window_ms:Array(Int64)}[idx], 0,
                day_n = 0, 1,
                day_n <= {days:Array(UInt8)}[idx], 2,
                0) AS side
    FROM server_timings_1m
    WHERE site IN {keys:Array(String)}
      AND minute >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
      AND minute < fromUnixTimestamp64Milli({now_ms:Int64}, 'UTC')
      AND cache_total > 0
)
WHERE side > 0
  AND ({names:Array(String)}[idx] = '' OR name = {names:Array(String)}[idx])
  AND ({sources:Array(String)}[idx] = '' OR source = {sources:Array(String)}[idx])
GROUP BY idx, name, source, side
