"""What a dashboard page declares about itself: where it lives, its title in the navigation,
how it lays out its content, the Dash callbacks it needs and which of its blocks refresh
themselves. The shell knows pages only through these objects (web/registry.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dash

from dashboard.filters import Filters
from dashboard.service import DashboardService

# The content under the filter bar for validated filters and the URL's parameters.
Layout = Callable[[DashboardService, Filters, dict[str, str]], list[Any]]
# Registers the page's own Dash callbacks (paging, pickers, forms, live blocks).
Callbacks = Callable[[dash.Dash, DashboardService], None]
# The panel reads of the page's default view for the service and filters, without drawing.
Reads = Callable[[DashboardService, Filters], object]


@dataclass(frozen=True)
class Page:
    path: str  # under /dashboard, "/" for the first page
    title: str
    layout: Layout
    callbacks: tuple[Callbacks, ...] = ()
    # Ids of the blocks the page's own callbacks refresh on the live-refresh tick. Empty: the
    # tick re-renders the whole page. A page that keeps state the reader is using (a table's
    # paging, a half-typed form) names the blocks instead, and the rest stays as it is.
    live: tuple[str, ...] = ()
    # What the default view reads, without drawing it, where drawing costs (the Overview's
    # Plotly figures take most of its render): warming (dashboard/warm.py) calls this instead
    # of `layout`. tests/dashboard/test_warm.py checks that no page rendered after warming
    # misses a query.
    reads: Reads | None = None

    def read_default_view(self, service: DashboardService, f: Filters) -> None:
        """Runs every query of the page's default view (no URL parameters) for `f`."""
        if self.reads is not None:
            self.reads(service, f)
        else:
            self.layout(service, f, {})

    def __post_init__(self) -> None:
        if not self.path.startswith("/") or (self.path != "/" and self.path.endswith("/")):
            raise ValueError(f"a page path starts with / and does not end with one: "
                             f"{self.path!r}")
