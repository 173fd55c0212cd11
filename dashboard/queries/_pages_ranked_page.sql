-- One page of the ranked groups, either way round (pages_ranked*).
ORDER BY toInt64(rank) * if({descending:UInt8}, -1, 1)
LIMIT {limit:UInt32} OFFSET {offset:UInt64}
