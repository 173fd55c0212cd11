-- Run history of one check, newest first.
SELECT
    run_id, location, started_at, status, duration_ms, attempts, error, failed_step,
    trigger, console_errors, failed_requests, screenshot, trace
FROM synthetic_runs
WHERE `check` = {check:String} AND started_at >= {since:DateTime64(3)}
ORDER BY started_at DESC
LIMIT {limit:UInt32}
