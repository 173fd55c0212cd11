-- Issue 18: what 0084 does for the dimension tiers, for the page tiers (vitals_pages_*), the
-- navigation types, elements and scripts per page group (vitals_navs_1h, vitals_targets_1h,
-- vitals_scripts_1h: duration_lh for the scripts' INP durations). Same buckets, same steps:
-- the column, the view switched in place, then the rows written before it given their counts
-- (exact from the raw samples where the raw table still holds all of a row's samples, else
-- from its t-digest at 100 levels); a repeated run adds nothing twice.

ALTER TABLE vitals_pages_1m ADD COLUMN IF NOT EXISTS value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3));

ALTER TABLE vitals_pages_1m_mv MODIFY QUERY
SELECT
    site,
    page_group,
    metric,
    toStartOfMinute(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS value_lh
FROM vitals
WHERE ts >= now() - INTERVAL 3 DAY
GROUP BY site, page_group, metric, bucket;

INSERT INTO vitals_pages_1m (site, page_group, metric, bucket, value_lh)
SELECT t.site, t.page_group, t.metric, t.bucket,
       if(r.n = t.n_old + t.n_lh,
          CAST(mapFilter((b, c) -> c > 0, mapSubtract(r.lh, t.lh)), 'Map(UInt16, UInt64)'),
          CAST(arrayReduce('sumMap', [arrayMap(p -> toUInt16(if(p <= 0, 0, greatest(1, least(65535, round(log(p * 1000) / log(1.005)) + 1)))), t.points)],
                           [arrayMap(i -> toUInt64(intDiv(i * t.n_old, 100) - intDiv((i - 1) * t.n_old, 100)),
                                     range(1, 101))]),
               'Map(UInt16, UInt64)'))
FROM
(
    SELECT site, page_group, metric, bucket,
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
    FROM vitals_pages_1m
    GROUP BY site, page_group, metric, bucket
    HAVING n_old > 0
) AS t
LEFT JOIN
(
    SELECT site,
           page_group,
           metric,
           toStartOfMinute(ts) AS bucket,
           count() AS n,
           sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS lh
    FROM vitals
    GROUP BY site, page_group, metric, bucket
) AS r ON t.site = r.site AND t.page_group = r.page_group AND t.metric = r.metric AND t.bucket = r.bucket;

ALTER TABLE vitals_pages_1h ADD COLUMN IF NOT EXISTS value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3));

ALTER TABLE vitals_pages_1h_mv MODIFY QUERY
SELECT
    site,
    page_group,
    metric,
    toStartOfHour(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS value_lh
FROM vitals
GROUP BY site, page_group, metric, bucket;

INSERT INTO vitals_pages_1h (site, page_group, metric, bucket, value_lh)
SELECT t.site, t.page_group, t.metric, t.bucket,
       if(r.n = t.n_old + t.n_lh,
          CAST(mapFilter((b, c) -> c > 0, mapSubtract(r.lh, t.lh)), 'Map(UInt16, UInt64)'),
          CAST(arrayReduce('sumMap', [arrayMap(p -> toUInt16(if(p <= 0, 0, greatest(1, least(65535, round(log(p * 1000) / log(1.005)) + 1)))), t.points)],
                           [arrayMap(i -> toUInt64(intDiv(i * t.n_old, 100) - intDiv((i - 1) * t.n_old, 100)),
                                     range(1, 101))]),
               'Map(UInt16, UInt64)'))
FROM
(
    SELECT site, page_group, metric, bucket,
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
    FROM vitals_pages_1h
    GROUP BY site, page_group, metric, bucket
    HAVING n_old > 0
) AS t
LEFT JOIN
(
    SELECT site,
           page_group,
           metric,
           toStartOfHour(ts) AS bucket,
           count() AS n,
           sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS lh
    FROM vitals
    GROUP BY site, page_group, metric, bucket
) AS r ON t.site = r.site AND t.page_group = r.page_group AND t.metric = r.metric AND t.bucket = r.bucket;

ALTER TABLE vitals_pages_1d ADD COLUMN IF NOT EXISTS value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3));

