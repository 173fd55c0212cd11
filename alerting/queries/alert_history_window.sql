-- Alert history over the dashboard's selected range: state changes, latest first.
SELECT ts, fingerprint, rule, kind, site, state, severity, labels, value, summary, details,
       starts_at
FROM alert_events
WHERE ts >= {start:DateTime64(3, 'UTC')} AND ts < {end:DateTime64(3, 'UTC')}
ORDER BY ts DESC
LIMIT {limit:UInt32}
