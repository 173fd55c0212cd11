-- The scripts behind slow interactions of a site, or of one page group ({page_group} '' =
-- the whole site), from vitals_scripts_1h or vitals_scripts_1d: per script (URL, host,
-- party) its INP samples, its poor ones and the p75 of the script's duration; the {limit}
-- scripts with the most poor samples, the rest merged into one `(other)` row (a script's
-- share of poor INP is taken of scripts_inp_totals).
SELECT
    if(top, script_url, '(other)') AS url,
    if(top, script_host, '') AS host,
    if(top, party, '') AS party_shown,
    sum(samples) AS samples,
    sum(poor) AS poor,
    vitalscope_lh_quantiles(sumMap(duration_lh))[2] AS p75_duration
FROM
(
    SELECT *, (script_url, script_host, party) IN (
        SELECT script_url, script_host, party
        FROM {table:Identifier}
        WHERE site = {site:String}
          AND ({page_group:String} = '' OR page_group = {page_group:String})
          AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
          AND script_url != ''
        GROUP BY script_url, script_host, party
        ORDER BY sum(poor) DESC, sum(samples) DESC, script_url, script_host, party
        LIMIT {limit:UInt32}
    ) AS top
    FROM {table:Identifier}
    WHERE site = {site:String}
      AND ({page_group:String} = '' OR page_group = {page_group:String})
      AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
      AND script_url != ''
)
GROUP BY url, host, party_shown
ORDER BY url = '(other)' AND host = '', poor DESC, samples DESC, url, host, party_shown
