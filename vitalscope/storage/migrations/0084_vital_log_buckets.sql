-- Issue 18: the vital rollups keep their distributions as counts per logarithmic bucket
-- (`value_lh`, `duration_lh` for script durations) instead of t-digest states. A t-digest
-- state grows with every sample it holds (two Float32 per centroid) and ZSTD compresses it
-- little; the sparse rows of the hourly and page tiers, about one sample each, carried one
-- centroid per sample, and the states were about 61 % of the vital rollups' bytes. A Map of
-- counts is columnar (keys and counts compress apart, counts are mostly 1), its merge is a
-- sum (exact and independent of merge order, unlike t-digest merges) and it is bounded by
-- the number of buckets a metric's values span.
--
-- Bucket of a value v: 0 for v <= 0, else round(log(1000 v) / log(1.005)) + 1 (thousandths
-- of the unit, so CLS and milliseconds share one scale; at most a few thousand buckets for
-- any real value, UInt16). Bucket k holds values within 0.25 % of 1.005^(k-1) / 1000, so a
-- quantile read from the counts is the centre of the bucket holding the sample quantileExact
-- picks (0-based rank floor(level * n)): within 0.25 % of it. The SQL function
-- vitalscope_lh_quantiles (vitalscope/storage/functions.sql) turns merged counts into p50,
-- p75, p90, p95 for the dashboard's queries.
--
-- Here the dimension tiers; 0085 does the same for the page, navigation,
-- element and script tables. Per table: the column; the view switched in place (MODIFY QUERY: inserts never miss a
-- view or pass through two); then the rows written before the switch get their counts.
-- Those are exact from the raw samples where the raw table still holds every sample of the
-- row (it keeps 90 days), else read from the row's t-digest at 100 levels (its samples split
-- evenly over them: history older than the raw table, as close as the t-digest was). A row
-- is filled while its counts hold fewer samples than `samples`, so a repeated run adds
-- nothing twice. value_q and duration_q are no longer written or read; their old rows go
-- with the tables' TTLs (a later migration can drop the columns once no reader of an earlier
-- version can run).

ALTER TABLE vitals_dims_1m ADD COLUMN IF NOT EXISTS value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3));

ALTER TABLE vitals_dims_1m_mv MODIFY QUERY
SELECT
    site,
    d.1 AS dim,
    d.2 AS val,
    metric,
    toStartOfMinute(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    sum(value) AS value_sum,
    sumMap(CAST(attr_parts, 'Map(String, Float64)')) AS parts_sum,
    sumMap(map(toUInt16(least(199, floor(value / multiIf(metric = 'CLS', 0.005, metric = 'INP', 10, metric = 'TTFB', 25, 50)))), toUInt64(1))) AS hist,
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS value_lh
FROM vitals
ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
            ('os', toString(os)), ('country', toString(country)),
            ('connection', toString(connection)), ('nav_type', toString(nav_type)),
            ('release', toString(release))] AS d
WHERE ts >= now() - INTERVAL 3 DAY
GROUP BY site, dim, val, metric, bucket;

INSERT INTO vitals_dims_1m (site, dim, val, metric, bucket, value_lh)
SELECT t.site, t.dim, t.val, t.metric, t.bucket,
       if(r.n = t.n_old + t.n_lh,
          CAST(mapFilter((b, c) -> c > 0, mapSubtract(r.lh, t.lh)), 'Map(UInt16, UInt64)'),
          CAST(arrayReduce('sumMap', [arrayMap(p -> toUInt16(if(p <= 0, 0, greatest(1, least(65535, round(log(p * 1000) / log(1.005)) + 1)))), t.points)],
                           [arrayMap(i -> toUInt64(intDiv(i * t.n_old, 100) - intDiv((i - 1) * t.n_old, 100)),
                                     range(1, 101))]),
               'Map(UInt16, UInt64)'))
