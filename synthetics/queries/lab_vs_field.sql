-- Lab against field: p75 of each metric per page group from the synthetic runs of a site
-- and from its real users (the RUM rollup vitals_1m) over the same time.
SELECT
    lab.page_group                AS page_group,
    lab.metric                    AS metric,
    lab.p75                       AS lab_p75,
    lab.samples                   AS lab_samples,
    field.p75                     AS field_p75,
    field.samples                 AS field_samples
FROM
(
    SELECT page_group, metric, quantile(0.75)(value) AS p75, count() AS samples
    FROM synthetic_vitals
    WHERE site = {site:String} AND ts >= {since:DateTime64(3)}
    GROUP BY page_group, metric
) AS lab
LEFT JOIN
(
    SELECT
        page_group,
        metric,
        quantilesMerge(0.5, 0.75, 0.9, 0.95, 0.99)(value_quantiles)[2] AS p75,
        sum(samples) AS samples
    FROM vitals_1m
    WHERE site = {site:String} AND minute >= toStartOfMinute({since:DateTime64(3)})
    GROUP BY page_group, metric
) AS field
ON lab.page_group = field.page_group AND lab.metric = field.metric
ORDER BY page_group, metric
SETTINGS join_use_nulls = 1
