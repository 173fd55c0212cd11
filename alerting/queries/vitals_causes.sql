-- What moved: p75 of the current window against the baseline per page group and per
-- release, for the rules that regressed (same numbering and sides as vitals_windows).
SELECT idx, side, dim, dim_value, count() AS n, quantileExact(0.75)(value) AS p75
FROM
(
    SELECT
        arrayJoin({groups:Array(Array(UInt32))}[transform(concat(site, '|', metric),
                                                          {keys:Array(String)},
                                                          {positions:Array(UInt32)}, 0)]) AS idx,
        value,
        {now_ms:Int64} - toUnixTimestamp64Milli(ts) AS age_ms,
        intDiv(age_ms, 86400000) AS day_n,
        age_ms - day_n * 86400000 AS in_day_ms,
        [page_group, device, browser, country, connection, nav_type, os, release] AS dims,
        release AS rel,
        multiIf(
            {mode:Array(UInt8)}[idx] = 1,
                multiIf(rel = {cur_rel:Array(String)}[idx] AND rel != ''
                            AND age_ms < {window_ms:Array(Int64)}[idx], 1,
                        rel = {base_rel:Array(String)}[idx] AND rel != '', 2, 0),
            day_n = 0 AND in_day_ms < {window_ms:Array(Int64)}[idx], 1,
            {mode:Array(UInt8)}[idx] = 0 AND day_n BETWEEN 1 AND {days:Array(UInt8)}[idx]
                AND in_day_ms < {window_ms:Array(Int64)}[idx], 2,
            0) AS side
    FROM vitals
    PREWHERE site IN {sites:Array(String)} AND metric IN {metrics:Array(String)}
    WHERE ts > fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
      AND ts <= fromUnixTimestamp64Milli({now_ms:Int64}, 'UTC')
      AND concat(site, '|', metric) IN {keys:Array(String)}
)
ARRAY JOIN ['page_group', 'release'] AS dim, [dims[1], rel] AS dim_value
WHERE side > 0
  AND (NOT {segmented:Array(UInt8)}[idx]
       OR arrayAll((want, have) -> want = '' OR want = have,
                   {segments:Array(Array(String))}[idx], dims))
GROUP BY idx, side, dim, dim_value
