"""The quantiles of chosen page groups over a window (`pages_quantiles.sql`): from the
window's page tier, and for a daily window its whole weeks from `vitals_pages_1w`
(migration 0091), so a 30-day list reads four weekly rows and a few daily ones per group
and vital instead of 31 daily ones."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from dashboard.filters import Window
from dashboard.querylayer import QueryLayer, Row


def weeks_within(window: Window) -> tuple[datetime, datetime]:
    """The whole weeks (Monday 00:00 UTC to Monday) inside a daily window, or an empty span
    at its start for any other (the weekly tier only stands in for daily rows). A daily
    window starts and ends at midnight (filters.py aligns it)."""
    if window.tier.name != "1d":
        return window.start, window.start
    first = window.start + timedelta(days=(7 - window.start.weekday()) % 7)
    last = window.end - timedelta(days=window.end.weekday())
    return (first, last) if first < last else (window.start, window.start)


def quantile_params(window: Window, groups: list[str]) -> dict[str, Any]:
    weeks_from, weeks_to = weeks_within(window)
    return {"table": window.table("vitals_pages"), **window.params(), "groups": groups,
            "weeks_from": weeks_from.replace(tzinfo=None),
            "weeks_to": weeks_to.replace(tzinfo=None)}


def page_quantiles(layer: QueryLayer, site: str, window: Window,
                   groups: list[str]) -> dict[tuple[str, str], Row]:
    """Counts and quantiles per (page group, metric) of `groups` over `window`."""
    if not groups:
        return {}
    rows = layer.run("pages_quantiles", site, quantile_params(window, groups))
    return {(r["page_group"], r["metric"]): r for r in rows}
