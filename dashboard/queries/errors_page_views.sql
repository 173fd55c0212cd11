-- A site's distinct page views in a window: the denominator of an error group's share.
-- From the reach tier (0082: small uniqCombined states that merge in milliseconds), plus the
-- buckets before the reach tier's first, which only the page_views_site tier holds (history
-- older than the raw page views when 0082 ran). A page view lies in the one bucket of its
-- start, so the two disjoint parts add up.
SELECT uniqCombinedMerge(14)(page_views) + (
    SELECT uniqMerge(page_views)
    FROM {table:Identifier}
    WHERE site = {site:String}
      AND bucket >= {from:DateTime('UTC')}
      AND bucket < least({to:DateTime('UTC')}, (
          SELECT ifNull(minOrNull(bucket), {to:DateTime('UTC')})
          FROM {reach_table:Identifier}
          WHERE site = {site:String}))
) AS page_views
FROM {reach_table:Identifier}
WHERE site = {site:String}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
