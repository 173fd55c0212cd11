-- Reads new entries of the ingest stream for one consumer of the group until the batch has
-- `max_entries` entries or passes `max_bytes` bytes, in one round trip. One entry at a time,
-- so the batch stops right after the entry that passes the byte bound (however large the
-- entries of the stream are); XREADGROUP on a server-side loop costs microseconds an entry.
-- KEYS[1]: stream. ARGV: group, consumer, max_entries, max_bytes.
-- Returns the entries as XREADGROUP does: {id, {field, value, ...}} each.
local group, consumer = ARGV[1], ARGV[2]
local max_entries, max_bytes = tonumber(ARGV[3]), tonumber(ARGV[4])
local out, bytes = {}, 0
while #out < max_entries and bytes < max_bytes do
  local reply = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', 1,
                           'STREAMS', KEYS[1], '>')
  if not reply then break end
  local entry = reply[1][2][1]
  out[#out + 1] = entry
  local fields = entry[2]
  for i = 2, #fields, 2 do bytes = bytes + #fields[i] end
end
return out
