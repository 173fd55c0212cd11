-- Alert history over the dashboard's selected range: state changes, latest first; an empty
-- site or rule means every one (rules without a site, e.g. synthetic ones, have site '').
SELECT ts, fingerprint, rule, kind, site, state, severity, labels, value, summary, details,
       starts_at
FROM alert_events
WHERE ts >= {start:DateTime64(3, 'UTC')} AND ts < {end:DateTime64(3, 'UTC')}
  AND ({site:String} = '' OR site = {site:String})
  AND ({rule:String} = '' OR rule = {rule:String})
ORDER BY ts DESC
LIMIT {limit:UInt32}
