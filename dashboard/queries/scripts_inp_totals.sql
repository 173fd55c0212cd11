-- Every INP sample of a site, or of one page group ({page_group} '' = the whole site), and
-- the poor ones, those without a script included: the base of a script's share of poor INP
-- (scripts_slow_interactions).
SELECT
    sum(samples) AS samples,
    sum(poor) AS poor
FROM {table:Identifier}
WHERE site = {site:String}
  AND ({page_group:String} = '' OR page_group = {page_group:String})
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
