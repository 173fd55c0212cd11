"""The rows of a beacon as collector/rows.py built them before they were built pre-encoded:
the reference the fast path is checked against byte for byte (test_beacon_rows.py)."""

from __future__ import annotations

from typing import Any

from collector.context import BeaconContext
from collector.enrich.urls import UrlNormaliser
from collector.payload import ch_time
from collector.wire import JsError, RouteChange, ServerTimingEntry, Vital
from vitalscope.jserrors.grouping import group
from vitalscope.vitals import rating

Rows = dict[str, list[list[Any]]]
UINT16 = 65_535
# script url, host, function, invoker, invoker type, duration, party; LCP delivery type and
# render-blocking status
NO_SCRIPT_OR_LCP = ("", "", "", "", "", 0.0, "", "", "")


def reference_rows(ctx: BeaconContext, scrub: UrlNormaliser) -> Rows:
    b = ctx.beacon
    site = ctx.site.name
    received = ctx.received_ms
    received_at = ch_time(received)
    tags = b.tags or {}
    release = b.rel or ""
    nav = b.nav or ""
    connection = b.ect or ""
    vitals: list[list[Any]] = []
    timings: list[list[Any]] = []
    errors: list[list[Any]] = []
    route_ms = 0.0
    offset = ctx.offset_ms
    # The page-view context every vital row repeats, built once per beacon.
    context = (ctx.page_group, ctx.url, nav, ctx.device, ctx.browser, ctx.browser_version,
               ctx.os, ctx.country, connection, release)
    times: dict[float, str] = {}  # events of a beacon often share a timestamp
    for event in b.e:
        ts = times.get(event.ts)
        if ts is None:
            ts = times[event.ts] = ch_time(min(round(event.ts + offset), received))
        if type(event) is Vital:
            attr = event.a
            value = event.val
            row = [site, event.n, ts, received_at, event.id, b.pv, b.sid, value,
                   value if event.d is None else event.d, event.r or rating(event.n, value),
                   *context]
            if attr is None:
                row += ("", "", "", {}, tags, *NO_SCRIPT_OR_LCP)
            else:
                row += (attr.tgt or "", scrub.scrub(attr.url)[0] if attr.url else "",
                        attr.ev or "", attr.p or {}, tags)
                script = attr.scr
                if script is None:
                    row += NO_SCRIPT_OR_LCP[:7]
                else:
                    found = ctx.scripts.get(event.id)
                    row += (found.url if found else "", found.host if found else "",
                            script.fn or "", script.inv or "", script.it or "",
                            script.dur or 0.0, found.party if found else "")
                row += (attr.dt or "", attr.rb or "")
            vitals.append(row)
        elif type(event) is ServerTimingEntry:
            url = scrub.scrub(event.res)[0] if event.res else ctx.url
            timings.append([
                site, "rum", ts, received_at, event.id, b.pv, "", ctx.page_group, url, event.n,
                event.dur, event.desc or "", ctx.cache_status.get(event.id, ""), 0,
                ctx.device, ctx.browser, ctx.country, release,
            ])
        elif type(event) is JsError:
            error_type = event.type or "Error"
            source = event.src or ""
            grouped = ctx.error_groups.get(event.id) or group(
                error_type, event.msg, event.stack or "", source)
            errors.append([
                site, ts, received_at, event.id, b.pv, b.sid, grouped.fingerprint, error_type,
                event.msg, source, event.stack or "", int(event.cnt), ctx.page_group, ctx.url,
                ctx.device, ctx.browser, ctx.os, release, grouped.message, grouped.top_frame,
            ])
        elif type(event) is RouteChange and event.dur is not None:
            route_ms = event.dur
    page_view = [
        site, ch_time(min(ctx.client_ms(b.st), received)), received_at, b.pv, b.sid, ctx.url,
        ctx.page_group, ctx.referrer_host, nav, ctx.device, ctx.browser, ctx.browser_version,
        # Viewports fit UInt16 in practice; the wire format allows more, so clamp, not wrap.
        ctx.os, ctx.country, connection, b.mem or 0.0, int(b.cpu or 0), int(min(b.vw or 0, UINT16)),
        int(min(b.vh or 0, UINT16)),
        release, route_ms, tags,
    ]
    rows: Rows = {"page_views": [page_view]}
    if vitals:
        rows["vitals"] = vitals
    if timings:
        rows["server_timings"] = timings
    if errors:
        rows["js_errors"] = errors
    return rows
