-- One error group in a window (the detail's header).
-- include: _error_group_summary
WHERE site = {site:String} AND fingerprint = {fingerprint:UInt64}
  AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
GROUP BY fingerprint
