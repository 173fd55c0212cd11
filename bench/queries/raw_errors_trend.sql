-- Raw equivalent of dashboard.errors_trend.
SELECT toString(fingerprint) AS group_id,
       intDiv(toUInt32(ts) - toUInt32({from:DateTime('UTC')}), {slot_s:UInt32}) AS slot,
       sum(occurrences) AS occurrences
FROM js_errors
WHERE site = {site:String} AND fingerprint IN {fingerprints:Array(UInt64)}
  AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')}
GROUP BY group_id, slot
ORDER BY group_id, slot
