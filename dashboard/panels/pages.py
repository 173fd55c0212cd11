"""Pages: page groups ranked by impact (samples x poor share, summed over the vitals), with
sorting and paging done in ClickHouse (pages_ranked*.sql), and the drill-down of one page
group."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypedDict

from dashboard.filters import FilterError, Filters, Tier, Window, WindowJson
from dashboard.metrics import METRIC_NAMES
from dashboard.panels.common import TOP_N, MetricSummary, metric_summary, named
from dashboard.querylayer import QueryLayer, Row
from vitalscope.vitals import Rating

SORT_KEYS = ("impact", "samples", "poor_share", "page_group",
             *(f"p75_{m}" for m in METRIC_NAMES))
MAX_PAGE_SIZE = 500

# page_group, samples, poor, poor_share, impact, then per vital p75_<vital>, rating_<vital>
# and samples_<vital>: the columns follow the metric list, so they are not spelled out here.
PageRow = dict[str, str | float | None]


class PageList(TypedDict):
    window: WindowJson
    filters: dict[str, str]
    total: int
    page: int
    page_size: int
    sort: str
    order: str  # asc or desc
    min_samples: int
    rows: list[PageRow]


class WorstElement(TypedDict):
    metric: str
    target: str
    samples: int
    poor: int
    p75: float | None


class PageServerTiming(TypedDict):
    source: str
    name: str
    samples: int
    p75: float | None
    cache_hits: int
    cache_total: int
    hit_rate: float | None


class NavigationVital(TypedDict):
    """One vital of the page group's views of one navigation type (`soft`: route changes
    of a single-page app, each its own page view with its own vitals)."""

    nav_type: str
    metric: str
    unit: str
    p75: float | None
    rating: Rating | None
    samples: int
    poor_share: float | None


class PageDetail(TypedDict):
    window: WindowJson
    filters: dict[str, str]
    page_group: str
    metrics: list[MetricSummary]
    attribution_window: WindowJson
    worst_elements: list[WorstElement]
    server_timings: list[PageServerTiming]
    navigation_types: list[NavigationVital]  # over attribution_window (hourly or daily)


def _ranked(layer: QueryLayer, f: Filters, window: Window, *, min_samples: int, sort: str,
            descending: bool, page: int, page_size: int) -> tuple[list[Row], int]:
    """One page of page groups in order, and how many there are: ranked and cut in
    ClickHouse, so a site with any number of page groups costs one page of rows."""
    params: dict[str, Any] = {
        **window.params(), "min_samples": min_samples, "descending": int(descending),
        "limit": page_size, "offset": page * page_size}
    counts = window.table("vitals_page_counts")  # counts alone, keyed by the window (0089)
    if sort.startswith("p75_"):
        rows = layer.run("pages_ranked_p75", f.site, {
            **params, "table": window.table("vitals_pages"), "metric": sort[4:]})
    else:
        rows = layer.run("pages_ranked", f.site, {**params, "table": counts, "sort": sort})
    if rows:
        return rows, int(rows[0]["total"])
    if page == 0:
        return [], 0
    total = layer.run("pages_total", f.site, {
        "table": counts, **{k: params[k] for k in ("from", "to", "min_samples")}})
    return [], int(total[0]["total"]) if total else 0


def page_quantiles(layer: QueryLayer, site: str, window: Window,
                   groups: list[str]) -> dict[tuple[str, str], Row]:
    """Counts and quantiles per (page group, metric) of `groups` over `window` (the Pages
    list, the drill-down and the synthetics' lab-vs-field)."""
    if not groups:
        return {}
    rows = layer.run("pages_quantiles", site, {"table": window.table("vitals_pages"),
                                               **window.params(), "groups": groups})
    return {(r["page_group"], r["metric"]): r for r in rows}


def pages(layer: QueryLayer, f: Filters, *, min_samples: int = 0, sort: str = "impact",
          descending: bool = True, page: int = 0, page_size: int = 25) -> PageList:
    if sort not in SORT_KEYS:
        raise FilterError("sort", f"one of {', '.join(SORT_KEYS)}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise FilterError("page_size", f"1 to {MAX_PAGE_SIZE}")
    if not 0 <= min_samples <= 10**9:
        raise FilterError("min_samples", "0 to 1e9")
    if not 0 <= page <= 10**6:
        raise FilterError("page", "0 to 1e6")
    window = f.window()
    visible, total = _ranked(layer, f, window, min_samples=min_samples, sort=sort,
                             descending=descending, page=page, page_size=page_size)
    stats = page_quantiles(layer, f.site, window, [g["page_group"] for g in visible])
    rows = []
    for g in visible:
        row: PageRow = {k: g[k] for k in ("page_group", "samples", "poor", "poor_share",
                                                 "impact")}
        for metric in METRIC_NAMES:
            summary = metric_summary(metric, stats.get((g["page_group"], metric)))
            row[f"p75_{metric}"] = summary["p75"]
            row[f"rating_{metric}"] = summary["rating"]
            row[f"samples_{metric}"] = summary["samples"]
        rows.append(row)
    return {"window": window.as_dict(), "filters": f.query_string(), "total": total,
            "page": page, "page_size": page_size, "sort": sort,
            "order": "desc" if descending else "asc", "min_samples": min_samples,
            "rows": rows}


def attribution_window(window: Window) -> Window:
    """The window the attribution rollups (elements, navigation types, scripts: hourly and
    daily, migration 0087) are read over: a window of the daily tier as it is, any other
    widened to whole hours."""
    if window.tier.name == "1d":
        return window
    hour = timedelta(hours=1)
    start = window.start - (window.start - window.start.replace(minute=0, second=0)) % hour
    end = window.end.replace(minute=0, second=0)
    if end < window.end:
        end += hour
    return Window(start, end, Tier("1h", hour))


def page_detail(layer: QueryLayer, f: Filters, page_group: str) -> PageDetail:
    window = f.window()
    stats = page_quantiles(layer, f.site, window, [page_group])
    attribution = attribution_window(window)
    targets = layer.run("page_targets", f.site,
                        {"table": attribution.table("vitals_targets"),
                         **attribution.params(), "page_group": page_group})
    navigation = layer.run("page_navigation_types", f.site,
                           {"table": attribution.table("vitals_navs"),
                            **attribution.params(), "page_group": page_group})
    timings = [named(r) for r in layer.run(
        "page_server_timings", f.site,
        {**window.params(), "page_group": page_group, "limit": TOP_N})]
    return {
        "window": window.as_dict(), "filters": f.query_string(), "page_group": page_group,
        "metrics": [metric_summary(m, stats.get((page_group, m))) for m in METRIC_NAMES],
        "attribution_window": attribution.as_dict(),
        "worst_elements": [{"metric": r["metric"], "target": r["target"],
                            "samples": r["samples"], "poor": r["poor"], "p75": r["p75"]}
                           for r in targets],
        "server_timings": [{"source": r["source"], "name": r["name"], "samples": r["samples"],
                            "p75": r["p75"], "cache_hits": r["cache_hits"],
                            "cache_total": r["cache_total"],
                            "hit_rate": r["cache_hits"] / r["cache_total"]
                            if r["cache_total"] else None} for r in timings],
        "navigation_types": _navigation_vitals(navigation),
    }


def _navigation_vitals(rows: list[Row]) -> list[NavigationVital]:
    out: list[NavigationVital] = []
    for row in rows:
        if row["metric"] not in METRIC_NAMES or not row["samples"]:
            continue
        summary = metric_summary(row["metric"], row)
        out.append({"nav_type": row["nav_type"], "metric": row["metric"],
                    "unit": summary["unit"], "p75": summary["p75"],
                    "rating": summary["rating"], "samples": summary["samples"],
                    "poor_share": summary["poor_share"]})
    return sorted(out, key=lambda v: (v["nav_type"], METRIC_NAMES.index(v["metric"])))
