-- Every value of one dimension for one metric: counts, quantiles, histogram (for the
-- confidence interval of p75).
SELECT
    val,
    sum(samples) AS samples,
    sum(good) AS good,
    sum(needs_improvement) AS needs_improvement,
    sum(poor) AS poor,
    quantilesTDigestMerge(0.5, 0.75, 0.9, 0.95)(value_q) AS q,
    sumMap(hist) AS hist
FROM {table:Identifier}
WHERE site = {site:String} AND dim = {dim:String} AND metric = {metric:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY val
ORDER BY samples DESC
LIMIT 500
