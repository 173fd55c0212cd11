-- Current window and baseline of every threshold/regression rule in one scan of `vitals`
-- (sides and rule numbering in _vitals_sides.sql).
SELECT
    idx,
    side,
    count() AS n,
    quantilesExact(0.5, 0.75, 0.9, 0.95, 0.99)(value) AS q,
    groupArraySample({sample:UInt32}, 20260101)(value) AS sample
FROM
(
    -- include: _vitals_sides
      AND (({now_ms:Int64} - toUnixTimestamp64Milli(ts)) % 86400000 < {max_window_ms:Int64}
           OR site IN {release_sites:Array(String)})
)
-- include: _rule_segments
GROUP BY idx, side
