-- Synthetic vital samples: numbers() as the row index; traffic over page groups drawn with
-- the popularity of _seed_page_group (uniform or Zipf-like), lognormal values around realistic
-- medians.
INSERT INTO vitals (site, metric, ts, received_at, event_id, page_view_id, session_id, value,
                    delta, rating, page_group, url, nav_type, device, browser, os, country,
                    connection, release, attr_target, attr_parts)
SELECT site, metric, ts, ts, toString(number), toString(intDiv(number, 5)),
       toString(intDiv(number, 60)), value, value,
       multiIf(value <= good, 'good', value <= poor, 'needs-improvement', 'poor'),
       page_group, concat('https://', site, '.example', page_group),
       ['navigate', 'reload', 'back-forward', 'back-forward-cache'][number % 4 + 1],
       ['mobile', 'desktop', 'tablet'][cityHash64(number, 1) % 3 + 1],
       ['Chrome', 'Safari', 'Firefox', 'Edge', 'Samsung Internet', 'Opera'][cityHash64(number, 2) % 6 + 1],
       ['Android', 'iOS', 'Windows', 'macOS', 'Linux'][cityHash64(number, 3) % 5 + 1],
       ['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'CA', 'ES', 'IT', 'NL', 'SE', 'PL', 'AU',
        'MX', 'KR', 'CN', 'RU', 'ZA', 'TR'][cityHash64(number, 4) % 20 + 1],
       ['4g', '3g', 'wifi', 'slow-2g'][cityHash64(number, 5) % 4 + 1],
       concat('r', toString(toISOWeek(ts))),
       if(metric IN ('LCP', 'INP', 'CLS'),
          ['img.hero', 'h1.title', 'div.banner', 'button.buy', 'p.lead'][cityHash64(number, 6) % 5 + 1], ''),
       if(metric = 'TTFB', map('waitingDuration', value * 0.1, 'dnsDuration', value * 0.15,
                               'connectionDuration', value * 0.15, 'requestDuration', value * 0.6),
          map())
FROM
(
    SELECT number,
           {sites:Array(String)}[number % 3 + 1] AS site,
           ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'][intDiv(number, 3) % 5 + 1] AS metric,
           toDateTime64({end:DateTime('UTC')} - (cityHash64(number) % ({days:UInt32} * 86400)), 3, 'UTC') AS ts,
           exp(multiIf(metric = 'LCP', 7.7, metric = 'INP', 5.0, metric = 'CLS', -2.8,
                       metric = 'FCP', 7.3, 6.4) + 0.5 * randNormal(0, 1)) AS raw_value,
           if(metric = 'CLS', round(raw_value, 4), round(raw_value)) AS value,
           multiIf(metric = 'LCP', 2500, metric = 'INP', 200, metric = 'CLS', 0.1,
                   metric = 'FCP', 1800, 800) AS good,
           multiIf(metric = 'LCP', 4000, metric = 'INP', 500, metric = 'CLS', 0.25,
                   metric = 'FCP', 3000, 1800) AS poor,
           cityHash64(number, 9) / pow(2, 64) AS page_u,
           -- include: _seed_page_group
    FROM numbers({start:UInt64}, {count:UInt64})
)
