-- Alert history for the dashboard and the API: latest state changes first.
SELECT ts, fingerprint, rule, kind, site, state, severity, labels, value, summary, details,
       starts_at
FROM alert_events
WHERE ({rule:String} = '' OR rule = {rule:String})
ORDER BY ts DESC
LIMIT {limit:UInt32}
