"""Every dashboard page, in navigation order: the one list the shell reads. A new page is a
module under web/views/ declaring its `PAGE`, plus one line here."""

from __future__ import annotations

from dashboard.web.page import Page
from dashboard.web.views import (
    alerts,
    breakdowns,
    errors,
    overview,
    pages,
    scripts,
    servertiming,
    synthetics,
)

PAGES: tuple[Page, ...] = (
    overview.PAGE,
    pages.PAGE,
    scripts.PAGE,
    errors.PAGE,
    breakdowns.PAGE,
    servertiming.PAGE,
    synthetics.PAGE,
    alerts.PAGE,
)
BY_PATH: dict[str, Page] = {page.path: page for page in PAGES}
if len(BY_PATH) != len(PAGES):
    raise ValueError("two dashboard pages declare the same path")
