-- bench quantile_state: the vitals_dims tier at one grain with, instead of the t-digest state
-- and the fixed-width histogram, one sumMap of counts per logarithmic bucket {ratio} wide
-- (bucket k holds values near (1 + ratio)^(k - 1); CLS is scaled by 1000 first, 0 is
-- bucket 0). Same keys, same raw samples as the dims views.
CREATE TABLE loghist_dims
(
    site   LowCardinality(String),
    dim    LowCardinality(String),
    val    String,
    metric LowCardinality(String),
    bucket DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    lh     SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (site, dim, val, metric, bucket)
-- Wide parts at any size: per-column bytes are what is compared.
SETTINGS min_bytes_for_wide_part = 0
AS SELECT
    site,
    d.1 AS dim,
    d.2 AS val,
    metric,
    toStartOfInterval(ts, toIntervalSecond({grain_s:UInt32}), 'UTC') AS bucket,
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, round(
        log(value * if(metric = 'CLS', 1000, 1)) / log(1 + {ratio:Float64})) + 1))),
        toUInt64(1))) AS lh
FROM vitals
ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
            ('os', toString(os)), ('country', toString(country)),
            ('connection', toString(connection)), ('nav_type', toString(nav_type)),
            ('release', toString(release))] AS d
WHERE ts >= {since:DateTime('UTC')}
GROUP BY site, dim, val, metric, bucket
