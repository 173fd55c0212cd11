-- Occurrences of the groups on screen per slot (the window cut into equal slots; slots
-- without occurrences are absent).
SELECT
    toString(fingerprint) AS group_id,
    intDiv(toUInt32(bucket) - toUInt32({from:DateTime('UTC')}), {slot_s:UInt32}) AS slot,
    sum(occurrences) AS occurrences
FROM {table:Identifier}
WHERE site = {site:String} AND fingerprint IN {fingerprints:Array(UInt64)}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY group_id, slot
ORDER BY group_id, slot
