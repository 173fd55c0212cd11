-- Vital samples spread evenly over many page groups (a site that sent every URL as its own
-- page group): numbers() as the row index, every group gets samples of every metric.
INSERT INTO vitals (site, metric, ts, received_at, event_id, page_view_id, session_id, value,
                    delta, rating, page_group, url, nav_type, device, browser, os, country,
                    connection, release, attr_target, attr_parts)
SELECT {site:String}, metric, ts, ts, toString(number), toString(intDiv(number, 5)),
       toString(intDiv(number, 60)), value, value,
       if(value <= 2500, 'good', if(value <= 4000, 'needs-improvement', 'poor')),
       page_group, concat('https://wide.example', page_group), 'navigate', 'desktop',
       'Chrome', 'Linux', 'US', '4g', 'r1', '', map()
FROM
(
    SELECT number,
           ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'][number % 5 + 1] AS metric,
           toDateTime64({end:DateTime('UTC')} - (cityHash64(number) % {span_s:UInt32}), 3, 'UTC') AS ts,
           concat('/g/', toString(intDiv(number, 5) % {groups:UInt32})) AS page_group,
           if(metric = 'CLS', (cityHash64(number, 1) % 300) / 1000,
              toFloat64(500 + cityHash64(number, 1) % 5000)) AS value
    FROM numbers({count:UInt64})
)
