-- p75 and rating counts per metric and bucket of one segment.
SELECT
    metric,
    bucket,
    sum(samples) AS samples,
    sum(good) AS good,
    sum(poor) AS poor,
    vitalscope_lh_quantiles(
        sumMap(vitalscope_lh_counts(value_lhMap.bucket, value_lhMap.count)))[2] AS p75
FROM {table:Identifier}
WHERE site = {site:String} AND dim = {dim:String} AND val = {val:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY metric, bucket
ORDER BY metric, bucket
