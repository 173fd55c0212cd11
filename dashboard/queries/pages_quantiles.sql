-- Quantiles of the page groups on screen (or drilled into, or beside the synthetics' lab
-- figures) per metric: the window's page tier, except the whole weeks [weeks_from, weeks_to)
-- of a daily window, read from vitals_pages_1w (0091; an empty span reads nothing there).
-- Both hold counts per logarithmic bucket, so the sum is what the days alone would give.
SELECT
    page_group,
    metric,
    sum(samples) AS samples,
    sum(good) AS good,
    sum(needs_improvement) AS needs_improvement,
    sum(poor) AS poor,
    vitalscope_lh_quantiles(sumMap(lh)) AS q
FROM
(
    SELECT page_group, metric, samples, good, needs_improvement, poor, value_lh AS lh
    FROM {table:Identifier}
    WHERE site = {site:String} AND page_group IN {groups:Array(String)}
      AND ((bucket >= {from:DateTime('UTC')} AND bucket < {weeks_from:DateTime('UTC')})
           OR (bucket >= {weeks_to:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}))
    UNION ALL
    SELECT page_group, metric, samples, good, needs_improvement, poor, value_lh AS lh
    FROM vitals_pages_1w
    WHERE site = {site:String} AND page_group IN {groups:Array(String)}
      AND bucket >= {weeks_from:DateTime('UTC')} AND bucket < {weeks_to:DateTime('UTC')}
)
GROUP BY page_group, metric
