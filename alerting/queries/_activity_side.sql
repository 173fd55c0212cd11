            -- Which rule (idx, from the site) and which side of its comparison a row at time
            -- `t` falls on: 1 the current window, 2 the same hours of the previous `days`
            -- days, 0 neither (site_activity, error_groups_activity).
            arrayJoin({groups:Array(Array(UInt32))}[transform(site, {keys:Array(String)},
                                                              {positions:Array(UInt32)}, 0)])
                AS idx,
            {now_ms:Int64} - toUnixTimestamp64Milli(t) AS age_ms,
            intDiv(age_ms, 86400000) AS day_n,
            multiIf(age_ms - day_n * 86400000 >= {window_ms:Array(Int64)}[idx], 0,
                    day_n = 0, 1,
                    day_n <= {days:Array(UInt8)}[idx], 2,
                    0) AS side,
