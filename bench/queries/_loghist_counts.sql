    -- The counts per logarithmic bucket {ratio} wide: bucket k holds values near
    -- (1 + ratio)^(k - 1) (CLS scaled by 1000 first; 0 is bucket 0). The last item of its
    -- SELECT list: the include line cannot carry a comma.
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, round(
        log(value * if(metric = 'CLS', 1000, 1)) / log(1 + {ratio:Float64})) + 1))),
        toUInt64(1))) AS lh
