"""Synthetics and Alerts pages: honest empty states until those components report here."""

from __future__ import annotations

from typing import Any

from dashboard.filters import Filters
from dashboard.service import DashboardService
from dashboard.web.components import message


def synthetics(service: DashboardService, f: Filters, params: dict[str, str]) -> list[Any]:
    return [message("No synthetic checks to show yet: scheduled Playwright checks (status, "
                    "run history, step timings, screenshots) will appear here once "
                    "synthetics report to this dashboard.")]


def alerts(service: DashboardService, f: Filters, params: dict[str, str]) -> list[Any]:
    return [message("No alerts to show yet: firing alerts, history, rules, silences and "
                    "webhook deliveries will appear here once the alert engine reports to "
                    "this dashboard.")]
