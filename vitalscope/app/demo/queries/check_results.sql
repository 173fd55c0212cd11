-- The latest result of each synthetic check.
SELECT check, argMax(status, started_at) AS last_status, count() AS runs
FROM synthetic_runs
GROUP BY check
ORDER BY check
