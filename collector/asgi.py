"""The ingest endpoints as a raw ASGI app in front of the FastAPI app: beacons never pass
through FastAPI's middleware and routing (that costs most of the throughput); every other
request, and the lifespan, goes to FastAPI unchanged."""

from __future__ import annotations

import logging
import time
from importlib.resources import files

import msgspec
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.types import ASGIApp, Receive, Scope, Send

from collector import metrics, queue_metrics
from collector.appender import Appender
from collector.body import MAX_BODY, read_body
from collector.cardinality.fold import CardinalityFold
from collector.client_identity import ClientIdentity
from collector.context import BeaconContext
from collector.enrich import Step, enrich
from collector.enrich.cache_status import cache_status
from collector.enrich.event_window import OUT_OF_WINDOW, EventWindow
from collector.enrich.urls import UrlNormaliser
from collector.entry_size import check_context_size, check_entry_size
from collector.errors import IngestError, from_decode, from_validation
from collector.http import NO_CONTENT, Headers, header_map, query_param, refuse, respond
from collector.payload import ch_time, encode_entry
from collector.rows import beacon_rows
from collector.server_timings_wire import SERVER_TIMINGS_DECODER, ServerTimingsBatch
from collector.sites_index import SiteIndex
from collector.wire import BEACON_DECODER
from vitalscope.config.collector import CollectorSettings, RateLimit
from vitalscope.server.procs import metrics as process_metrics
from vitalscope.sites import Site

log = logging.getLogger("vitalscope.collector")
SCHEMA = files("collector").joinpath("schema/beacon-v1.json").read_bytes()
MAX_SERVER_TIMINGS_BODY = 1024 * 1024
_BEACON_TYPES = (b"text/plain", b"application/json", b"")
# What browsers send for a beacon, accepted without parsing the header (each is one of the
# types above).
_BEACON_TYPES_AS_SENT = frozenset((b"text/plain;charset=UTF-8", *_BEACON_TYPES))
_PREFLIGHT_MAX_AGE = b"86400"


def _media_type(headers: dict[bytes, bytes]) -> bytes:
    return headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()


def _gzip(headers: dict[bytes, bytes]) -> bool:
    encoding = headers.get(b"content-encoding", b"identity").strip().lower()
    if encoding in (b"identity", b""):
        return False
    if encoding == b"gzip":
        return True
    raise IngestError(415, "unsupported_encoding", "Content-Encoding must be gzip or absent",
                      "Content-Encoding")


def _dropped_header(out_of_window: int) -> Headers:
    """What was left out of an accepted request, for whoever reads it (the SDK need not)."""
    if not out_of_window:
        return []
    return [(b"vitalscope-dropped", f"{OUT_OF_WINDOW}={out_of_window}".encode())]


def _content_length(headers: dict[bytes, bytes]) -> int | None:
    raw = headers.get(b"content-length")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise IngestError(400, "invalid_header", "Content-Length is not a number",
                          "Content-Length") from None


# Served before FastAPI's stack (see build_asgi), so they are not in the OpenAPI schema; the
# docs test reads this list to check each is documented.
INGEST_PATHS = ("/v1/beacon", "/v1/beacon/schema", "/v1/server-timings", "/metrics")


