-- The files (map, minified script) stored for one script URL of one release of a site.
SELECT url, toString(kind) AS kind, body
FROM sourcemap_files FINAL
WHERE site = {site:String} AND release = {release:String} AND url IN {urls:Array(String)}
ORDER BY url, kind
