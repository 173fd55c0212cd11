-- How many files a release of a site holds (the cap of uploads), the one being written aside.
SELECT count() AS files
FROM sourcemap_files FINAL
WHERE site = {site:String} AND release = {release:String}
  AND NOT (url = {url:String} AND kind = {kind:String})