class IngestApp:
    def __init__(self, fallback: ASGIApp, sites: SiteIndex, appender: Appender,
                 settings: CollectorSettings, steps: list[Step], urls: UrlNormaliser,
                 fold: CardinalityFold) -> None:
        self.fallback = fallback
        self.fold = fold
        self.sites = sites
        self.appender = appender
        self.settings = settings
        self.steps = steps
        self.urls = urls
        self.clients = ClientIdentity(appender.redis, settings.trusted_proxies,
                                      settings.client_ip_header)
        self.window = EventWindow(settings.event_max_age_s, settings.event_max_ahead_s)
        self.routes = dict(zip(
            INGEST_PATHS, (self.beacon, self.schema, self.server_timings, self.metrics),
            strict=True,
        ))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            route = self.routes.get(scope["path"])
            if route is not None:
                await route(scope, receive, send)
                return
        await self.fallback(scope, receive, send)

    # -- helpers -------------------------------------------------------------------------

    def _site_limit(self, site: Site) -> RateLimit:
        return self.settings.site_rate_limits.get(site.name, self.settings.site_rate_limit)

    def _client_now(self, scope: Scope, headers: dict[bytes, bytes]) -> tuple[str, bool] | None:
        """`_client` without a coroutine: None until the day's secret is in memory."""
        peer = scope.get("client")
        return self.clients.identify_now(str(peer[0]) if peer else "", headers)

    async def _client(self, scope: Scope, headers: dict[bytes, bytes]) -> tuple[str, bool]:
        """The client's rate-limit bucket key, and whether the peer is a trusted proxy."""
        peer = scope.get("client")
        return await self.clients.identify(str(peer[0]) if peer else "", headers)

    def _site_for_key(self, scope: Scope) -> Site:
        if not self.sites.loaded:
            raise IngestError(503, "not_ready", "site keys are not loaded yet; retry later",
                              headers=[(b"retry-after", b"2")])
        key = query_param(scope.get("query_string", b""), b"k")
        if not key:
            raise IngestError(401, "missing_key", "the site key is missing: POST "
                              "/v1/beacon?k=<public key>", "k")
        site = self.sites.by_key.get(key)
        if site is None:
            raise IngestError(403, "unknown_key", "no site has this key", "k")
        if not site.enabled:
            raise IngestError(403, "site_disabled", "this site is disabled", "k")
        return site

    @staticmethod
    def _cors(origin: bytes | None) -> Headers:
        if origin is None:
            return []
        return [(b"access-control-allow-origin", origin), (b"vary", b"Origin")]

    # -- routes --------------------------------------------------------------------------

    async def beacon(self, scope: Scope, receive: Receive, send: Send) -> None:
        # One coroutine for the whole beacon path (a coroutine per part costs its creation,
        # frame and await on every beacon).
        method = scope["method"]
        headers = header_map(scope["headers"])
        origin = headers.get(b"origin")
        cors: Headers = []
        try:
            if method not in ("POST", "OPTIONS"):
                raise IngestError(405, "method_not_allowed", "use POST", None,
                                  [(b"allow", b"POST, OPTIONS")])
            site = self._site_for_key(scope)
            origin_text = origin.decode("latin-1") if origin is not None else None
            if not site.allows_origin(origin_text):
                raise IngestError(403, "origin_not_allowed",
                                  "this Origin may not send beacons for this site", "Origin")
            cors = self._cors(origin)
            if method == "OPTIONS":
                await respond(send, 204, headers=[
                    *cors, (b"access-control-allow-methods", b"POST, OPTIONS"),
                    (b"access-control-allow-headers", b"Content-Type, Content-Encoding"),
                    (b"access-control-max-age", _PREFLIGHT_MAX_AGE)])
                return
            # What follows queues the beacon's rows; `dropped`: how many of its events were
            # out of window.
            if (headers.get(b"content-type", b"") not in _BEACON_TYPES_AS_SENT
                    and _media_type(headers) not in _BEACON_TYPES):
                raise IngestError(415, "unsupported_media_type",
                                  "Content-Type must be text/plain or application/json",
                                  "Content-Type")
            # Before the body is read, and without waiting: a page being left may close the
            # connection once its body is sent, so nothing may delay reading it.
            known = self._client_now(scope, headers)
            self.appender.check_cooldown(site.name, known[0] if known else None)
            body = await read_body(receive, _content_length(headers),
                                   b"content-encoding" in headers and _gzip(headers), MAX_BODY)
            try:
                beacon, kinds = BEACON_DECODER.decode_sorted(body)
            except msgspec.ValidationError as exc:
                raise from_validation(exc) from None
            except (msgspec.DecodeError, UnicodeDecodeError) as exc:
                raise from_decode(exc, body) from None
            client, trusted_peer = known or await self._client(scope, headers)
            context = BeaconContext(site, beacon, kinds, int(time.time() * 1000),
                                    headers.get(b"user-agent", b"").decode("latin-1"), headers,
                                    trusted_peer)
            reason = enrich(self.steps, context)
            dropped = context.dropped_events
            if dropped:
                metrics.EVENTS_DROPPED.labels(OUT_OF_WINDOW).inc(dropped)
            if reason is not None:
                metrics.DROPPED.labels(reason).inc()
            else:
                if not self.fold.all_known(context):
                    await self.fold.beacon(context)
                check_context_size(context, self.settings.max_entry_bytes)
                rows = beacon_rows(context, self.urls)
                payload = check_entry_size(encode_entry(site.name, rows, one_scope=True),
                                           self.settings.max_entry_bytes)
                counts = {table: len(table_rows) for table, table_rows in rows.items()}
                # Nothing built from the beacon stays referenced while the request waits for
                # Redis: with many requests waiting, the garbage collector's passes over
                # those objects cost more than building them did.
                del beacon, kinds, context, rows
                await self.appender.append(site.name, self._site_limit(site), client,
                                           self.settings.client_rate_limit, payload)
                metrics.HOT.accepted["beacon"] += 1
                events = metrics.HOT.events
                for table, count in counts.items():
                    events[table] += count
        except IngestError as error:
            metrics.REJECTED.labels(error.code).inc()
            await refuse(send, error, cors)
            return
        if dropped:
            cors += _dropped_header(dropped)
        # 204 sent here rather than through a helper coroutine: one frame less a beacon. The
        # headers list becomes the response's.
        cors.append(NO_CONTENT)
        await send({"type": "http.response.start", "status": 204, "headers": cors})
        await send({"type": "http.response.body", "body": b""})

    async def server_timings(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = header_map(scope["headers"])
        try:
            if scope["method"] != "POST":
                raise IngestError(405, "method_not_allowed", "use POST", None,
                                  [(b"allow", b"POST")])
            if not self.sites.loaded:
                raise IngestError(503, "not_ready", "site keys are not loaded yet",
                                  headers=[(b"retry-after", b"2")])
            auth = headers.get(b"authorization", b"")
            if not auth.lower().startswith(b"bearer ") or not auth[7:].strip():
                raise IngestError(401, "missing_key", "send Authorization: Bearer <server key>",
                                  "Authorization", [(b"www-authenticate", b"Bearer")])
            site = self.sites.by_server_key(auth[7:].strip().decode("latin-1"))
            if site is None:
                raise IngestError(401, "unknown_key", "the server key is not valid",
                                  "Authorization", [(b"www-authenticate", b"Bearer")])
            if not site.enabled:
                raise IngestError(403, "site_disabled", "this site is disabled",
                                  "Authorization")
            if _media_type(headers) not in (b"application/json", b""):
                raise IngestError(415, "unsupported_media_type",
                                  "Content-Type must be application/json", "Content-Type")
            known = self._client_now(scope, headers)
            self.appender.check_cooldown(site.name, known[0] if known else None)
            body = await read_body(receive, _content_length(headers), _gzip(headers),
                                   MAX_SERVER_TIMINGS_BODY)
            try:
                batch = SERVER_TIMINGS_DECODER.decode(body)
            except msgspec.ValidationError as exc:
                raise from_validation(exc) from None
            except (msgspec.DecodeError, UnicodeDecodeError) as exc:
                raise from_decode(exc, body) from None
            received_ms = int(time.time() * 1000)
            rows = self._timing_rows(site, batch, received_ms)
            dropped = len(batch.e) - len(rows)
            if dropped:
                metrics.EVENTS_DROPPED.labels(OUT_OF_WINDOW).inc(dropped)
            if rows:
                await self.fold.server_timing_rows(site.name, received_ms, rows)
                client, _ = known or await self._client(scope, headers)
                await self.appender.append(site.name, self._site_limit(site), client,
                                           self.settings.client_rate_limit,
                                           encode_entry(site.name, {"server_timings": rows}))
        except IngestError as error:
            metrics.REJECTED.labels(error.code).inc()
            await refuse(send, error)
            return
        if rows:
            metrics.HOT.accepted["server_timings"] += 1
            metrics.HOT.events["server_timings"] += len(rows)
        else:
            metrics.DROPPED.labels(OUT_OF_WINDOW).inc()
        await respond(send, 204, headers=_dropped_header(dropped))

    def _timing_rows(self, site: Site, batch: ServerTimingsBatch,
                     received_ms: int) -> list[list[object]]:
        """Rows of the batch's timings within the event window (backends' clocks are the
        server's: no skew correction)."""
        received_at = ch_time(received_ms)
        earliest, latest = self.window.bounds(received_ms)
        rows: list[list[object]] = []
        for timing in batch.e:
            if not earliest <= timing.ts <= latest:
                continue
            url, path = self.urls.scrub(timing.url) if timing.url else ("", "")
            group = timing.grp or (self.urls.group(path) if path else "")
            status = timing.cache or cache_status(timing.n, timing.desc)
            rows.append([
                site.name, batch.source, ch_time(round(timing.ts)), received_at, timing.id,
                timing.pv or "",
                timing.req or "", group, url, timing.n, timing.dur, timing.desc or "", status,
                int(timing.code or 0), "", "", "", batch.rel or "",
            ])
        return rows

    async def schema(self, scope: Scope, receive: Receive, send: Send) -> None:
        await respond(send, 200, SCHEMA, [(b"access-control-allow-origin", b"*"),
                                          (b"cache-control", b"public, max-age=3600")],
                      content_type=b"application/schema+json")

    async def metrics(self, scope: Scope, receive: Receive, send: Send) -> None:
        await queue_metrics.refresh(self.appender.redis)
        await respond(send, 200, process_metrics.exposition(),
                      content_type=CONTENT_TYPE_LATEST.encode())
