-- One page of page groups ranked by the p75 of one metric (groups without samples of it
-- first, ascending): the quantiles of every group are merged and sorted here, one page of
-- rows comes back. `total`: groups with min_samples.
SELECT page_group, samples, poor, poor_share, impact, total
FROM
(
    SELECT
        -- include: _pages_ranked_columns
        row_number() OVER (ORDER BY if(n_metric = 0, NULL, p75) ASC NULLS FIRST,
                                    page_group) AS rank
    FROM
    (
        SELECT
            page_group,
            sum(samples) AS n,
            sum(poor) AS n_poor,
            sumIf(samples, metric = {metric:String}) AS n_metric,
            vitalscope_lh_quantiles(sumMapIf(
                vitalscope_lh_counts(value_lhMap.bucket, value_lhMap.count),
                metric = {metric:String}))[2] AS p75
        -- include: _pages_ranked_groups
    )
)
-- include: _pages_ranked_page
