"""The collector's parts for a process: what `vitalscope serve` / `collector` / `worker`
start (see vitalscope/app/assembly.py)."""

from __future__ import annotations

from starlette.types import ASGIApp

from collector.appender import Appender
from collector.asgi import IngestApp
from collector.cardinality.admission import Admission
from collector.cardinality.fold import CardinalityFold
from collector.enrich import default_steps
from collector.enrich.urls import UrlNormaliser
from collector.flusher import Flusher
from collector.sites_index import ClickHouseSites, SiteIndex, SiteSource
from vitalscope.runtime import Runtime
from vitalscope.server.services import Service


class Ingest:
    """The request path: site keys in memory, the appender, and the raw ASGI endpoints."""

    def __init__(self, runtime: Runtime, sites: SiteSource | None = None) -> None:
        """`sites`: where site keys come from; ClickHouse unless said otherwise."""
        settings = runtime.settings
        if runtime.redis_url is None:
            raise RuntimeError("the collector needs Redis")
        collector = settings.collector
        source = sites or ClickHouseSites(runtime.new_clickhouse_client,
                                          settings.clickhouse_cluster)
        self.sites = SiteIndex(source, runtime.redis_url, collector.sites_refresh_s)
        self.appender = Appender(runtime.redis_url, collector.stream_max_len,
                                 collector.stream_max_bytes, collector.replica_acks,
                                 collector.replica_ack_timeout_ms,
                                 collector.rate_limit_token_bytes,
                                 collector.stream_site_share,
                                 lambda: self.sites.enabled)
        self.admission = Admission(runtime.redis_url, collector.cardinality,
                                   collector.site_cardinality,
                                   collector.cardinality_cache_values)
        self.settings = collector

    @property
    def services(self) -> list[Service]:
        return [self.sites, self.appender, self.admission]

    def asgi(self, fallback: ASGIApp) -> IngestApp:
        urls = UrlNormaliser(self.settings.url_query_allowlist, self.settings.page_groups)
        return IngestApp(fallback, self.sites, self.appender, self.settings,
                         default_steps(self.settings), urls, CardinalityFold(self.admission))


def flusher(runtime: Runtime) -> Flusher:
    if runtime.redis_url is None:
        raise RuntimeError("the flusher needs Redis")
    return Flusher(runtime.redis_url, runtime.new_clickhouse_client, runtime.settings.collector,
                   runtime.settings.clickhouse_cluster)
