-- bench quantile_state: the vitals_dims tier at one grain with, instead of the t-digest state
-- and the fixed-width histogram, the counts per logarithmic bucket of _loghist_counts.sql.
-- Same keys, same raw samples as the dims views.
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
    -- include: _loghist_counts
FROM vitals
ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
            ('os', toString(os)), ('country', toString(country)),
            ('connection', toString(connection)), ('nav_type', toString(nav_type)),
            ('release', toString(release))] AS d
WHERE ts >= {since:DateTime('UTC')}
GROUP BY site, dim, val, metric, bucket
