"""A small real website for the SDK's browser tests: pages with a known LCP image, a layout
shift, a slow click handler, a Server-Timing header, errors and an SPA route change; other
files (scripts, the SDK itself) by path; and a beacon endpoint that keeps the raw beacons it
is sent, for tests that look at the wire before any collector."""

from __future__ import annotations

import json
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from string import Template

from tests.support.ports import free_port

SERVER_TIMING = "cache;desc=HIT, app;dur=53"
HERO_DELAY_S = 0.15
# Pages answer after a moment: WebKit's clock counts whole milliseconds, a local answer can
# start at 0, and a responseStart of 0 is left out as web-vitals leaves it out (the bogus
# entry some browsers give), so a test expecting TTFB would depend on the scheduler.
PAGE_DELAY_S = 0.005

# The hero image is the largest element (LCP) and sits above the banner that is inserted
# later, so the shift moves only #below (the CLS source). #slow blocks the main thread for
# 300 ms on click (INP), #boom throws, #reject rejects a promise, #route is an SPA link.
PAGE = Template("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>body{margin:0;font:16px sans-serif} #hero{display:block;width:600px;height:300px}
#banner{height:120px;background:#fc0} button{margin:4px}</style>
$head
</head><body><main>
<img id="hero" src="/hero.png" width="600" height="300" alt="hero">
<div id="slot"></div>
<div id="below"><p>Our products.</p>
<button id="slow">slow</button><button id="boom">boom</button>
<button id="reject">reject</button><button id="route">route</button>
<p id="view">home</p></div>
</main>
<script>
// What the page itself saw, for a test's failure message: errors and visibility changes.
window.seen = {errors: [], visibility: [document.visibilityState]};
addEventListener('error', (e) => window.seen.errors.push(String(e.message)));
addEventListener('visibilitychange', () => window.seen.visibility.push(document.visibilityState));
setTimeout(() => {
  const b = document.createElement('div'); b.id = 'banner';
  document.getElementById('slot').appendChild(b);
  requestAnimationFrame(() => setTimeout(() => { window.shifted = true; }, 50));
}, 400);
document.getElementById('slow').addEventListener('click', () => {
  const t = performance.now(); while (performance.now() - t < 300) {}
});
document.getElementById('boom').addEventListener('click', () => {
  setTimeout(() => { throw new TypeError('boom from the test page'); });
});
document.getElementById('reject').addEventListener('click', () => {
  Promise.reject(new Error('rejected on the test page'));
});
document.getElementById('route').addEventListener('click', () => {
  history.pushState({}, '', '/app/second?session=secret');
  document.getElementById('view').textContent = 'second view';
});
</script></body></html>""")


def png(width: int, height: int) -> bytes:
    """A solid-colour RGB PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    raw = b"".join(b"\x00" + b"\x20\x60\xc0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


HERO = png(600, 300)


@dataclass
class ShopSite:
    """Pages are registered by path with the <head> markup that loads the SDK."""

    port: int = field(default_factory=free_port)
    pages: dict[str, str] = field(default_factory=dict)
    # path -> (Content-Type, body, extra headers)
    files: dict[str, tuple[str, bytes, dict[str, str]]] = field(default_factory=dict)
    # Beacons POSTed to /v1/beacon, decoded, in arrival order.
    beacons: list[dict[str, object]] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_page(self, path: str, head: str) -> str:
        self.pages[path] = PAGE.substitute(head=head)
        return self.origin + path

    def add_file(self, path: str, kind: str, body: bytes,
                 headers: dict[str, str] | None = None) -> str:
        self.files[path] = (kind, body, headers or {})
        return self.origin + path


def _handler(site: ShopSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if path == "/hero.png":
                time.sleep(HERO_DELAY_S)  # a resource load the LCP sub-parts can see
                self._send(200, "image/png", HERO)
            elif path in site.pages:
                time.sleep(PAGE_DELAY_S)
                self._send(200, "text/html; charset=utf-8", site.pages[path].encode(),
                           {"Server-Timing": SERVER_TIMING})
            elif path in site.files:
                self._send(200, *site.files[path])
            else:
                self._send(404, "text/plain", b"not found")

        def do_POST(self) -> None:
            if self.path.split("?")[0] != "/v1/beacon":
                self._send(404, "text/plain", b"not found")
                return
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            site.beacons.append(json.loads(body))
            self._send(204, "text/plain", b"")

        def _send(self, status: int, kind: str, body: bytes,
                  headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve_site() -> Iterator[ShopSite]:
    site = ShopSite()
    server = ThreadingHTTPServer(("127.0.0.1", site.port), _handler(site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
