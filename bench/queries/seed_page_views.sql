-- Synthetic page views (the denominator of the error panels): one row per page view, the
-- page groups drawn like the vital samples.
INSERT INTO page_views (site, started_at, received_at, page_view_id, session_id, url,
                        page_group, device, browser, os, country, release)
SELECT site, ts, ts, toString(number), toString(intDiv(number, 12)),
       concat('https://', site, '.example', page_group), page_group,
       ['mobile', 'desktop', 'tablet'][cityHash64(number, 1) % 3 + 1],
       ['Chrome', 'Safari', 'Firefox', 'Edge', 'Samsung Internet', 'Opera'][cityHash64(number, 2) % 6 + 1],
       ['Android', 'iOS', 'Windows', 'macOS', 'Linux'][cityHash64(number, 3) % 5 + 1],
       ['US', 'DE', 'FR', 'GB', 'JP'][cityHash64(number, 4) % 5 + 1],
       concat('r', toString(toISOWeek(ts)))
FROM
(
    SELECT number,
           {sites:Array(String)}[number % 3 + 1] AS site,
           toDateTime64({end:DateTime('UTC')} - (cityHash64(number) % ({days:UInt32} * 86400)), 3, 'UTC') AS ts,
           cityHash64(number, 9) / pow(2, 64) AS page_u,
           -- include: _seed_page_group
    FROM numbers({start:UInt64}, {count:UInt64})
)
