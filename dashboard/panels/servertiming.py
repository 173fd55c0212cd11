"""Server timing & cache: p75 per server-timing name over time, TTFB composition, cache hit
rate per cache name and source (RUM Server-Timing descriptors and backend reports), and how
hit rate moves with TTFB and LCP."""

from __future__ import annotations

from typing import TypedDict

from dashboard.filters import Filters, WindowJson
from dashboard.panels.common import TOP_N, named, pearson
from dashboard.querylayer import QueryLayer


class TimingPoint(TypedDict):
    t: str
    p75: float | None
    samples: int
    cache_hits: int
    cache_total: int
    hit_rate: float | None


class TimingSeries(TypedDict):
    source: str  # rum or backend, `(other)` past the top N
    name: str
    points: list[TimingPoint]


class TimingName(TypedDict):
    source: str
    name: str
    samples: int
    mean: float | None
    p50: float | None
    p75: float | None
    p95: float | None
    cache_hits: int
    cache_total: int
    hit_rate: float | None


class CachePoint(TypedDict):
    t: str
    hit_rate: float | None
    cache_total: int


class Cache(TimingName):
    correlation: dict[str, float | None]  # TTFB, LCP -> Pearson r with the hit rate
    points: list[CachePoint]


class TtfbComposition(TypedDict):
    samples: int
    mean_ms: dict[str, float]  # sub-part -> mean ms


class ServerTiming(TypedDict):
    window: WindowJson
    filters: dict[str, str]
    top_n: int
    names: list[TimingName]
    series: list[TimingSeries]
    caches: list[Cache]
    ttfb_composition: TtfbComposition


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def server_timing(layer: QueryLayer, f: Filters) -> ServerTiming:
    window = f.window()
    table = window.table("server_timings_tier")
    params = {"table": table, **window.params(), "limit": TOP_N}
    summary = [named(r) for r in layer.run("server_timings_summary", f.site, params)]
    rows = [named(r) for r in layer.run("server_timings_series", f.site, params)]
    vitals = layer.run("overview_series", f.site, {"table": window.table("vitals_dims"),
                                                   **window.params(), "dim": "all", "val": ""})
    vitals_summary = layer.run("overview_summary", f.site, {
        "table": window.table("vitals_dims"), **window.params(), "dim": "all", "val": ""})
    p75_at = {(r["metric"], r["bucket"]): r["p75"] for r in vitals}
    series: dict[tuple[str, str], list[TimingPoint]] = {}
    for row in rows:
        series.setdefault((row["source"], row["name"]), []).append({
            "t": row["bucket"], "p75": row["p75"], "samples": row["samples"],
            "cache_hits": row["cache_hits"], "cache_total": row["cache_total"],
            "hit_rate": _rate(row["cache_hits"], row["cache_total"])})
    names: list[TimingName] = []
    caches: list[Cache] = []
    for row in summary:
        q = row["q"] if row["samples"] else [None] * 4
        entry: TimingName = {
            "source": row["source"], "name": row["name"], "samples": row["samples"],
            "mean": row["duration_sum"] / row["samples"] if row["samples"] else None,
            "p50": q[0], "p75": q[1], "p95": q[3], "cache_hits": row["cache_hits"],
            "cache_total": row["cache_total"],
            "hit_rate": _rate(row["cache_hits"], row["cache_total"])}
        names.append(entry)
        if row["cache_total"]:
            points = [p for p in series.get((row["source"], row["name"]), [])
                      if p["hit_rate"] is not None]
            correlation: dict[str, float | None] = {}
            for metric in ("TTFB", "LCP"):
                pairs = [(p["hit_rate"], p75_at[(metric, p["t"])]) for p in points
                         if p["hit_rate"] is not None
                         and p75_at.get((metric, p["t"])) is not None]
                correlation[metric] = pearson([a for a, _ in pairs], [b for _, b in pairs])
            caches.append({**entry, "correlation": correlation,
                           "points": [{"t": p["t"], "hit_rate": p["hit_rate"],
                                       "cache_total": p["cache_total"]} for p in points]})
    ttfb = next((r for r in vitals_summary if r["metric"] == "TTFB"), None)
    composition = {k: v / ttfb["samples"] for k, v in sorted((ttfb["parts"] or {}).items())} \
        if ttfb and ttfb["samples"] else {}
    return {
        "window": window.as_dict(), "filters": f.query_string(), "top_n": TOP_N,
        "names": names,
        "series": [{"source": s, "name": n, "points": pts} for (s, n), pts in series.items()],
        "caches": caches,
        "ttfb_composition": {"samples": ttfb["samples"] if ttfb else 0,
                             "mean_ms": composition},
    }
