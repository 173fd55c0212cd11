-- Delivery attempts for the dashboard and the API: latest first, optionally one receiver.
SELECT ts, notification_id, receiver, kind, group_key, attempt, outcome, status_code,
       latency_ms, error
FROM alert_deliveries
WHERE ({receiver:String} = '' OR receiver = {receiver:String})
ORDER BY ts DESC
LIMIT {limit:UInt32}
