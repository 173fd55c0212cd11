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

    def __post_init__(self) -> None:
        if not self.path.startswith("/") or (self.path != "/" and self.path.endswith("/")):
            raise ValueError(f"a page path starts with / and does not end with one: "
                             f"{self.path!r}")