ALTER TABLE vitals_pages_1d_mv MODIFY QUERY
SELECT
    site,
    page_group,
    metric,
    toStartOfDay(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS value_lh
FROM vitals
GROUP BY site, page_group, metric, bucket;

INSERT INTO vitals_pages_1d (site, page_group, metric, bucket, value_lh)
SELECT t.site, t.page_group, t.metric, t.bucket,
       if(r.n = t.n_old + t.n_lh,
          CAST(mapFilter((b, c) -> c > 0, mapSubtract(r.lh, t.lh)), 'Map(UInt16, UInt64)'),
          CAST(arrayReduce('sumMap', [arrayMap(p -> toUInt16(if(p <= 0, 0, greatest(1, least(65535, round(log(p * 1000) / log(1.005)) + 1)))), t.points)],
                           [arrayMap(i -> toUInt64(intDiv(i * t.n_old, 100) - intDiv((i - 1) * t.n_old, 100)),
                                     range(1, 101))]),
               'Map(UInt16, UInt64)'))
FROM
(
    SELECT site, page_group, metric, bucket,
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
    FROM vitals_pages_1d
    GROUP BY site, page_group, metric, bucket
    HAVING n_old > 0
) AS t
LEFT JOIN
(
    SELECT site,
           page_group,
           metric,
           toStartOfDay(ts) AS bucket,
           count() AS n,
           sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS lh
    FROM vitals
    GROUP BY site, page_group, metric, bucket
) AS r ON t.site = r.site AND t.page_group = r.page_group AND t.metric = r.metric AND t.bucket = r.bucket;

ALTER TABLE vitals_navs_1h ADD COLUMN IF NOT EXISTS value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3));

ALTER TABLE vitals_navs_1h_mv MODIFY QUERY
SELECT
    site,
    page_group,
    nav_type,
    metric,
    toStartOfHour(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'good') AS good,
    countIf(rating = 'needs-improvement') AS needs_improvement,
    countIf(rating = 'poor') AS poor,
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS value_lh
FROM vitals
GROUP BY site, page_group, nav_type, metric, bucket;

INSERT INTO vitals_navs_1h (site, page_group, nav_type, metric, bucket, value_lh)
SELECT t.site, t.page_group, t.nav_type, t.metric, t.bucket,
       if(r.n = t.n_old + t.n_lh,
          CAST(mapFilter((b, c) -> c > 0, mapSubtract(r.lh, t.lh)), 'Map(UInt16, UInt64)'),
          CAST(arrayReduce('sumMap', [arrayMap(p -> toUInt16(if(p <= 0, 0, greatest(1, least(65535, round(log(p * 1000) / log(1.005)) + 1)))), t.points)],
                           [arrayMap(i -> toUInt64(intDiv(i * t.n_old, 100) - intDiv((i - 1) * t.n_old, 100)),
                                     range(1, 101))]),
               'Map(UInt16, UInt64)'))
FROM
(
    SELECT site, page_group, nav_type, metric, bucket,
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
    FROM vitals_navs_1h
    GROUP BY site, page_group, nav_type, metric, bucket
    HAVING n_old > 0
) AS t
LEFT JOIN
(
    SELECT site,
           page_group,
           nav_type,
           metric,
           toStartOfHour(ts) AS bucket,
           count() AS n,
           sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS lh
    FROM vitals
    GROUP BY site, page_group, nav_type, metric, bucket
) AS r ON t.site = r.site AND t.page_group = r.page_group AND t.nav_type = r.nav_type AND t.metric = r.metric AND t.bucket = r.bucket;

ALTER TABLE vitals_targets_1h ADD COLUMN IF NOT EXISTS value_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3));

ALTER TABLE vitals_targets_1h_mv MODIFY QUERY
SELECT
    site,
    page_group,
    metric,
    attr_target AS target,
    toStartOfHour(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'poor') AS poor,
    sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS value_lh
FROM vitals
WHERE attr_target != ''
GROUP BY site, page_group, metric, target, bucket;

