"""Dashboard page weight in real Chromium: bytes transferred (encoded, as on the wire) and time
to the first drawn chart (or the page's first content when it draws none), for a cold visit
(empty browser cache) and a repeat visit of every registered page, against a seeded
`vitalscope serve`. Baseline in the same run: the bytes the same requests would carry with no
compression and no caching (the decoded sizes of the cold visit).

    python -m bench page_weight [--pages overview,pages] [--json-only]

Goals (issue 18): cold Overview with data <= 1,200 KiB, repeat visit <= 60 KiB."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import CDPSession, Page, sync_playwright

from bench.common import emit, free_port, wait_http_ok
from dashboard.web.registry import PAGES
from tests.support.browser import launch

# A page is drawn when its first chart has an SVG, or, for pages without charts, when the
# page's content block holds something other than the loading placeholder.
DRAWN = ("() => document.querySelector('.js-plotly-plot .main-svg') !== null"
         " || (document.querySelector('.vs-content table, .vs-content .vs-empty') !== null"
         " && !document.querySelector('.js-plotly-plot'))")
COLD_GOAL_KIB = 1200
REPEAT_GOAL_KIB = 60


@dataclass
class Transfer:
    """Bytes of every response of one visit, from the DevTools protocol: `encoded` is what
    crossed the wire (headers included), `decoded` the bodies after decompression."""

    encoded: int = 0
    decoded: int = 0
    requests: int = 0
    from_cache: int = 0
    largest: list[tuple[int, str]] = field(default_factory=list)
    _sizes: dict[str, int] = field(default_factory=dict)
    _urls: dict[str, str] = field(default_factory=dict)

    def attach(self, cdp: CDPSession) -> None:
        cdp.on("Network.requestWillBeSent", self._request)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.requestServedFromCache", self._cached)

    def _request(self, event: dict[str, Any]) -> None:
        self._urls[event["requestId"]] = event["request"]["url"]

    def _data(self, event: dict[str, Any]) -> None:
        self._sizes[event["requestId"]] = (self._sizes.get(event["requestId"], 0)
                                           + int(event["dataLength"]))

    def _finished(self, event: dict[str, Any]) -> None:
        self.requests += 1
        self.encoded += int(event["encodedDataLength"])
        self.largest.append((int(event["encodedDataLength"]),
                             self._urls.get(event["requestId"], "?")))
        self.largest = sorted(self.largest, reverse=True)[:5]
        self.decoded += self._sizes.pop(event["requestId"], 0)

    def _cached(self, _event: dict[str, Any]) -> None:
        self.from_cache += 1


def _visit(page: Page, cdp: CDPSession, url: str) -> tuple[Transfer, float]:
    transfer = Transfer()
    transfer.attach(cdp)
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=120_000)
    drawn_ms = (time.perf_counter() - started) * 1000
    page.wait_for_load_state("networkidle")
    # Listeners stay attached to the session: detach this visit's by swapping the handlers.
    cdp.remove_listener("Network.requestWillBeSent", transfer._request)
    cdp.remove_listener("Network.dataReceived", transfer._data)
    cdp.remove_listener("Network.loadingFinished", transfer._finished)
    cdp.remove_listener("Network.requestServedFromCache", transfer._cached)
    return transfer, drawn_ms


def _seed_and_serve(tmp: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    data = tmp / "data"
    subprocess.run([sys.executable, "-m", "tests.support.rum_seed", "--data", str(data),
                    "--out", str(tmp / "expected.json")], check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "vitalscope", "serve", "--data", str(data), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_http_ok(url + "/readyz", alive=lambda: server.poll() is None)
    return server, url, (data / "secrets" / "admin-token").read_text().strip()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench page_weight")
    parser.add_argument("--pages", default="", help="comma-separated page paths (default: all)")
    parser.add_argument("--detail", action="store_true",
                        help="also print each visit's five largest transfers")
    args = parser.parse_args(argv)
    wanted = {p.strip("/") for p in args.pages.split(",") if p} or None
    figures: dict[str, Any] = {"pages": {}}
    with tempfile.TemporaryDirectory() as tmp:
        server, url, token = _seed_and_serve(Path(tmp))
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                for registered in PAGES:
                    name = registered.path.strip("/") or "overview"
                    if wanted and name not in wanted and registered.path.strip("/") not in wanted:
                        continue
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = context.new_page()
                    page.goto(url + "/login")
                    page.fill("#token", token)
                    page.click("button[type=submit]")
                    page.wait_for_load_state("networkidle")
                    cdp = context.new_cdp_session(page)
                    cdp.send("Network.enable")
                    cdp.send("Network.clearBrowserCache")
                    target = f"{url}/dashboard{registered.path}?site=shop&range=7d"
                    cold, cold_ms = _visit(page, cdp, target)
                    page.goto("about:blank")
                    repeat, repeat_ms = _visit(page, cdp, target)
                    context.close()
                    row = {"cold_kib": round(cold.encoded / 1024, 1),
                           "cold_uncompressed_kib": round(cold.decoded / 1024, 1),
                           "cold_requests": cold.requests, "cold_first_chart_ms": round(cold_ms),
                           "repeat_kib": round(repeat.encoded / 1024, 1),
                           "repeat_requests": repeat.requests,
                           "repeat_from_cache": repeat.from_cache,
                           "repeat_first_chart_ms": round(repeat_ms)}
                    figures["pages"][name] = row
                    print(f"{name:14s} cold {row['cold_kib']:8.1f} KiB in {cold.requests:3d} req "
                          f"(uncompressed {row['cold_uncompressed_kib']:8.1f} KiB, ratio "
                          f"{cold.encoded / max(cold.decoded, 1):.3f}), first chart "
                          f"{cold_ms:6.0f} ms | repeat {row['repeat_kib']:7.1f} KiB in "
                          f"{repeat.requests:3d} req, first chart {repeat_ms:6.0f} ms")
                    if args.detail:
                        for label, visit in (("cold", cold), ("repeat", repeat)):
                            for size, where in visit.largest:
                                print(f"    {label:6s} {size / 1024:8.1f} KiB  {where}")
                browser.close()
        finally:
            server.terminate()
            server.wait(60)
    overview = figures["pages"].get("overview")
    if overview:
        figures["goals"] = {"cold_overview_kib": COLD_GOAL_KIB, "repeat_kib": REPEAT_GOAL_KIB,
                            "cold_overview_met": overview["cold_kib"] <= COLD_GOAL_KIB,
                            "repeat_met": all(p["repeat_kib"] <= REPEAT_GOAL_KIB
                                              for p in figures["pages"].values())}
    emit(figures)
    return 0
