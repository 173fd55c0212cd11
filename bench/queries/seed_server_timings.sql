-- Synthetic server timings (RUM and backend), 80 % hits on the cache names.
INSERT INTO server_timings (site, source, ts, received_at, event_id, page_view_id, request_id,
                            page_group, url, name, duration, description, cache_status,
                            status_code, device, browser, country, release)
SELECT site, source, ts, ts, toString(number), toString(intDiv(number, 5)), '', page_group,
       concat('https://', site, '.example', page_group), name,
       round(exp(3 + 0.8 * randNormal(0, 1)), 1), '',
       if(name IN ('cdn-cache', 'redis'), if(cityHash64(number, 8) % 100 < 80, 'hit', 'miss'), ''),
       200, 'mobile', 'Chrome', 'US', ''
FROM
(
    SELECT number,
           {sites:Array(String)}[number % 3 + 1] AS site,
           ['rum', 'backend'][cityHash64(number, 2) % 2 + 1] AS source,
           ['db', 'app', 'render', 'cdn-cache', 'redis'][intDiv(number, 3) % 5 + 1] AS name,
           toDateTime64({end:DateTime('UTC')} - (cityHash64(number) % ({days:UInt32} * 86400)), 3, 'UTC') AS ts,
           cityHash64(number, 9) / pow(2, 64) AS page_u,
           -- include: _seed_page_group
    FROM numbers({start:UInt64}, {count:UInt64})
)
