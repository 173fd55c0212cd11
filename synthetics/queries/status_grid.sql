-- Status grid: per check (and location), the last result, flake and failure rates and the
-- p75 run duration since a time.
SELECT
    `check`,
    location,
    argMax(status, started_at)           AS last_status,
    max(started_at)                      AS last_started_at,
    argMax(error, started_at)            AS last_error,
    count()                              AS runs,
    countIf(status = 'flaky') / count()  AS flake_rate,
    countIf(status = 'failed') / count() AS failure_rate,
    quantile(0.75)(duration_ms)          AS p75_duration_ms
FROM synthetic_runs
WHERE started_at >= {since:DateTime64(3)}
GROUP BY `check`, location
ORDER BY `check`, location
