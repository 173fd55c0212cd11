"""What the Alerts page and /api/v1/alerts show, read through alerting/views.py: firing and
pending alerts, history over the selected range, rules with their current state, silences,
delivery attempts, dead letters and receivers. Alert data is not per-site rollup data, so
none of it goes through the site-generation cache: it is always read fresh."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any, TypedDict

from alerting import views
from dashboard.filters import Filters
from dashboard.service import DashboardService

HISTORY_LIMIT = 500
DELIVERY_LIMIT = 200
DEAD_LIMIT = 100
TOP_CAUSES = 3

# One row as alerting/views.py reads it (an alert, a rule, a silence, a delivery attempt):
# the alerting feature owns those shapes; the dashboard adds the fields it derives.
AlertJson = dict[str, Any]
HistoryWindow = TypedDict("HistoryWindow", {"from": str | None, "to": str | None})


class History(TypedDict):
    window: HistoryWindow
    limit: int
    rows: list[AlertJson]


class Deliveries(TypedDict):
    attempts: list[AlertJson]
    dead_letters: list[AlertJson]
    receivers: list[AlertJson]


def iso(seconds: float) -> str | None:
    if not seconds:
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def finite(value: Any) -> Any:
    """NaN and infinities as None, anywhere in alert details: JSON has no such numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def duration_text(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def active(service: DashboardService) -> list[AlertJson]:
    """Firing then pending alerts; `since` is when it started firing (pending: when its
    condition was first met); regressions carry effect size, p-value and top causes."""
    out = []
    for alert in views.active_alerts(service.runtime.redis):
        details = alert.get("details") or {}
        since = alert["starts_at"] if alert["state"] == "firing" else alert["active_since"]
        out.append({**alert, "since": iso(since),
                    "effect_size": details.get("effect_size"),
                    "p_value": details.get("p_value"),
                    "causes": (details.get("causes") or [])[:TOP_CAUSES]})
    return finite(out)  # type: ignore[no-any-return]


def history(service: DashboardService, f: Filters, limit: int = HISTORY_LIMIT,
            site: str = "", rule: str = "") -> History:
    window = f.window()
    rows: list[AlertJson] = finite(views.alert_history_window(
        service.layer.client(), window.start, window.end, limit, site, rule))
    return {"window": {"from": iso(window.start.timestamp()),
                       "to": iso(window.end.timestamp())}, "limit": limit, "rows": rows}


def _parameters(rule: AlertJson) -> str:
    """The few numbers that say what a rule watches, in words."""
    kind = rule["kind"]
    window = duration_text(float(rule["window"]))
    segment = "".join(f", {k}={v}" for k, v in (rule.get("segment") or {}).items())
    if kind == "threshold":
        return (f"p{rule['quantile'] * 100:g} {rule['metric']} {rule['op']} {rule['value']:g} "
                f"over {window}{segment}")
    if kind == "regression":
        baseline = (f"previous {rule['baseline_days']} days" if rule["baseline"] ==
                    "previous_days" else "previous release")
        effect = rule.get("min_effect")
        at_least = f", at least {effect:+.0%}" if effect is not None else ""
        return (f"p75 {rule['metric']} vs {baseline} over {window}{at_least}, "
                f"alpha {rule['alpha']:g}{segment}")
    if kind == "cache_hit_rate":
        cache = rule.get("cache_name") or "every cache"
        return f"hit rate of {cache} vs previous {rule['baseline_days']} days over {window}"
    if kind == "synthetic_failure":
        if rule.get("failure_rate") is not None:
            return f"failure rate > {rule['failure_rate']:.0%} over {window}"
        return f"{rule['consecutive_failures']} consecutive failures"
    threshold = f" {rule['op']} {rule['value']:g}" if rule.get("value") is not None else ""
    return f"{kind}{threshold} over {window}{segment}"


def rules(service: DashboardService) -> list[AlertJson]:
    """Rules from the configuration file and the admin API, with their current state:
    firing, pending or ok (no active alert)."""
    runtime = service.runtime
    states: dict[str, set[str]] = {}
    for alert in views.active_alerts(runtime.redis):
        states.setdefault(alert["rule"], set()).add(alert["state"])
    out = []
    for rule in views.rules(runtime.settings.alerting, runtime.redis):
        seen = states.get(rule["name"], set())
        state = "firing" if "firing" in seen else "pending" if "pending" in seen else "ok"
        out.append({**rule, "state": state, "parameters": _parameters(rule)})
    return out


def silences(service: DashboardService) -> list[AlertJson]:
    """Active and pending silences first, then expired ones, newest first in each."""
    rows = views.silences(service.runtime.redis)
    for row in rows:
        row["ends"] = iso(float(row["ends_at"]))
        row["starts"] = iso(float(row["starts_at"]))
    return sorted(rows, key=lambda r: (r["state"] == "expired", -float(r["created_at"])))


def deliveries(service: DashboardService, limit: int = DELIVERY_LIMIT) -> Deliveries:
    runtime = service.runtime
    return {
        "attempts": views.deliveries(service.layer.client(), limit),
        "dead_letters": views.dead_letters(runtime.redis, DEAD_LIMIT),
        "receivers": views.receivers(runtime.settings.alerting, runtime.redis),
    }
