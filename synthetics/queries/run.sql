-- One run of a check (the run summary of the dashboard, and the artifact routes, which serve
-- only files a run recorded).
SELECT
    run_id, location, started_at, status, duration_ms, attempts, error, failed_step,
    trigger, console_errors, failed_requests, screenshot, trace
FROM synthetic_runs
WHERE `check` = {check:String} AND run_id = {run_id:String}
LIMIT 1
