-- bench quantile_state: the {q} quantile of a site's metrics, site-wide and per device, from
-- the product's daily counts per logarithmic bucket (vitals_dims_1d, 0084; UInt32 since
-- 0092), from the daily t-digest states of before (tdigest_dims), and exactly from the raw
-- samples.
SELECT l.dim AS dim, l.val AS val, l.metric AS metric, l.loghist AS loghist,
       t.tdigest AS tdigest, x.exact AS exact
FROM
(
    SELECT dim, val, metric,
           vitalscope_lh_quantiles(sumMap(vitalscope_lh_counts(
               value_lhMap.bucket, value_lhMap.count)))[indexOf([0.5, 0.75, 0.9, 0.95],
               {q:Float64})] AS loghist
    FROM vitals_dims_1d
    WHERE site = {site:String} AND dim IN ('all', 'device')
    GROUP BY dim, val, metric
) AS l
INNER JOIN
(
    SELECT dim, val, metric,
           quantilesTDigestMerge(0.5, 0.75, 0.9, 0.95)(value_q)[indexOf([0.5, 0.75, 0.9, 0.95],
               {q:Float64})] AS tdigest
    FROM tdigest_dims
    WHERE site = {site:String} AND dim IN ('all', 'device')
    GROUP BY dim, val, metric
) AS t ON l.dim = t.dim AND l.val = t.val AND l.metric = t.metric
INNER JOIN
(
    SELECT 'all' AS dim, '' AS val, metric, quantileExact({q:Float64})(value) AS exact
    FROM vitals WHERE site = {site:String} GROUP BY metric
    UNION ALL
    SELECT 'device', toString(device), metric, quantileExact({q:Float64})(value)
    FROM vitals WHERE site = {site:String} GROUP BY device, metric
) AS x ON l.dim = x.dim AND l.val = x.val AND l.metric = x.metric
ORDER BY dim, val, metric
