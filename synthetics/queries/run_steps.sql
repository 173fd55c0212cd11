-- Step timings of one run, every attempt, in order.
SELECT attempt, step, action, name, status, offset_ms, duration_ms, url, error
FROM synthetic_steps
WHERE `check` = {check:String} AND run_id = {run_id:String}
ORDER BY attempt, step
