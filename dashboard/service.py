"""What the dashboard and the API share in one process: the query layer and the sites."""

from __future__ import annotations

import copy
import threading
import time
from datetime import datetime

from dashboard.cache import QueryCache
from dashboard.filters import FilterError, Filters, parse_filters
from dashboard.querylayer import QueryLayer
from dashboard.views import ViewLog
from vitalscope.runtime import Runtime
from vitalscope.sites import SiteRepository
from vitalscope.sourcemaps.store import SourcemapStore
from vitalscope.sourcemaps.symbolicate import Symbolicator

SITES_TTL_S = 10.0


class UnknownSite(FilterError):
    def __init__(self, site: str) -> None:
        super().__init__("site", f"no site named {site!r}")


class DashboardService:
    def __init__(self, runtime: Runtime, *, cache_ttl_s: int | None = None) -> None:
        settings = runtime.settings.dashboard
        ttl = settings.cache_ttl_s if cache_ttl_s is None else cache_ttl_s
        self.runtime = runtime
        self.settings = settings
        self.layer = QueryLayer(runtime.new_clickhouse_client,
                                QueryCache(runtime.redis if ttl else None, ttl,
                                           settings.cache_fresh_s))
        # Views recorded for warming (dashboard/warm.py), which needs the cache's budget.
        self.views = ViewLog(runtime.redis if ttl and settings.cache_fresh_s else None,
                             settings.warm_sites, settings.warm_view_s)
        self._sites: tuple[float, list[str]] = (0.0, [])
        self._lock = threading.Lock()
        # One cache of parsed source maps for the Errors page and the API alike.
        self.symbolicator = Symbolicator(runtime.settings.sourcemaps.cache_entries)

    def warming(self) -> DashboardService:
        """This service with the warming query layer (QueryLayer.warmer), for dashboard/warm.py
        to render pages with."""
        clone = copy.copy(self)
        clone.layer = self.layer.warmer()
        return clone

    def sourcemaps(self) -> SourcemapStore:
        settings = self.runtime.settings
        return SourcemapStore(self.layer.client(), settings.sourcemaps,
                              settings.clickhouse_cluster)

    def sites(self) -> list[str]:
        with self._lock:
            loaded_at, names = self._sites
            if time.monotonic() - loaded_at < SITES_TTL_S:
                return names
        repository = SiteRepository(self.layer.client(), self.runtime.settings.clickhouse_cluster)
        names = sorted(site.name for site in repository.all())
        with self._lock:
            self._sites = (time.monotonic(), names)
        return names

    def filters(self, site: str | None, range_: str | None = None, start: str | None = None,
                end: str | None = None, segment: str | None = None,
                now: datetime | None = None) -> Filters:
        f = parse_filters(site, range_, start, end, segment, now)
        if f.site not in self.sites():
            # A site added a moment ago may not be in the short-lived list yet.
            self._sites = (0.0, [])
            if f.site not in self.sites():
                raise UnknownSite(f.site)
        self.views.record(f)
        return f
