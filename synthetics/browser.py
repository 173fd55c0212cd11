"""One Chromium kept for every run of a process (a launch costs about a second, a context a
few tens of milliseconds); relaunched when it crashed or had to be killed."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import vitalscope

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Playwright

log = logging.getLogger("vitalscope.synthetics")

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    # Containers give /dev/shm 64 MB, too little for Chromium's shared memory.
    "--disable-dev-shm-usage",
    # A page that allocates without end dies on its own instead of taking the machine.
    "--js-flags=--max-old-space-size=512",
    # Everything a page sends goes through the run's guard tunnel (a proxy): WebRTC must not
    # send UDP around it, and QUIC (UDP too) is not used.
    "--webrtc-ip-handling-policy=disable_non_proxied_udp", "--disable-quic",
]
CLOSE_TIMEOUT_S = 5.0


def desktop_user_agent(chromium_version: str) -> str:
    """What desktop Chrome on Linux sends (headless Chromium names itself HeadlessChrome)."""
    return (f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{chromium_version} Safari/537.36")


def synthetic_user_agent(chromium_version: str) -> str:
    return (f"{desktop_user_agent(chromium_version)} "
            f"VitalscopeSynthetics/{vitalscope.__version__} (synthetic monitor)")


class BrowserUnavailable(Exception):
    pass


def chromium_executable(configured: Path | None, playwright: Playwright) -> str | None:
    """The configured browser, else Playwright's own when it was downloaded, else Debian's."""
    if configured is not None:
        return str(configured)
    own = playwright.chromium.executable_path
    if own and os.access(own, os.X_OK):
        return None
    if os.access(SYSTEM_CHROMIUM, os.X_OK):
        return str(SYSTEM_CHROMIUM)
    raise BrowserUnavailable("no Chromium found: install it (apt-get install chromium) or set "
                             "synthetics.browser_executable")


class BrowserPool:
    """Hands out fresh contexts of one shared browser."""

    def __init__(self, executable: Path | None = None) -> None:
        self.executable = executable
        self.launches = 0
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._lock = asyncio.Lock()

    async def _ensure(self) -> Browser:
        async with self._lock:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            if self._playwright is None:
                from playwright.async_api import async_playwright

                self._playwright = await async_playwright().start()
            executable = chromium_executable(self.executable, self._playwright)
            try:
                self._browser = await self._playwright.chromium.launch(
                    executable_path=executable, args=CHROMIUM_ARGS, headless=True)
            except Exception as exc:
                raise BrowserUnavailable(
                    f"cannot start Chromium ({executable or 'Playwright'}): "
                    f"{str(exc).splitlines()[0][:200]}") from None
            self.launches += 1
            log.info("chromium %s started", self._browser.version)
            return self._browser

    async def browser_version(self) -> str:
        return (await self._ensure()).version

    async def new_context(self, **options: Any) -> BrowserContext:
        """A fresh context. By default it says in its user agent that it is a synthetic
        monitor, so real-user collectors (ours drops user agents containing "monitor") keep
        synthetic page views out of the real-user data; `options` override the defaults."""
        browser = await self._ensure()
        defaults: dict[str, Any] = {
            "service_workers": "block",  # they would answer requests past the guard rails
            "viewport": {"width": 1280, "height": 800},
            "accept_downloads": False,
            "user_agent": synthetic_user_agent(browser.version),
        }
        return await browser.new_context(**{**defaults, **options})

    async def discard(self, context: BrowserContext) -> None:
        """Closes a context; a context that will not close (a renderer spinning in a loop)
        costs the browser, which is killed and relaunched by the next run."""
        try:
            await asyncio.wait_for(context.close(), CLOSE_TIMEOUT_S)
        except Exception:
            log.warning("a browser context did not close; restarting the browser")
            await self._kill_browser()

    async def _kill_browser(self) -> None:
        async with self._lock:
            browser, self._browser = self._browser, None
        if browser is not None:
            try:
                await asyncio.wait_for(browser.close(), CLOSE_TIMEOUT_S)
            except Exception:
                log.warning("the browser did not close; its process is left to Playwright")

    async def close(self) -> None:
        await self._kill_browser()
        if self._playwright is not None:
            playwright, self._playwright = self._playwright, None
            try:
                await asyncio.wait_for(playwright.stop(), CLOSE_TIMEOUT_S)
            except Exception:
                log.warning("playwright did not stop cleanly")
