-- A release's files, without their bodies (maps never leave the server).
SELECT url, toString(kind) AS kind, size, sha256, uploaded_at
FROM sourcemap_files FINAL
WHERE site = {site:String} AND release = {release:String}
ORDER BY url, kind
LIMIT {limit:UInt32}
