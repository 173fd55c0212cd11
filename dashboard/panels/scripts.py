"""Scripts behind slow interactions: per script named by INP's LoAF attribution (URL, host,
first or third party), its share of the poor INP samples of a site or one page group and the
p75 of its duration, from the vitals_scripts_1h (0061) and vitals_scripts_1d (0087) rollups."""

from __future__ import annotations

from typing import TypedDict

from dashboard.filters import Filters, WindowJson
from dashboard.panels.common import TOP_N
from dashboard.panels.pages import attribution_window
from dashboard.querylayer import QueryLayer


class SlowScript(TypedDict):
    url: str  # `(other)`: the scripts past the top N, merged
    host: str
    party: str  # first, third, or empty: unknown
    samples: int  # INP samples naming this script
    poor: int  # of them, poor INP samples
    poor_share: float | None  # poor / every poor INP sample of the site or page group
    p75_duration: float | None  # ms, of the script's own duration


class SlowScripts(TypedDict):
    window: WindowJson  # the range as the rollup is read (pages.attribution_window)
    filters: dict[str, str]
    page_group: str | None  # None: the whole site
    inp_samples: int  # every INP sample, with or without a script
    poor_inp: int
    rows: list[SlowScript]


def slow_scripts(layer: QueryLayer, f: Filters, page_group: str | None = None) -> SlowScripts:
    window = attribution_window(f.window())
    params = {"table": window.table("vitals_scripts"), **window.params(),
              "page_group": page_group or ""}
    totals = layer.run("scripts_inp_totals", f.site, params)
    samples = int(totals[0]["samples"] or 0) if totals else 0
    poor = int(totals[0]["poor"] or 0) if totals else 0
    rows = layer.run("scripts_slow_interactions", f.site, {**params, "limit": TOP_N})
    return {
        "window": window.as_dict(), "filters": f.query_string(), "page_group": page_group,
        "inp_samples": samples, "poor_inp": poor,
        "rows": [{"url": r["url"], "host": r["host"], "party": r["party_shown"],
                  "samples": int(r["samples"]), "poor": int(r["poor"]),
                  "poor_share": int(r["poor"]) / poor if poor else None,
                  "p75_duration": r["p75_duration"] if r["samples"] else None}
                 for r in rows],
    }
