-- bench quantile_state: the {q} quantile of a site's metrics, site-wide and per device, from
-- the daily loghist_dims states merged (the centre value of the bucket holding the sample
-- quantileExact picks: 0-based rank floor(q * n), the first bucket counting more than q * n),
-- from the daily t-digest states merged, and exactly from the raw samples.
WITH estimates AS
(
    SELECT dim, val, metric, arraySort(mapKeys(merged)) AS keys,
           arrayCumSum(arrayMap(k -> merged[k], keys)) AS running
    FROM
    (
        SELECT dim, val, metric, sumMap(lh) AS merged
        FROM loghist_dims
        WHERE site = {site:String} AND dim IN ('all', 'device')
        GROUP BY dim, val, metric
    )
)
SELECT e.dim AS dim, e.val AS val, e.metric AS metric,
       if(k = 0, 0, pow(1 + {ratio:Float64}, k - 1) / if(e.metric = 'CLS', 1000, 1))
           AS loghist,
       t.tdigest AS tdigest, x.exact AS exact
FROM
(
    SELECT dim, val, metric,
           keys[arrayFirstIndex(c -> c > {q:Float64} * running[-1], running)] AS k
    FROM estimates
) AS e
INNER JOIN
(
    SELECT dim, val, metric,
           quantilesTDigestMerge(0.5, 0.75, 0.9, 0.95)(value_q)[indexOf([0.5, 0.75, 0.9, 0.95],
               {q:Float64})] AS tdigest
    FROM vitals_dims_1d
    WHERE site = {site:String} AND dim IN ('all', 'device')
    GROUP BY dim, val, metric
) AS t ON e.dim = t.dim AND e.val = t.val AND e.metric = t.metric
INNER JOIN
(
    SELECT 'all' AS dim, '' AS val, metric, quantileExact({q:Float64})(value) AS exact
    FROM vitals WHERE site = {site:String} GROUP BY metric
    UNION ALL
    SELECT 'device', toString(device), metric, quantileExact({q:Float64})(value)
    FROM vitals WHERE site = {site:String} GROUP BY device, metric
) AS x ON e.dim = x.dim AND e.val = x.val AND e.metric = x.metric
ORDER BY dim, val, metric
