-- One page of page groups ranked by a count (impact = poor samples, samples, poor share or
-- the name): sorted and cut here, so however many page groups a site has, one page of rows
-- comes back. Reads vitals_page_counts_* (0089): the window's counts, nothing else.
-- `total`: groups with min_samples.
SELECT page_group, samples, poor, poor_share, impact, total
FROM
(
    SELECT
        -- include: _pages_ranked_columns
        row_number() OVER (ORDER BY {sort:Identifier}, page_group) AS rank
    FROM
    (
        SELECT page_group, sum(samples) AS n, sum(poor) AS n_poor
        -- include: _pages_ranked_groups
    )
)
-- include: _pages_ranked_page
