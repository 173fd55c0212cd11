"""Errors before the SDK runs and failed resource loads, in real Chromium against a real
`vitalscope serve`: the page carries what `vitalscope sdk snippet --early-errors` prints, throws
while it is parsed and has a broken image, script and stylesheet; ClickHouse stores each once,
with its type."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.e2e.sdk.conftest import KEY, Collector
from tests.e2e.sdk.site import ShopSite
from tests.support.serve import run_cli

pytestmark = pytest.mark.browser

# Parsed before the deferred SDK runs: the throw and the failed script happen while the
# parser waits, the image and stylesheet fail whenever their answer comes.
BROKEN = """
<script>throw new RangeError('thrown before the SDK');</script>
<script src="/missing.js?v=1&token=secret"></script>
<link rel="stylesheet" href="/missing.css#theme">
<img src="/missing.png?sig=secret" alt="">
"""


def test_early_errors_and_failed_loads_are_stored_once_with_their_types(
        browser: Browser, site: ShopSite, collector: Collector) -> None:
    printed = run_cli("sdk", "snippet", "--site", KEY, "--url", collector.url, "--early-errors",
                      "--data", str(collector.server.data))
    assert printed.returncode == 0, printed.stderr
    snippet = printed.stdout.strip()
    assert snippet.startswith("<!-- a strict Content-Security-Policy needs script-src 'sha256-")
    url = site.add_page("/shop/early", snippet + BROKEN)

    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    # Started, and the queue the snippet filled is drained and closed.
    page.wait_for_function("() => !!sessionStorage.vs_sid && self.vs_e === null")
    page.wait_for_load_state("load")
    # A load that fails after the SDK started reaches its own listener, not the closed queue.
    page.evaluate("""() => new Promise((done) => {
        const img = document.createElement('img');
        img.onerror = () => setTimeout(done, 50);
        img.src = '/late-missing.png';
        document.body.appendChild(img);
    })""")
    page.goto("about:blank")  # pagehide: the SDK sends what it holds
    collector.wait_accepted(at_least=1)
    context.close()

    rows = collector.stop_and_query({"errors": (
        "SELECT error_type, message, source, occurrences, top_frame FROM js_errors "
        "WHERE site = {site:String} ORDER BY error_type, message, source")})["errors"]
    origin = site.origin
    host = origin.removeprefix("http://")
    html = site.pages["/shop/early"]
    line = html[:html.index("throw new RangeError")].count("\n") + 1
    thrown = rows[0]["source"]
    assert thrown.startswith(f"{origin}/shop/early:{line}:"), (thrown, line)
    assert [(r["error_type"], r["message"], r["source"], r["occurrences"]) for r in rows] == [
        ("RangeError", "thrown before the SDK", thrown, 1),
        ("resource", "img", f"{origin}/late-missing.png", 1),
        ("resource", "img", f"{origin}/missing.png", 1),
        ("resource", "link", f"{origin}/missing.css", 1),
        ("resource", "script", f"{origin}/missing.js", 1),
    ], rows
    assert {r["top_frame"] for r in rows if r["error_type"] == "resource"} == {
        f"{host}/late-missing.png", f"{host}/missing.png", f"{host}/missing.css",
        f"{host}/missing.js"}
