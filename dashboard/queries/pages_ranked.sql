-- One page of page groups ranked by a count (impact = poor samples, samples, poor share or
-- the name): sorted and cut here, so however many page groups a site has, one page of rows
-- comes back. Only the small sum columns are read. `total`: groups with min_samples.
SELECT page_group, samples, poor, poor_share, impact, total
FROM
(
    SELECT
        page_group,
        n AS samples,
        n_poor AS poor,
        if(n = 0, 0., n_poor / n) AS poor_share,
        n_poor AS impact,
        count() OVER () AS total,
        row_number() OVER (ORDER BY {sort:Identifier}, page_group) AS rank
    FROM
    (
        SELECT page_group, sum(samples) AS n, sum(poor) AS n_poor
        FROM {table:Identifier}
        WHERE site = {site:String}
          AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
        GROUP BY page_group
        HAVING n >= {min_samples:UInt64}
    )
)
ORDER BY toInt64(rank) * if({descending:UInt8}, -1, 1)
LIMIT {limit:UInt32} OFFSET {offset:UInt64}
