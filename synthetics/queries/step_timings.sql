-- Step timing chart of one check: p75 duration of each passed step per time bucket.
SELECT
    toStartOfInterval(started_at, INTERVAL {bucket_s:UInt32} SECOND) AS bucket,
    step,
    any(name)                   AS name,
    count()                     AS samples,
    quantile(0.75)(duration_ms) AS p75_duration_ms
FROM synthetic_steps
WHERE `check` = {check:String} AND started_at >= {since:DateTime64(3)} AND status = 'passed'
GROUP BY bucket, step
ORDER BY bucket, step
