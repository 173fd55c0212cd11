-- bench quantile_state: the vitals_dims tier at one grain with the t-digest state it kept
-- before 0084 (quantilesTDigest), from the same raw samples with the same keys, to compare
-- with the counts per logarithmic bucket the product keeps now.
CREATE TABLE tdigest_dims
(
    site    LowCardinality(String),
    dim     LowCardinality(String),
    val     String,
    metric  LowCardinality(String),
    bucket  DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    value_q AggregateFunction(quantilesTDigest(0.5, 0.75, 0.9, 0.95), Float64) CODEC(ZSTD(3))
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
    quantilesTDigestState(0.5, 0.75, 0.9, 0.95)(value) AS value_q
FROM vitals
ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
            ('os', toString(os)), ('country', toString(country)),
            ('connection', toString(connection)), ('nav_type', toString(nav_type)),
            ('release', toString(release))] AS d
WHERE ts >= {since:DateTime('UTC')}
GROUP BY site, dim, val, metric, bucket
