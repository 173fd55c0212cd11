"""Rows for ClickHouse built from an enriched beacon (column order: collector/tables.py).

A vital row repeats its page view's context in its last 25 columns (page group, URL, device,
release, tags...; without an attribution, the attribution columns are empty too). That run is
JSON-encoded once per beacon into a `msgspec.Raw` fragment holding the comma-separated values,
which payload.encode_entry copies into each line: the line is byte for byte the one the full
row gives (tests/collector/test_beacon_rows.py), and neither the row nor its encoding repeat
the work per event. Columns before the run (event id, page view: payload.py reads them by
index) are plain values in every row."""

from __future__ import annotations

from typing import Any

import msgspec

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
# target, URL, event and parts of a vital without attribution
_NO_ATTRIBUTION: tuple[str, str, str, dict[str, float]] = ("", "", "", {})
_JSON = msgspec.json.Encoder()


def _fragment(values: tuple[Any, ...]) -> msgspec.Raw:
    """Values as a run of a JSON array's items: `"a","b",1.0` (see the module's docstring)."""
    return msgspec.Raw(_JSON.encode(values)[1:-1])


def error_fingerprint(error_type: str, message: str, source: str) -> int:
    """The fingerprint of an error without a stack (vitalscope/jserrors/grouping.py)."""
    return group(error_type, message, "", source).fingerprint


def beacon_rows(ctx: BeaconContext, scrub: UrlNormaliser) -> Rows:
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
    # The page-view context every vital row repeats, built once per beacon (and encoded once:
    # `tail`, for vitals without attribution).
    context = (ctx.page_group, ctx.url, nav, ctx.device, ctx.browser, ctx.browser_version,
               ctx.os, ctx.country, connection, release)
    tail = None
    last_ts, ts = None, ""  # events of a beacon often share a timestamp: formatted once
    for event in b.e:
        if event.ts != last_ts:
            last_ts = event.ts
            at = round(last_ts + offset)  # never after its arrival (min() costs a call)
            ts = ch_time(at if at < received else received)
        if type(event) is Vital:
            attr = event.a
            value = event.val
            if attr is None:
                if tail is None:
                    tail = _fragment((*context, *_NO_ATTRIBUTION, tags, *NO_SCRIPT_OR_LCP))
                vitals.append([site, event.n, ts, received_at, event.id, b.pv, b.sid, value,
                               value if event.d is None else event.d,
                               event.r or rating(event.n, value), tail])
                continue
            row = [site, event.n, ts, received_at, event.id, b.pv, b.sid, value,
                   value if event.d is None else event.d, event.r or rating(event.n, value),
                   *context, attr.tgt or "", scrub.scrub(attr.url)[0] if attr.url else "",
                   attr.ev or "", attr.p or {}, tags]
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
    # Conditionals rather than min(): a builtin's call costs more than the comparison.
    started = round(b.st + offset)  # ctx.client_ms(b.st) without a method call
    # Viewports fit UInt16 in practice; the wire format allows more, so clamp, not wrap.
    width, height = int(b.vw or 0), int(b.vh or 0)
    page_view = [
        site, ch_time(started if started < received else received), received_at, b.pv, b.sid,
        ctx.url, ctx.page_group, ctx.referrer_host, nav, ctx.device, ctx.browser,
        ctx.browser_version, ctx.os, ctx.country, connection, b.mem or 0.0, int(b.cpu or 0),
        width if width < UINT16 else UINT16, height if height < UINT16 else UINT16,
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
