-- Raw equivalent of dashboard.errors_top_values.
SELECT toString(fingerprint) AS group_id, d.1 AS dim, d.2 AS val,
       sum(occurrences) AS occurrences, uniq(page_view_id) AS page_views
FROM js_errors
ARRAY JOIN [('page_group', toString(page_group)), ('browser', toString(browser)),
            ('release', toString(release))] AS d
WHERE site = {site:String} AND fingerprint IN {fingerprints:Array(UInt64)}
  AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')}
GROUP BY group_id, dim, val
ORDER BY group_id, dim, occurrences DESC, val
LIMIT {limit:UInt32} BY group_id, dim
