"""The one scan of `vitals` behind threshold and regression rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from alerting.evaluators.common import QUANTILE_LEVELS, Queries, batch, ms
from vitalscope.config.alerting import NAV_TYPES, SEGMENT_KEYS, RuleConfig

DAY_S = 86400.0


@dataclass
class Side:
    n: int = 0
    quantiles: list[float] = field(default_factory=list)
    sample: list[float] = field(default_factory=list)

    def quantile(self, level: float) -> float:
        return self.quantiles[QUANTILE_LEVELS.index(level)] if self.quantiles else 0.0


@dataclass
class Windows:
    current: Side
    baseline: Side
    current_release: str = ""
    baseline_release: str = ""


def split_by_nav_type(rules: Sequence[RuleConfig]) -> list[RuleConfig]:
    """Rules `by: nav_type` as one rule per navigation type: its segment fixes the type, so
    the type is a label of the alert (its own fingerprint) and the one scan filters by it."""
    out: list[RuleConfig] = []
    for rule in rules:
        if rule.by != "nav_type":
            out.append(rule)
            continue
        out += [rule.model_copy(update={"segment": {**rule.segment, "nav_type": nav}})
                for nav in NAV_TYPES]
    return out


def scope(rule: RuleConfig) -> str:
    """What an alert's message adds for a rule split by navigation type."""
    return f" ({rule.segment['nav_type']} navigations)" if rule.by == "nav_type" else ""


def latest_releases(queries: Queries, sites: list[str], now: float, days: int
                    ) -> dict[str, tuple[str, str]]:
    """site -> (current release, previous release)."""
    if not sites:
        return {}
    rows = queries.rows("vitals_releases", {
        "sites": sites, "from_ms": ms(now - days * DAY_S), "now_ms": ms(now)})
    found: dict[str, list[str]] = {}
    for site, release, _first_seen in rows:
        found.setdefault(site, []).append(release)
    return {site: (rels[0], rels[1] if len(rels) > 1 else "") for site, rels in found.items()}


def parameters(rules: Sequence[RuleConfig], now: float, releases: dict[str, tuple[str, str]],
               sample: int) -> dict[str, object]:
    release_mode = [r.kind == "regression" and r.baseline == "previous_release" for r in rules]
    longest_days = max((r.baseline_days for r in rules if r.kind == "regression"), default=0)
    max_window = max(r.window for r in rules)
    return {
        **batch(rules, lambda r: f"{r.site}|{r.metric}"),
        "sites": sorted({str(r.site) for r in rules}),
        "metrics": sorted({str(r.metric) for r in rules}),
        "now_ms": ms(now),
        "from_ms": ms(now - longest_days * DAY_S - max_window),
        "max_window_ms": ms(max_window),
        "window_ms": [ms(r.window) for r in rules],
        # threshold rules have no baseline: days 0 leaves side 2 empty.
        "days": [r.baseline_days if r.kind == "regression" else 0 for r in rules],
        "mode": [1 if m else 0 for m in release_mode],
        "cur_rel": [releases.get(str(r.site), ("", ""))[0] if m else ""
                    for r, m in zip(rules, release_mode, strict=True)],
        "base_rel": [releases.get(str(r.site), ("", ""))[1] if m else ""
                     for r, m in zip(rules, release_mode, strict=True)],
        "release_sites": sorted({str(r.site) for r, m in zip(rules, release_mode, strict=True)
                                 if m}),
        "segments": [[r.segment.get(k, "") for k in SEGMENT_KEYS] for r in rules],
        "segmented": [1 if r.segment else 0 for r in rules],
        "sample": sample,
    }


def vitals_windows(queries: Queries, rules: Sequence[RuleConfig], now: float, sample: int
                   ) -> tuple[list[Windows], dict[str, tuple[str, str]]]:
    """Per rule (in order): its current window and baseline. Also returns the releases the
    `previous_release` rules compared, which the causes query reuses."""
    release_sites = sorted({str(r.site) for r in rules if r.baseline == "previous_release"
                            and r.kind == "regression"})
    longest = max((r.baseline_days for r in rules), default=7)
    releases = latest_releases(queries, release_sites, now, longest)
    params = parameters(rules, now, releases, sample)
    result = [Windows(Side(), Side(), *releases.get(str(r.site), ("", "")))
              if r.baseline == "previous_release" else Windows(Side(), Side()) for r in rules]
    for idx, side, n, q, values in queries.rows("vitals_windows", params):
        target = result[idx - 1].current if side == 1 else result[idx - 1].baseline
        target.n, target.quantiles, target.sample = int(n), list(q), list(values)
    return result, releases