INSERT INTO vitals_targets_1h (site, page_group, metric, target, bucket, value_lh)
SELECT t.site, t.page_group, t.metric, t.target, t.bucket,
       if(r.n = t.n_old + t.n_lh,
          CAST(mapFilter((b, c) -> c > 0, mapSubtract(r.lh, t.lh)), 'Map(UInt16, UInt64)'),
          CAST(arrayReduce('sumMap', [arrayMap(p -> toUInt16(if(p <= 0, 0, greatest(1, least(65535, round(log(p * 1000) / log(1.005)) + 1)))), t.points)],
                           [arrayMap(i -> toUInt64(intDiv(i * t.n_old, 100) - intDiv((i - 1) * t.n_old, 100)),
                                     range(1, 101))]),
               'Map(UInt16, UInt64)'))
FROM
(
    SELECT site, page_group, metric, target, bucket,
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
    FROM vitals_targets_1h
    GROUP BY site, page_group, metric, target, bucket
    HAVING n_old > 0
) AS t
LEFT JOIN
(
    SELECT site,
           page_group,
           metric,
           attr_target AS target,
           toStartOfHour(ts) AS bucket,
           count() AS n,
           sumMap(map(toUInt16(if(value <= 0, 0, greatest(1, least(65535, round(log(value * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS lh
    FROM vitals
    WHERE attr_target != ''
    GROUP BY site, page_group, metric, target, bucket
) AS r ON t.site = r.site AND t.page_group = r.page_group AND t.metric = r.metric AND t.target = r.target AND t.bucket = r.bucket;

ALTER TABLE vitals_scripts_1h ADD COLUMN IF NOT EXISTS duration_lh SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(3));

ALTER TABLE vitals_scripts_1h_mv MODIFY QUERY
SELECT
    site,
    page_group,
    attr_script_url AS script_url,
    attr_script_host AS script_host,
    attr_script_party AS party,
    toStartOfHour(ts) AS bucket,
    count() AS samples,
    countIf(rating = 'poor') AS poor,
    sumMap(map(toUInt16(if(attr_script_duration <= 0, 0, greatest(1, least(65535, round(log(attr_script_duration * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS duration_lh
FROM vitals
WHERE metric = 'INP'
GROUP BY site, page_group, script_url, script_host, party, bucket;

INSERT INTO vitals_scripts_1h (site, page_group, script_url, script_host, party, bucket, duration_lh)
SELECT t.site, t.page_group, t.script_url, t.script_host, t.party, t.bucket,
       if(r.n = t.n_old + t.n_lh,
          CAST(mapFilter((b, c) -> c > 0, mapSubtract(r.lh, t.lh)), 'Map(UInt16, UInt64)'),
          CAST(arrayReduce('sumMap', [arrayMap(p -> toUInt16(if(p <= 0, 0, greatest(1, least(65535, round(log(p * 1000) / log(1.005)) + 1)))), t.points)],
                           [arrayMap(i -> toUInt64(intDiv(i * t.n_old, 100) - intDiv((i - 1) * t.n_old, 100)),
                                     range(1, 101))]),
               'Map(UInt16, UInt64)'))
FROM
(
    SELECT site, page_group, script_url, script_host, party, bucket,
           sumMap(duration_lh) AS lh,
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
           )(duration_q) AS points
    FROM vitals_scripts_1h
    GROUP BY site, page_group, script_url, script_host, party, bucket
    HAVING n_old > 0
) AS t
LEFT JOIN
(
    SELECT site,
           page_group,
           attr_script_url AS script_url,
           attr_script_host AS script_host,
           attr_script_party AS party,
           toStartOfHour(ts) AS bucket,
           count() AS n,
           sumMap(map(toUInt16(if(attr_script_duration <= 0, 0, greatest(1, least(65535, round(log(attr_script_duration * 1000) / log(1.005)) + 1)))), toUInt64(1))) AS lh
    FROM vitals
    WHERE metric = 'INP'
    GROUP BY site, page_group, script_url, script_host, party, bucket
) AS r ON t.site = r.site AND t.page_group = r.page_group AND t.script_url = r.script_url AND t.script_host = r.script_host AND t.party = r.party AND t.bucket = r.bucket;
