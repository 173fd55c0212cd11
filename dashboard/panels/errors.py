"""Errors: a site's JS error groups ranked and paged in ClickHouse (errors_groups.sql), with
their share of page views, trend, top pages, browsers and releases and whether they are new
in the newest release; one group's detail with sample stacks, symbolicated with the
release's source maps where it has them (docs/errors.md); page views and the error rate
over time (the Overview) and a page group's top errors (the Pages drill-down)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypedDict

from dashboard.filters import FilterError, Filters, Window, WindowJson
from dashboard.querylayer import QueryLayer, Row
from vitalscope.jserrors.releases import new_in_release
from vitalscope.sourcemaps.store import SourcemapStore
from vitalscope.sourcemaps.symbolicate import Symbolicator

SORT_KEYS = ("occurrences", "page_views", "first_seen", "last_seen")
MAX_PAGE_SIZE = 200
TREND_SLOTS = 24
TOP_VALUES = 3  # per dimension in the list; the detail shows more
DETAIL_VALUES = 20
SAMPLES = 10
TOP_PAGE_ERRORS = 5  # in the Pages drill-down
FINGERPRINT = r"^[0-9]{1,20}$"


def check_fingerprint(text: str) -> int:
    if not text.isdigit() or len(text) > 20 or int(text) >= 2**64:
        raise FilterError("fingerprint", "a group's fingerprint: an unsigned 64-bit number")
    return int(text)


def _slot_s(window: Window, slots: int) -> int:
    span = (window.end - window.start) // timedelta(seconds=1)
    step = int(window.tier.step.total_seconds())
    # Whole buckets per slot, so no bucket is split between two slots.
    return max(step, -(-span // slots // step) * step)


def _page_views(layer: QueryLayer, f: Filters, window: Window) -> int:
    rows = layer.run("errors_page_views", f.site, {
        "reach_table": window.table("page_views_reach"), "table": window.table("page_views_site"),
        **window.params()})
    return int(rows[0]["page_views"]) if rows else 0


def _enrich(layer: QueryLayer, f: Filters, window: Window, groups: list[Row],
            total_views: int, top: int, slots: int) -> list[dict[str, Any]]:
    """Share, all-time first/last seen and first release, new-in-release, trend and top
    values of the groups given (one query each, for all of them)."""
    if not groups:
        return []
    prints = [int(g["group_id"]) for g in groups]
    by_dims = window.table("errors_tier")  # the top values: per page group, browser, release
    history = {r["group_id"]: r for r in layer.run(
        "errors_history", f.site, {"fingerprints": prints})}
    newest = layer.run("errors_newest_release", f.site, {})
    newest_release = newest[0]["release"] if newest else ""
    slot_s = _slot_s(window, slots)
    trend: dict[str, list[int]] = {}
    for r in layer.run("errors_trend", f.site, {"table": window.table("errors_by_group"),
                                               **window.params(),
                                               "fingerprints": prints, "slot_s": slot_s}):
        counts = trend.setdefault(r["group_id"], [0] * slots)
        if 0 <= int(r["slot"]) < slots:
            counts[int(r["slot"])] += int(r["occurrences"])
    values: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in layer.run("errors_top_values", f.site, {"table": by_dims, **window.params(),
                                                    "fingerprints": prints, "limit": top}):
        values.setdefault((r["group_id"], r["dim"]), []).append(
            {"value": r["val"], "occurrences": r["occurrences"], "page_views": r["page_views"]})
    out = []
    for g in groups:
        fp = g["group_id"]
        seen = history.get(fp, {})
        first_release = seen.get("first_release", "")
        out.append({
            "fingerprint": fp, "type": g["error_type"], "message": g["message"],
            "top_frame": g["top_frame"], "occurrences": g["occurrences"],
            "page_views": g["page_views"],
            "page_view_share": g["page_views"] / total_views if total_views else None,
            "first_seen": seen.get("first_seen", g["first_seen"]),
            "last_seen": seen.get("last_seen", g["last_seen"]),
            "first_seen_in_window": g["first_seen"], "last_seen_in_window": g["last_seen"],
            "first_release": first_release,
            "new_in_release": new_in_release(int(fp), first_release, newest_release),
            "trend": {"slot_s": slot_s, "occurrences": trend.get(fp, [0] * slots)},
            "top_pages": values.get((fp, "page_group"), []),
            "browsers": values.get((fp, "browser"), []),
            "releases": values.get((fp, "release"), []),
        })
    return out


def groups(layer: QueryLayer, f: Filters, *, sort: str = "occurrences",
           descending: bool = True, page: int = 0, page_size: int = 25) -> dict[str, Any]:
    if sort not in SORT_KEYS:
        raise FilterError("sort", f"one of {', '.join(SORT_KEYS)}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise FilterError("page_size", f"1 to {MAX_PAGE_SIZE}")
    if not 0 <= page <= 10**6:
        raise FilterError("page", "0 to 1e6")
    window = f.window()
    params: dict[str, Any] = {"table": window.table("errors_by_group"), **window.params(),
                              "sort": sort, "descending": int(descending),
                              "limit": page_size, "offset": page * page_size}
    rows = layer.run("errors_groups", f.site, params)
    if rows or page == 0:
        total = int(rows[0]["total"]) if rows else 0
    else:  # a page past the end: how many there are comes from the first row
        first = layer.run("errors_groups", f.site, {**params, "limit": 1, "offset": 0})
        total = int(first[0]["total"]) if first else 0
    total_views = _page_views(layer, f, window)
    return {"window": window.as_dict(), "filters": f.query_string(), "total": total,
            "page": page, "page_size": page_size, "sort": sort,
            "order": "desc" if descending else "asc", "page_views": total_views,
            "groups": _enrich(layer, f, window, rows, total_views, TOP_VALUES, TREND_SLOTS)}


def group_detail(layer: QueryLayer, f: Filters, fingerprint: int, symbolicator: Symbolicator,
                 store: SourcemapStore) -> dict[str, Any] | None:
    """None when the group has no occurrence in the window."""
    window = f.window()
    found = layer.run("errors_group", f.site, {"table": window.table("errors_by_group"),
                                               **window.params(),
                                               "fingerprint": fingerprint})
    if not found:
        return None
    total_views = _page_views(layer, f, window)
    group = _enrich(layer, f, window, found, total_views, DETAIL_VALUES, TREND_SLOTS)[0]
    samples = layer.run("errors_samples", f.site, {**window.params(),
                                                   "fingerprint": fingerprint,
                                                   "limit": SAMPLES})
    occurrences = []
    for s in samples:
        stack = symbolicator.stack(store, f.site, s["release"], s["stack"])
        occurrences.append({"ts": s["ts"], "event_id": s["event_id"], "message": s["message"],
                            "url": s["url"], "browser": s["browser"],
                            "page_group": s["page_group"], "release": s["release"], **stack})
    return {"window": window.as_dict(), "filters": f.query_string(), "page_views": total_views,
            "group": group, "samples": occurrences}


class RatePoint(TypedDict):
    t: str
    page_views: int
    errored_page_views: int
    occurrences: int
    error_rate: float | None  # errored page views / page views; None without page views


class ErrorRate(TypedDict):
    window: WindowJson
    filters: dict[str, str]
    page_views: int
    errored_page_views: int
    occurrences: int
    points: list[RatePoint]


def error_rate(layer: QueryLayer, f: Filters) -> ErrorRate:
    """Page views and the share of them with a JS error per bucket of the window (the
    Overview). Page views count in the bucket they started in, errors in the one they were
    thrown in: a rate can pass 1 only in a bucket a long page view spills into."""
    window = f.window()
    views = {r["bucket"]: int(r["page_views"]) for r in layer.run(
        "errors_page_views_series", f.site,
        {"table": window.table("page_views_site"), **window.params()})}
    errs: dict[str, Row] = {}
    window_errored = 0
    for r in layer.run("errors_series", f.site,
                       {"table": window.table("errors_site"), **window.params()}):
        if int(r["whole_window"]):
            window_errored = int(r["errored_page_views"])
        else:
            errs[r["bucket"]] = r
    points: list[RatePoint] = []
    for bucket in sorted(views.keys() | errs.keys()):
        seen = views.get(bucket, 0)
        hit = int(errs[bucket]["errored_page_views"]) if bucket in errs else 0
        points.append({"t": bucket, "page_views": seen, "errored_page_views": hit,
                       "occurrences": int(errs[bucket]["occurrences"]) if bucket in errs else 0,
                       "error_rate": hit / seen if seen else None})
    # A page view is bucketed by its start, so it lies in one bucket and the window's page
    # views are the buckets' sum: no second merge of the uniq states over the window (the
    # Overview's costliest read at 10 M samples), and nearer exact, each bucket's estimate
    # being so. (Each beacon carries the start on its own clock correction: a page view whose
    # beacons disagree across a bucket boundary counts in both, as in its points.) Errors are
    # bucketed by when they were thrown, so a page view can have errors in several buckets:
    # the window's errored page views come from the whole-window row.
    return {"window": window.as_dict(), "filters": f.query_string(),
            "page_views": sum(views.values()), "errored_page_views": window_errored,
            "occurrences": sum(p["occurrences"] for p in points), "points": points}


class PageError(TypedDict):
    fingerprint: str
    type: str
    message: str
    top_frame: str
    occurrences: int
    page_views: int


def page_top_errors(layer: QueryLayer, f: Filters, page_group: str,
                    limit: int = TOP_PAGE_ERRORS) -> list[PageError]:
    """The error groups of one page group, by occurrences (the Pages drill-down)."""
    window = f.window()
    rows = layer.run("errors_page_top", f.site, {
        "table": window.table("errors_tier"), **window.params(), "page_group": page_group,
        "limit": limit})
    return [{"fingerprint": r["group_id"], "type": r["error_type"], "message": r["message"],
             "top_frame": r["top_frame"], "occurrences": int(r["occurrences"]),
             "page_views": int(r["page_views"])} for r in rows]
