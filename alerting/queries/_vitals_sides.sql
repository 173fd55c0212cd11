    -- The side of each `vitals` row for each threshold/regression rule of its site|metric
    -- (vitals_windows, vitals_causes): rules are numbered 1..N, `groups[k]` lists the rules
    -- of site|metric `keys[k]` (found by `transform`, a hash lookup), so a row is repeated
    -- only for the rules of its own site and metric. side 1 = current window, 2 = baseline
    -- (the same hours of the previous `days` days, or the previous release), 0 = neither.
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
