"""Compressed answers for every role: brotli when the client accepts it, else gzip, for
compressible bodies (HTML, JSON, JavaScript, CSS, SVG) of at least `MIN_SIZE` bytes.

Answers a browser may keep for a day or more (versioned assets: Dash's fingerprinted bundles,
the Plotly bundle, the SDK) are compressed once at the best ratio and kept in a bounded
in-process cache keyed by their content, so a 1 MB bundle costs its compression once per
process, not per visitor. Everything else (API JSON, Dash callbacks, pages) is compressed per
answer at a fast setting, off the event loop when large. Beacons never pass here (the raw
ingest endpoints sit in front of the app)."""

from __future__ import annotations

import hashlib
import re
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable

import anyio.to_thread
import brotli
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MIN_SIZE = 1024
# Larger bodies pass through as they are (nothing we serve is this big; a bound on memory).
MAX_BUFFER = 16 * 1024 * 1024
# Compressing this much or more runs in a worker thread, not on the event loop.
THREAD_MIN = 64 * 1024
LONG_LIVED_S = 86_400
CACHE_BYTES = 64 * 1024 * 1024
COMPRESSIBLE = re.compile(
    r"^(text/|application/(json|javascript|x-javascript|xml|ld\+json|[\w.+-]+\+json)|"
    r"image/svg\+xml)")
_MAX_AGE = re.compile(r"max-age=(\d+)")

Encoder = Callable[[bytes], bytes]
# (encoding, best) -> encoder: best for long-lived assets, fast for per-answer bodies.
ENCODERS: dict[tuple[str, bool], Encoder] = {
    ("br", True): lambda body: brotli.compress(body, quality=6, lgwin=22),
    ("br", False): lambda body: brotli.compress(body, quality=5),
    ("gzip", True): lambda body: _gzip(body, 9),
    ("gzip", False): lambda body: _gzip(body, 6),
}


def _gzip(body: bytes, level: int) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(body) + compressor.flush()


def negotiate(accept_encoding: str) -> str | None:
    """`br`, `gzip` or None (identity) from an Accept-Encoding header, q-values honoured."""
    offered: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        match = re.search(r"q=([^;]*)", params)
        if match:
            try:
                quality = float(match.group(1).strip())
            except ValueError:
                quality = 0.0
        if name:
            offered[name.strip()] = quality
    wildcard = offered.get("*", 0.0)
    for encoding in ("br", "gzip"):
        if offered.get(encoding, wildcard) > 0:
            return encoding
    return None


class CompressedAssets:
    """Long-lived answers, compressed once: (encoding, content digest) -> bytes, least
    recently used dropped beyond `limit` bytes."""

    def __init__(self, limit: int = CACHE_BYTES) -> None:
        self.limit = limit
        self.size = 0
        self._entries: OrderedDict[tuple[str, bytes], bytes] = OrderedDict()
        self._lock = threading.Lock()  # called from worker threads

    def get(self, encoding: str, body: bytes) -> bytes:
        key = (encoding, hashlib.blake2b(body, digest_size=16).digest())
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        # Two first visitors may both compress; the result is the same bytes.
        compressed = ENCODERS[encoding, True](body)
        with self._lock:
            if key not in self._entries:
                self._entries[key] = compressed
                self.size += len(compressed)
            while self.size > self.limit and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self.size -= len(dropped)
        return compressed


class Compression:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: ASGIApp, assets: CompressedAssets | None = None) -> None:
        self.app = app
        self.assets = assets or CompressedAssets()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "HEAD":
            await self.app(scope, receive, send)
            return
        encoding = negotiate(Headers(scope=scope).get("accept-encoding", ""))
        await _Responder(self.app, encoding, self.assets)(scope, receive, send)


class _Responder:
    def __init__(self, app: ASGIApp, encoding: str | None, assets: CompressedAssets) -> None:
        self.app = app
        self.encoding = encoding
        self.assets = assets
        self.send: Send
        self.start: Message | None = None
        self.chunks: list[bytes] = []
        self.buffered = 0
        self.passing = False
        self.long_lived = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.send = send
        await self.app(scope, receive, self._send)

    async def _send(self, message: Message) -> None:
        if self.passing:
            await self.send(message)
        elif message["type"] == "http.response.start":
            if self._begin(message):
                await self.send(message)
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))
            self.buffered += len(self.chunks[-1])
            if message.get("more_body", False):
                if self.buffered > MAX_BUFFER:
                    await self._flush(more_body=True)
                return
            await self._finish()
        else:
            await self._flush(more_body=True)
            await self.send(message)

    def _begin(self, start: Message) -> bool:
        """Whether the answer passes as it is (else it is buffered to be compressed)."""
        headers = Headers(raw=start["headers"])
        media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
        cache_control = headers.get("cache-control", "").lower()
        compressible = (start["status"] not in (204, 206, 304)
                        and "content-encoding" not in headers
                        and "no-transform" not in cache_control
                        and bool(COMPRESSIBLE.match(media_type)))
        if not compressible:
            self.passing = True
            return True
        # Caches must keep the encodings apart, whichever this client gets.
        MutableHeaders(raw=start["headers"]).add_vary_header("Accept-Encoding")
        if self.encoding is None:
            self.passing = True
            return True
        max_age = _MAX_AGE.search(cache_control)
        self.long_lived = max_age is not None and int(max_age.group(1)) >= LONG_LIVED_S
        self.start = start
        return False

    async def _flush(self, *, more_body: bool) -> None:
        """Gives up compressing: what is buffered goes out as it is."""
        assert self.start is not None
        self.passing = True
        await self.send(self.start)
        await self.send({"type": "http.response.body", "body": b"".join(self.chunks),
                         "more_body": more_body})

    async def _finish(self) -> None:
        assert self.start is not None and self.encoding is not None
        body = b"".join(self.chunks)
        if len(body) < MIN_SIZE:
            await self._flush(more_body=False)
            return
        encoding = self.encoding
        if self.long_lived:
            compressed = await anyio.to_thread.run_sync(self.assets.get, encoding, body)
        elif len(body) >= THREAD_MIN:
            compressed = await anyio.to_thread.run_sync(ENCODERS[encoding, False], body)
        else:
            compressed = ENCODERS[encoding, False](body)
        headers = MutableHeaders(raw=self.start["headers"])
        headers["content-encoding"] = encoding
        headers["content-length"] = str(len(compressed))
        # The ETag stays as the app set it: with `Vary: Accept-Encoding` caches keep the
        # encodings apart, and Dash compares If-None-Match to its ETag byte for byte (a
        # weakened one would never revalidate).
        await self.send(self.start)
        await self.send({"type": "http.response.body", "body": compressed, "more_body": False})
