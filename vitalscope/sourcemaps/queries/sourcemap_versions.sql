-- Which files exist for the candidate URLs of one script of a release, and their digests
-- (a parsed map in the cache is used while its digest is still the stored one).
SELECT url, toString(kind) AS kind, sha256
FROM sourcemap_files FINAL
WHERE site = {site:String} AND release = {release:String} AND url IN {urls:Array(String)}
