"""Alerts page: an honest empty state until the alert engine reports here."""

from __future__ import annotations

from typing import Any

from dashboard.filters import Filters
from dashboard.service import DashboardService
from dashboard.web.components import message


def alerts(service: DashboardService, f: Filters, params: dict[str, str]) -> list[Any]:
    return [message("No alerts to show yet: firing alerts, history, rules, silences and "
                    "webhook deliveries will appear here once the alert engine reports to "
                    "this dashboard.")]
