-- Latest runs of every check and location (newest first), for synthetic-failure rules.
SELECT
    `check`,
    location,
    arraySlice(arrayReverseSort(x -> x.1,
        groupArray((toUnixTimestamp64Milli(started_at), status))), 1, 500) AS runs
FROM synthetic_runs
WHERE started_at > fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
  AND started_at <= fromUnixTimestamp64Milli({now_ms:Int64}, 'UTC')
GROUP BY `check`, location
