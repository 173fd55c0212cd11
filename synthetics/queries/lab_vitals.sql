-- Lab vitals of one check per page group: p75 of each metric since a time.
SELECT page_group, metric, count() AS samples, quantile(0.75)(value) AS p75
FROM synthetic_vitals
WHERE `check` = {check:String} AND ts >= {since:DateTime64(3)}
GROUP BY page_group, metric
ORDER BY page_group, metric
