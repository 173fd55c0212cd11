"""Real-user traffic for the demo: real Chromium visits to the demo shop, each a fresh
session, so the beacon measures and sends exactly what it would for a person."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synthetics.browser import BrowserPool, desktop_user_agent

if TYPE_CHECKING:
    from playwright.async_api import Page

Action = Callable[["Page"], Awaitable[None]]


async def _nothing(page: Page) -> None:
    return None


async def _click(page: Page, selector: str) -> None:
    await page.click(selector)
    # After Playwright's element click, headless Chromium schedules no idle periods until the
    # pointer moves again; web-vitals processes interactions in an idle callback, so without
    # this move the INP of the click would never be reported. Real browsers need nothing.
    await page.mouse.move(1, 1)


async def _add_to_cart(page: Page) -> None:
    await _click(page, "#add-to-cart")  # the slow handler behind the INP panel


async def _spa_routes(page: Page) -> None:
    for link in ("text=Orders", "text=Settings"):
        await _click(page, link)
        await page.wait_for_timeout(200)


VISITS: list[tuple[str, Action]] = [
    ("/", _nothing),
    ("/product/1", _add_to_cart),
    ("/product/2", _add_to_cart),
    ("/product/3", _nothing),
    ("/product/4", _add_to_cart),
    ("/cart", _nothing),
    ("/gift-cards", _nothing),
    ("/app/", _spa_routes),
]


def device_profiles(version: str) -> list[dict[str, Any]]:
    """Desktop, phone and tablet visitors, so the device breakdowns have something to say."""
    return [
        {"viewport": {"width": 1366, "height": 768}, "user_agent": desktop_user_agent(version)},
        {"viewport": {"width": 412, "height": 915}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2.625,
         "user_agent": f"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                       f"(KHTML, like Gecko) Chrome/{version} Mobile Safari/537.36"},
        {"viewport": {"width": 800, "height": 1280}, "is_mobile": True, "has_touch": True,
         "user_agent": f"Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 "
                       f"(KHTML, like Gecko) Chrome/{version} Safari/537.36"},
    ]


async def visit(pool: BrowserPool, url: str, action: Action, profile: dict[str, Any]) -> None:
    context = await pool.new_context(**profile)
    try:
        page = await context.new_page()
        await page.goto(url, wait_until="load")
        await page.wait_for_timeout(600)  # let the late banner shift the layout
        await action(page)
        await page.wait_for_timeout(300)
        # Leaving the page fires pagehide/visibilitychange, when the beacon sends.
        await page.goto("about:blank")
        await page.wait_for_timeout(100)
    finally:
        await pool.discard(context)


async def drive(shop_url: str, rounds: int, executable: Path | None,
                advance: Callable[[], None]) -> int:
    """Visits every demo page `rounds` times; returns the number of visits made."""
    pool = BrowserPool(executable)
    done = 0
    try:
        profiles = device_profiles(await pool.browser_version())
        for _ in range(rounds):
            for path, action in VISITS:
                await visit(pool, shop_url + path, action, profiles[done % len(profiles)])
                done += 1
                advance()
    finally:
        await pool.close()
    return done