FROM
(
    SELECT site, dim, val, metric, bucket,
           sumMap(value_lh) AS lh,
           arraySum(mapValues(lh)) AS n_lh,
           sum(samples) - n_lh AS n_old,
           quantilesTDigestMerge(
               0.005, 0.015, 0.025, 0.035, 0.045, 0.055, 0.065, 0.075, 0.085, 0.095,
               0.105, 0.115, 0.125, 0.135, 0.145, 0.155, 0.165, 0.175, 0.185, 0.195,
               0.205, 0.215, 0.225, 0.235, 0.245, 0.255, 0.265, 0.275, 0.285, 0.295,
               0.305, 0.315, 0.325, 0.335, 0.345, 0.355, 0.365, 0.375, 0.385, 0.395,
               0.405, 0.415, 0.425, 0.435, 0.445, 0.455, 0.465, 0.475, 0.485, 0.495,
               0.505, 0.515, 0.525, 0.535, 0.545, 0.555, 0.565, 0.575, 0.585, 0.595,
               0.605, 0.615, 0.625, 0.635, 0.645, 0.655, 0.665, 0.675, 0.685, 0.695,
               0.705, 0.715, 0.725, 0.735, 0.745, 0.755, 0.765, 0.775, 0.785, 0.795,
               0.805, 0.815, 0.825, 0.835, 0.845, 0.855, 0.865, 0.875, 0.885, 0.895,
               0.905, 0.915, 0.925, 0.935, 0.945, 0.955, 0.965, 0.975, 0.985, 0.995
           )(value_q) AS points
    FROM vitals_dims_1m
    GROUP BY site, dim, val, metric, bucket
    HAVING n_old > 0
) AS t
LEFT JOIN
(
    SELECT site,
           d.1 AS dim,
           d.2 AS val,
           metric,
           toStartOfMinute(ts) AS bucket,
           count() AS n,
           sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS lh
    FROM vitals
    ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
                ('os', toString(os)), ('country', toString(country)),
                ('connection', toString(connection)), ('nav_type', toString(nav_type)),
                ('release', toString(release))] AS d
    GROUP BY site, dim, val, metric, bucket
) AS r ON t.site = r.site AND t.dim = r.dim AND t.val = r.val AND t.metric = r.metric AND t.bucket = r.bucket;

ALTER TABLE vitals_dims_1h ADD COLUMN IF NOT EXISTS value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3));

ALTER TABLE vitals_dims_1h_mv MODIFY QUERY
SELECT
    site,
    d.1 AS dim,
    d.2 AS val,
    metric,
    toStartOfHour(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    sum(value) AS value_sum,
    sumMap(CAST(attr_parts, 'Map(String, Float64)')) AS parts_sum,
    sumMap(map(toUInt16(least(199, floor(value / multiIf(metric = 'CLS', 0.005, metric = 'INP', 10, metric = 'TTFB', 25, 50)))), toUInt64(1))) AS hist,
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS value_lh
FROM vitals
ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
            ('os', toString(os)), ('country', toString(country)),
            ('connection', toString(connection)), ('nav_type', toString(nav_type)),
            ('release', toString(release))] AS d
GROUP BY site, dim, val, metric, bucket;

INSERT INTO vitals_dims_1h (site, dim, val, metric, bucket, value_lh)
SELECT t.site, t.dim, t.val, t.metric, t.bucket,
       if(r.n = t.n_old + t.n_lh,
          CAST(mapFilter((b, c) -> c > 0, mapSubtract(r.lh, t.lh)), 'Map(UInt16, UInt64)'),
          CAST(arrayReduce('sumMap', [arrayMap(p -> toUInt16(if(p <= 0, 0, greatest(1, least(65535, round(log(p * 1000) / log(1.005)) + 1)))), t.points)],
                           [arrayMap(i -> toUInt64(intDiv(i * t.n_old, 100) - intDiv((i - 1) * t.n_old, 100)),
                                     range(1, 101))]),
               'Map(UInt16, UInt64)'))
FROM
(
    SELECT site, dim, val, metric, bucket,
           sumMap(value_lh) AS lh,
           arraySum(mapValues(lh)) AS n_lh,
           sum(samples) - n_lh AS n_old,
           quantilesTDigestMerge(
               0.005, 0.015, 0.025, 0.035, 0.045, 0.055, 0.065, 0.075, 0.085, 0.095,
               0.105, 0.115, 0.125, 0.135, 0.145, 0.155, 0.165, 0.175, 0.185, 0.195,
               0.205, 0.215, 0.225, 0.235, 0.245, 0.255, 0.265, 0.275, 0.285, 0.295,
               0.305, 0.315, 0.325, 0.335, 0.345, 0.355, 0.365, 0.375, 0.385, 0.395,
               0.405, 0.415, 0.425, 0.435, 0.445, 0.455, 0.465, 0.475, 0.485, 0.495,
               0.505, 0.515, 0.525, 0.535, 0.545, 0.555, 0.565, 0.575, 0.585, 0.595,
               0.605, 0.615, 0.625, 0.635, 0.645, 0.655, 0.665, 0.675, 0.685, 0.695,
               0.705, 0.715, 0.725, 0.735, 0.745, 0.755, 0.765, 0.775, 0.785, 0.795,
               0.805, 0.815, 0.825, 0.835, 0.845, 0.855, 0.865, 0.875, 0.885, 0.895,
               0.905, 0.915, 0.925, 0.935, 0.945, 0.955, 0.965, 0.975, 0.985, 0.995
           )(value_q) AS points
    FROM vitals_dims_1h
    GROUP BY site, dim, val, metric, bucket
    HAVING n_old > 0
) AS t
LEFT JOIN
(
    SELECT site,
           d.1 AS dim,
           d.2 AS val,
           metric,
           toStartOfHour(ts) AS bucket,
           count() AS n,
           sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS lh
    FROM vitals
    ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
                ('os', toString(os)), ('country', toString(country)),
                ('connection', toString(connection)), ('nav_type', toString(nav_type)),
                ('release', toString(release))] AS d
    GROUP BY site, dim, val, metric, bucket
) AS r ON t.site = r.site AND t.dim = r.dim AND t.val = r.val AND t.metric = r.metric AND t.bucket = r.bucket;

