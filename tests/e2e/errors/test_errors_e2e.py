"""Error tracking end to end: real Chromium loads pages of a site whose script is a bundle
minified by esbuild, clicks a button that throws, the test uploads the bundle's source map
with the CLI (through the running server's admin API), and the JSON API answers the group
with its counts and the original frames (file, line, function)."""

from __future__ import annotations

import functools
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser

from tests.support.browser import chromium
from tests.support.error_site import leave
from tests.support.ports import free_port
from tests.support.serve import ServeProcess, run_cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ESBUILD = Path(__file__).resolve().parents[3] / "sdk-js" / "node_modules" / ".bin" / "esbuild"
KEY = "pk_errors_e2e_shop_0001"
CART = """export function checkout(order) {
  const total = computeTotal(order);
  return total;
}

function computeTotal(order) {
  if (order.items.length > 1) {
    throw new TypeError(`Cannot price order ${order.id}: ${order.items.length} items`);
  }
  return 0;
}
"""
APP = """import { checkout } from './cart.js';
document.getElementById('go').addEventListener('click', () => {
  checkout({ id: Math.floor(Math.random() * 1e6), items: [1, 2] });
});
"""
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
<script defer src="{collector}/sdk.js" data-site="{key}" data-release="{release}"></script>
</head><body><button id="go">go</button>
<script src="/static/bundle.min.js"></script></body></html>"""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def site_root(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP: src/ (original sources), static/ (bundle and map)."""
    root = tmp_path / "www"
    (root / "src").mkdir(parents=True)
    (root / "src" / "cart.js").write_text(CART)
    (root / "src" / "app.js").write_text(APP)
    subprocess.run([str(ESBUILD), str(root / "src" / "app.js"), "--bundle", "--minify",
                    "--sourcemap", f"--outfile={root / 'static' / 'bundle.min.js'}"],
                   check=True, capture_output=True, timeout=60)
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port),
                                 functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _poll(what: str, check: Any, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.3)


def _throw_on_pages(browser: Browser, origin: str, releases: list[str], root: Path,
                    collector: str) -> None:
    for number, release in enumerate(releases):
        (root / f"p{number}.html").write_text(PAGE.format(collector=collector, key=KEY,
                                                          release=release))
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{origin}/p{number}.html")
        page.wait_for_function("() => !!window.vitalscope || document.readyState === "
                               "'complete'")
        page.click("#go")
        page.wait_for_timeout(200)
        leave(page, collector)
        context.close()


def test_errors_of_a_minified_bundle_are_grouped_and_symbolicated(
        browser: Browser, site_root: tuple[Path, str], serve_factory: Any,
        tmp_path: Path) -> None:
    root, origin = site_root
    config = tmp_path / "vitalscope.yaml"
    config.write_text(json.dumps({
        "sites": [{"name": "shop", "origins": [origin], "key": KEY}],
        "collector": {"flush_interval_s": 0.2},
        "sourcemaps": {"max_file_bytes": 64 * 1024},
    }))
    server: ServeProcess = serve_factory(tmp_path / "data",
                                         extra_args=["--config", str(config)]).start()
    headers = {"Authorization": f"Bearer {server.admin_token()}"}

    _throw_on_pages(browser, origin, ["r1", "r1", "r2"], root, server.url)

    uploaded = run_cli("sourcemaps", "upload", "--site", "shop", "--release", "r1",
                       "--url-prefix", f"{origin}/static/", str(root / "static"), "--json",
                       "--config", str(config), "--data", str(server.data))
    assert uploaded.returncode == 0, uploaded.stderr
    files = json.loads(uploaded.stdout)
    assert sorted(f["kind"] for f in files) == ["map", "source"]
    assert {f["url"] for f in files} == {f"{origin}/static/bundle.min.js"}

    def groups() -> list[dict[str, Any]] | None:
        answer = httpx.get(f"{server.url}/api/v1/errors", params={"site": "shop",
                           "range": "1h"}, headers=headers, timeout=30)
        assert answer.status_code == 200, answer.text
        found = answer.json()["groups"]
        # The page views (the share's denominator) are another table: one flushed a moment
        # after the errors gives a share over 1 until it is read too.
        settled = found and found[0]["occurrences"] == 3 and found[0]["page_view_share"] <= 1
        return found if settled else None

    listed = _poll("error group with 3 occurrences and its page views", groups)
    assert len(listed) == 1, listed
    group = listed[0]
    assert (group["type"], group["message"]) == ("TypeError",
                                                 "Cannot price order <n>: <n> items")
    assert group["page_views"] == 3 and group["page_view_share"] == pytest.approx(1.0)
    assert group["top_frame"] == "/static/bundle.min.js"
    assert {r["value"]: r["occurrences"] for r in group["releases"]} == {"r1": 2, "r2": 1}
    assert group["first_release"] == "r1" and group["new_in_release"] is False
    assert sum(group["trend"]["occurrences"]) == 3
    assert [b["value"] for b in group["browsers"]] == ["HeadlessChrome"]

    answer = httpx.get(f"{server.url}/api/v1/errors/{group['fingerprint']}",
                       params={"site": "shop", "range": "1h"}, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    samples = answer.json()["samples"]
    assert {s["release"] for s in samples} == {"r1", "r2"}
    mapped = next(s for s in samples if s["release"] == "r1")
    assert mapped["sourcemap"] == "applied", mapped
    frames = [f for f in mapped["frames"] if f["in_app"]]
    assert frames[0]["url"] == f"{origin}/static/bundle.min.js" and frames[0]["line"] == 1
    originals = [(f["original"]["file"].rsplit("/", 1)[-1], f["original"]["line"],
                  f["original"]["function"]) for f in frames[:2]]
    assert originals == [("cart.js", 8, "computeTotal"), ("cart.js", 2, "checkout")]
    unmapped = next(s for s in samples if s["release"] == "r2")
    assert unmapped["sourcemap"] == "missing"
    assert "r2" in unmapped["note"] and "minified frames" in unmapped["note"]
    assert all(f["original"] is None for f in unmapped["frames"])
    assert "sourcesContent" not in answer.text  # the map itself never leaves the server

    # Bad uploads are refused, naming what is wrong.
    put = f"{server.url}/admin/v1/sourcemaps"
    params = {"site": "shop", "release": "r3", "url": f"{origin}/static/x.js"}
    bad = httpx.put(put, params=params, content=b"{nope", headers=headers, timeout=30)
    assert bad.status_code == 422 and "map: not JSON" in bad.json()["message"], bad.text
    wrong = httpx.put(put, params=params, content=b'{"version": 2, "mappings": ""}',
                      headers=headers, timeout=30)
    assert wrong.status_code == 422 and "version" in wrong.json()["message"]
    big = httpx.put(put, params=params, content=b" " * (64 * 1024 + 1), headers=headers,
                    timeout=30)
    assert big.status_code == 413 and "max_file_bytes" in big.json()["message"]
    nobody = httpx.put(put, params=params, content=b"{}", timeout=30)
    assert nobody.status_code == 401
    unknown = httpx.get(f"{server.url}/api/v1/errors/123", params={"site": "shop",
                        "range": "1h"}, headers=headers, timeout=30)
    assert unknown.status_code == 404
    assert "Traceback" not in server.logs()
