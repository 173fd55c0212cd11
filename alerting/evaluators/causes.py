"""Why a regression happened: the page groups, releases, server-timing names and cache
sources that moved most, from one query per source table for all regressed rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from alerting.evaluators.common import Queries, ms
from alerting.evaluators.vitals import parameters
from vitalscope.config.alerting import RuleConfig

TOP = 3


def _impact_rows(rows: list[tuple[Any, ...]], regressed: set[int]
                 ) -> dict[int, list[dict[str, Any]]]:
    # (idx, dim, value) -> {side: (n, p75)}
    cells: dict[tuple[int, str, str], dict[int, tuple[int, float]]] = {}
    totals: dict[tuple[int, str], dict[int, int]] = {}
    for idx, side, dim, value, n, p75 in rows:
        if idx not in regressed:
            continue
        cells.setdefault((idx, dim, value), {})[side] = (int(n), float(p75))
        per = totals.setdefault((idx, dim), {})
        per[side] = per.get(side, 0) + int(n)
    by_rule: dict[int, list[dict[str, Any]]] = {}
    for (idx, dim, value), sides in cells.items():
        if 1 not in sides:
            continue
        n_cur, p_cur = sides[1]
        n_base, p_base = sides.get(2, (0, 0.0))
        share = n_cur / max(totals[(idx, dim)].get(1, 1), 1)
        # A new release has no baseline of its own: it is compared with the whole baseline.
        if n_base == 0:
            base_cells = [s[2] for (i, d, _), s in cells.items() if i == idx and d == dim
                          and 2 in s]
            weight = sum(n for n, _ in base_cells)
            p_base = sum(n * p for n, p in base_cells) / weight if weight else 0.0
        change = (p_cur - p_base) / p_base if p_base > 0 else 0.0
        by_rule.setdefault(idx, []).append({
            "dimension": dim, "value": value, "baseline_p75": p_base, "current_p75": p_cur,
            "change": change, "share": share, "impact": change * share,
        })
    return by_rule


def causes_of(queries: Queries, rules: Sequence[RuleConfig],
              releases: dict[str, tuple[str, str]], regressed: list[int], now: float
              ) -> dict[int, list[dict[str, Any]]]:
    """Causes per regressed rule (numbered as in `rules`). Only the regressed rules are
    scanned again: usually few, so this costs a fraction of the windows query."""
    subset = [rules[i - 1] for i in regressed]
    params = parameters(subset, now, releases, sample=1)
    by_position = _impact_rows(queries.rows("vitals_causes", params),
                               set(range(1, len(subset) + 1)))
    found = {regressed[pos - 1]: causes for pos, causes in by_position.items()}
    sites = sorted({str(rules[i - 1].site) for i in regressed})
    window = max(rules[i - 1].window for i in regressed)
    days = max(rules[i - 1].baseline_days for i in regressed)
    server = queries.rows("server_timing_causes", {
        "sites": sites, "now_ms": ms(now), "from_ms": ms(now - days * 86400 - window),
        "window_ms": ms(window)})
    timing: dict[tuple[str, str, str], dict[int, tuple[int, float, int, int]]] = {}
    for site, name, source, side, n, p75, hits, total in server:
        timing.setdefault((site, name, source), {})[side] = (
            int(n), float(p75), int(hits), int(total))
    per_site: dict[str, list[dict[str, Any]]] = {}
    for (site, name, source), sides in timing.items():
        if 1 not in sides or 2 not in sides:
            continue
        cur, base = sides[1], sides[2]
        if base[1] > 0:
            per_site.setdefault(site, []).append({
                "dimension": "server_timing", "value": name, "source": source,
                "baseline_p75": base[1], "current_p75": cur[1],
                "change": (cur[1] - base[1]) / base[1], "impact": (cur[1] - base[1]) / base[1],
            })
        if cur[3] > 0 and base[3] > 0:
            before, after = base[2] / base[3], cur[2] / cur[3]
            per_site.setdefault(site, []).append({
                "dimension": "cache", "value": name, "source": source,
                "baseline_hit_ratio": before, "current_hit_ratio": after,
                "change": after - before, "impact": before - after,
            })
    result: dict[int, list[dict[str, Any]]] = {}
    for idx in regressed:
        rule_causes = found.get(idx, [])
        ranked: list[dict[str, Any]] = []
        for dim in ("page_group", "release"):
            ranked += sorted((c for c in rule_causes if c["dimension"] == dim),
                             key=lambda c: -c["impact"])[:TOP]
        site_causes = per_site.get(str(rules[idx - 1].site), [])
        for dim in ("server_timing", "cache"):
            ranked += sorted((c for c in site_causes if c["dimension"] == dim and
                              c["impact"] > 0), key=lambda c: -c["impact"])[:TOP]
        result[idx] = [c for c in ranked if c["impact"] > 0]
    return result
