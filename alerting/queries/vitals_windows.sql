-- Current window and baseline of every threshold/regression rule in one scan of `vitals`.
-- Rules are numbered 1..N; `groups[k]` lists the rules of site|metric `keys[k]` (found by
-- `transform`, a hash lookup), so a row is repeated only for the rules of its own site and
-- metric. side 1 = current window, 2 = baseline (the same hours of the previous `days` days,
-- or the previous release).
SELECT
    idx,
    side,
    count() AS n,
    quantilesExact(0.5, 0.75, 0.9, 0.95, 0.99)(value) AS q,
    groupArraySample({sample:UInt32}, 20260101)(value) AS sample
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
      AND (({now_ms:Int64} - toUnixTimestamp64Milli(ts)) % 86400000 < {max_window_ms:Int64}
           OR site IN {release_sites:Array(String)})
)
WHERE side > 0
  AND (NOT {segmented:Array(UInt8)}[idx]
       OR arrayAll((want, have) -> want = '' OR want = have,
                   {segments:Array(Array(String))}[idx], dims))
GROUP BY idx, side
