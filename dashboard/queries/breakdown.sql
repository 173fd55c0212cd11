-- One dimension for one metric: the top {limit} values by samples, the rest merged into one
-- `(other)` row (a site can send any number of browsers, countries or releases), with
-- counts, quantiles and the counts per logarithmic bucket (for the confidence interval of
-- p75). The top rows
-- are exactly what they would be without the cut.
SELECT
    if(val IN (
        SELECT val
        FROM {table:Identifier}
        WHERE site = {site:String} AND dim = {dim:String} AND metric = {metric:String}
          AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
        GROUP BY val
        ORDER BY sum(samples) DESC, val
        LIMIT {limit:UInt32}
    ), val, '(other)') AS value,
    sum(samples) AS samples,
    sum(good) AS good,
    sum(needs_improvement) AS needs_improvement,
    sum(poor) AS poor,
    sumMap(vitalscope_lh_counts(value_lhMap.bucket, value_lhMap.count)) AS lh,
    vitalscope_lh_quantiles(lh) AS q
FROM {table:Identifier}
WHERE site = {site:String} AND dim = {dim:String} AND metric = {metric:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY value
ORDER BY value = '(other)', samples DESC, value
