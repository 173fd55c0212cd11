"""The README's snippet: `vitalscope sdk snippet` prints a tag with an SRI hash that Chromium
loads from the collector's immutable URL; a wrong hash is refused by the browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser

from tests.e2e.sdk.conftest import KEY, Collector
from tests.e2e.sdk.site import ShopSite
from tests.support.serve import run_cli

pytestmark = pytest.mark.browser


def test_the_snippet_with_its_sri_hash_loads_and_reports(
        browser: Browser, site: ShopSite, collector: Collector) -> None:
    printed = run_cli("sdk", "snippet", "--site", KEY, "--url", collector.url,
                      "--data", str(collector.server.data))
    assert printed.returncode == 0, printed.stderr
    tag = printed.stdout.strip()
    integrity = re.search(r'integrity="(sha384-[A-Za-z0-9+/=]+)"', tag)
    assert integrity and f'src="{collector.url}/sdk/' in tag and 'crossorigin="anonymous"' in tag
    url = site.add_page("/shop/snippet", tag)
    wrong = tag.replace(integrity.group(1), "sha384-" + "A" * 64)
    tampered = site.add_page("/shop/tampered", wrong)

    context = browser.new_context()
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "integrity" in m.text else None)
    page.goto(tampered)
    page.wait_for_load_state("load")
    assert page.evaluate("() => sessionStorage.vs_sid") is None, "a script with a wrong hash ran"
    assert refused, "Chromium said nothing about the integrity mismatch"

    page.goto(url)
    page.wait_for_function("() => !!sessionStorage.vs_sid")
    page.wait_for_timeout(300)
    page.goto("about:blank")
    collector.wait_accepted(at_least=1)
    context.close()
    rows = collector.stop_and_query({
        "views": "SELECT url FROM page_views FINAL WHERE site = {site:String}",
        "vitals": "SELECT DISTINCT metric FROM vitals WHERE site = {site:String} ORDER BY metric",
    })
    assert rows["views"] == [{"url": f"{site.origin}/shop/snippet"}]
    assert {"FCP", "TTFB"} <= {v["metric"] for v in rows["vitals"]}