ALTER TABLE vitals_dims_1d ADD COLUMN IF NOT EXISTS value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3));

ALTER TABLE vitals_dims_1d_mv MODIFY QUERY
SELECT
    site,
    d.1 AS dim,
    d.2 AS val,
    metric,
    toStartOfDay(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    sum(value) AS value_sum,
    sumMap(CAST(attr_parts, 'Map(String, Float64)')) AS parts_sum,
    sumMap(map(toUInt16(least(199, floor(value / multiIf(metric = 'CLS', 0.005, metric = 'INP', 10, metric = 'TTFB', 25, 50)))), toUInt64(1))) AS hist,
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS value_lh
FROM vitals
ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
            ('os', toString(os)), ('country', toString(country)),
            ('connection', toString(connection)), ('nav_type', toString(nav_type)),
            ('release', toString(release))] AS d
GROUP BY site, dim, val, metric, bucket;

INSERT INTO vitals_dims_1d (site, dim, val, metric, bucket, value_lh)
SELECT t.site, t.dim, t.val, t.metric, t.bucket,
       if(r.n = t.n_old + t.n_lh,
          CAST(mapFilter((b, c) -> c > 0, mapSubtract(r.lh, t.lh)), 'Map(UInt16, UInt64)'),
          CAST(arrayReduce('sumMap', [arrayMap(p -> toUInt16(if(p <= 0, 0, greatest(1, least(65535, round(log(p * 1000) / log(1.005)) + 1)))), t.points)],
                           [arrayMap(i -> toUInt64(intDiv(i * t.n_old, 100) - intDiv((i - 1) * t.n_old, 100)),
                                     range(1, 101))]),
               'Map(UInt16, UInt64)'))
FROM
(
    SELECT site, dim, val, metric, bucket,
           sumMap(value_lh) AS lh,
           arraySum(mapValues(lh)) AS n_lh,
           sum(samples) - n_lh AS n_old,
           quantilesTDigestMerge(
               0.005, 0.015, 0.025, 0.035, 0.045, 0.055, 0.065, 0.075, 0.085, 0.095,
               0.105, 0.115, 0.125, 0.135, 0.145, 0.155, 0.165, 0.175, 0.185, 0.195,
               0.205, 0.215, 0.225, 0.235, 0.245, 0.255, 0.265, 0.275, 0.285, 0.295,
               0.305, 0.315, 0.325, 0.335, 0.345, 0.355, 0.365, 0.375, 0.385, 0.395,
               0.405, 0.415, 0.425, 0.435, 0.445, 0.455, 0.465, 0.475, 0.485, 0.495,
               0.505, 0.515, 0.525, 0.535, 0.545, 0.555, 0.565, 0.575, 0.585, 0.595,
               0.605, 0.615, 0.625, 0.635, 0.645, 0.655, 0.665, 0.675, 0.685, 0.695,
               0.705, 0.715, 0.725, 0.735, 0.745, 0.755, 0.765, 0.775, 0.785, 0.795,
               0.805, 0.815, 0.825, 0.835, 0.845, 0.855, 0.865, 0.875, 0.885, 0.895,
               0.905, 0.915, 0.925, 0.935, 0.945, 0.955, 0.965, 0.975, 0.985, 0.995
           )(value_q) AS points
    FROM vitals_dims_1d
    GROUP BY site, dim, val, metric, bucket
    HAVING n_old > 0
) AS t
LEFT JOIN
(
    SELECT site,
           d.1 AS dim,
           d.2 AS val,
           metric,
           toStartOfDay(ts) AS bucket,
           count() AS n,
           sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS lh
    FROM vitals
    ARRAY JOIN [('all', ''), ('device', toString(device)), ('browser', toString(browser)),
                ('os', toString(os)), ('country', toString(country)),
                ('connection', toString(connection)), ('nav_type', toString(nav_type)),
                ('release', toString(release))] AS d
    GROUP BY site, dim, val, metric, bucket
) AS r ON t.site = r.site AND t.dim = r.dim AND t.val = r.val AND t.metric = r.metric AND t.bucket = r.bucket;
