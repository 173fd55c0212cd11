-- Rows of a side, within each rule's segment (`segments[idx]`: one wanted value per
-- dimension of `dims`, '' for any).
WHERE side > 0
  AND (NOT {segmented:Array(UInt8)}[idx]
       OR arrayAll((want, have) -> want = '' OR want = have,
                   {segments:Array(Array(String))}[idx], dims))
