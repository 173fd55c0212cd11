-- Synthetic JS errors: a few hundred groups per site with a long tail (a few groups make
-- most occurrences), each occurrence in one of the seeded page views (same site, time and
-- page group as that page view), with a Chromium stack of a minified bundle.
INSERT INTO js_errors (site, ts, received_at, event_id, page_view_id, session_id, fingerprint,
                       error_type, message, message_norm, top_frame, source, stack,
                       occurrences, page_group, url, device, browser, os, release)
SELECT site, ts, ts, concat('e', toString(number)), toString(pv), toString(intDiv(pv, 12)),
       fingerprint, ['TypeError', 'ReferenceError', 'RangeError', 'Error'][fingerprint % 4 + 1],
       concat('Cannot read properties of undefined (reading ''f', toString(fingerprint), ''')'),
       concat('Cannot read properties of undefined (reading <str>) #', toString(fingerprint)),
       concat('handler', toString(fingerprint % 50), ' (/static/main.js)'),
       concat('https://', site, '.example/static/main.3f9a2c1b.js'),
       concat('TypeError: Cannot read properties of undefined\n    at handler',
              toString(fingerprint % 50), ' (https://', site, '.example/static/main.3f9a2c1b.js:1:',
              toString(1000 + fingerprint * 7), ')\n    at HTMLButtonElement.<anonymous> (https://',
              site, '.example/static/main.3f9a2c1b.js:1:', toString(200 + fingerprint), ')'),
       1, page_group, concat('https://', site, '.example', page_group),
       ['mobile', 'desktop', 'tablet'][cityHash64(pv, 1) % 3 + 1],
       ['Chrome', 'Safari', 'Firefox', 'Edge', 'Samsung Internet', 'Opera'][cityHash64(pv, 2) % 6 + 1],
       ['Android', 'iOS', 'Windows', 'macOS', 'Linux'][cityHash64(pv, 3) % 5 + 1],
       concat('r', toString(toISOWeek(ts)))
FROM
(
    SELECT number,
           -- a page view of the same site (page view n belongs to site n % 3)
           intDiv(cityHash64(number, 11) % {page_views:UInt64}, 3) * 3 + number % 3 AS pv,
           {sites:Array(String)}[pv % 3 + 1] AS site,
           toDateTime64({end:DateTime('UTC')} - (cityHash64(pv) % ({days:UInt32} * 86400)), 3, 'UTC') AS ts,
           toUInt64(pow(cityHash64(number, 12) % 10000 / 10000, 3) * {fingerprints:UInt32}) + 1 AS fingerprint,
           cityHash64(pv, 9) / pow(2, 64) AS page_u,
           -- include: _seed_page_group
    FROM numbers({start:UInt64}, {count:UInt64})
    WHERE pv < {page_views:UInt64}
)
