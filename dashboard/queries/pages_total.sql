-- Page groups with at least min_samples (the pages list's total when a page lies past it),
-- from vitals_page_counts_* (0089).
SELECT count() AS total
FROM
(
    SELECT page_group
    FROM {table:Identifier}
    WHERE site = {site:String}
      AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
    GROUP BY page_group
    HAVING sum(samples) >= {min_samples:UInt64}
)
