-- What moved: p75 of the current window against the baseline per page group and per
-- release, for the rules that regressed (same numbering and sides as vitals_windows).
SELECT idx, side, dim, dim_value, count() AS n, quantileExact(0.75)(value) AS p75
FROM
(
    -- include: _vitals_sides
)
ARRAY JOIN ['page_group', 'release'] AS dim, [dims[1], rel] AS dim_value
-- include: _rule_segments
GROUP BY idx, side, dim, dim_value
