-- The top page groups, browsers and releases of the groups on screen, by occurrences.
SELECT
    toString(fingerprint) AS group_id,
    d.1 AS dim,
    d.2 AS val,
    sum(occurrences) AS occurrences,
    uniqMerge(page_views) AS page_views
FROM {table:Identifier}
ARRAY JOIN [('page_group', toString(page_group)), ('browser', toString(browser)),
            ('release', toString(release))] AS d
WHERE site = {site:String} AND fingerprint IN {fingerprints:Array(UInt64)}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY group_id, dim, val
ORDER BY group_id, dim, occurrences DESC, val
LIMIT {limit:UInt32} BY group_id, dim
