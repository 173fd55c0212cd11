"""A site whose script is a bundle minified by esbuild with its source map, served over HTTP
on 127.0.0.1, and real Chromium visits that click a button which throws: JS errors that
reach `vitalscope serve` through the SDK and the collector, as in production."""

from __future__ import annotations

import functools
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import Browser, Page

from tests.support.ingest_metrics import accepted_beacons
from tests.support.ports import free_port

ESBUILD = Path(__file__).resolve().parents[2] / "sdk-js" / "node_modules" / ".bin" / "esbuild"
# The message carries markup: the dashboard must show it as the characters it is.
CART = """export function checkout(order) {
  const total = computeTotal(order);
  return total;
}

function computeTotal(order) {
  if (order.items.length > 1) {
    throw new TypeError(`Cannot price <b>order</b> ${order.id}: ${order.items.length} items`);
  }
  return 0;
}
"""
APP = """import { checkout } from './cart.js';
document.getElementById('go').addEventListener('click', () => {
  checkout({ id: Math.floor(Math.random() * 1e6), items: [1, 2] });
});
document.getElementById('other').addEventListener('click', function validateQuantity() {
  throw new RangeError('Quantity out of range');
});
"""
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
<script defer src="{collector}/sdk.js" data-site="{key}" data-release="{release}"></script>
</head><body><button id="go">go</button><button id="other">other</button>
<script src="/static/bundle.min.js"></script></body></html>"""
# Where the throw is in the original source (cart.js), what symbolication must give back.
ORIGINAL_THROW = ("cart.js", 8, "computeTotal")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def error_site(root: Path) -> Iterator[str]:
    """Builds src/ into static/bundle.min.js(.map) under `root` and serves `root`; yields
    the origin."""
    (root / "src").mkdir(parents=True)
    (root / "src" / "cart.js").write_text(CART)
    (root / "src" / "app.js").write_text(APP)
    subprocess.run([str(ESBUILD), str(root / "src" / "app.js"), "--bundle", "--minify",
                    "--sourcemap", f"--outfile={root / 'static' / 'bundle.min.js'}"],
                   check=True, capture_output=True, timeout=60)
    server = ThreadingHTTPServer(("127.0.0.1", free_port()),
                                 functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def leave(page: Page, collector: str, timeout_s: float = 30.0) -> None:
    """Navigates away (pagehide: the SDK sends what it holds) and waits until the collector
    has accepted a beacon more: one still in flight when its context closes is lost, and a
    loaded machine can take longer than the navigation. The collector's count is the signal:
    the browser does not report a beacon sent by a page being left."""
    before = accepted_beacons(collector)
    page.goto("about:blank")
    deadline = time.monotonic() + timeout_s
    while accepted_beacons(collector) <= before:
        assert time.monotonic() < deadline, f"no beacon accepted within {timeout_s} s"
        time.sleep(0.05)


def throw_on_pages(browser: Browser, root: Path, origin: str, collector: str, key: str,
                   releases: list[str]) -> None:
    """One page view per release that clicks the button throwing the TypeError (the first
    also the one throwing a RangeError), then leaves (pagehide: the SDK sends what it
    holds)."""
    for number, release in enumerate(releases):
        (root / f"p{number}.html").write_text(PAGE.format(collector=collector, key=key,
                                                          release=release))
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{origin}/p{number}.html")
        page.wait_for_load_state("load")
        page.click("#go")
        if number == 0:
            page.click("#other")
        page.wait_for_timeout(200)
        leave(page, collector)
        context.close()
