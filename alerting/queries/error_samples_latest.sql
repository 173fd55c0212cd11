-- The newest occurrence (with a stack, where one has) of each error group an evaluation
-- alerts on, at most a few dozen (alerting/errorgroups.py): its stack and release, from
-- which the alert's original top frame is symbolicated. Pairs (site, fingerprint) are
-- passed as two aligned arrays; the IN conditions use the primary key.
SELECT site, toString(fingerprint) AS group_id,
       argMax(stack, (stack != '', ts)) AS sample_stack,
       argMax(release, (stack != '', ts)) AS sample_release
FROM js_errors
WHERE site IN {sites:Array(String)}
  AND fingerprint IN {fingerprints:Array(UInt64)}
  AND has(arrayZip({sites:Array(String)}, {fingerprints:Array(UInt64)}), (site, fingerprint))
  AND ts > fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
  AND ts <= fromUnixTimestamp64Milli({now_ms:Int64}, 'UTC')
GROUP BY site, fingerprint
