"""Real Chromium for browser tests: Playwright's own when it was downloaded, else Debian's
(/usr/bin/chromium, which scripts/setup.sh installs), with the flags this machine needs."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def launch(playwright: Playwright) -> Browser:
    own = Path(playwright.chromium.executable_path)
    executable = None if own.exists() else shutil.which("chromium") or "/usr/bin/chromium"
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


def console_errors(page: Page) -> list[str]:
    """The list the page's console errors and uncaught exceptions are collected into."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


_REPORT_CSP = """document.addEventListener('securitypolicyviolation', (e) => {
  window.__vsCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} `
                          + `at ${e.sourceFile}:${e.lineNumber} (${e.sample})`);
});"""


def csp_violations(page: Page) -> list[str]:
    """The list Content-Security-Policy violations of every document the page loads go to
    (`securitypolicyviolation` events, reported before the page's own scripts run)."""
    violations: list[str] = []

    def report(text: str) -> None:
        violations.append(text)

    page.expose_function("__vsCspViolation", report)
    page.add_init_script(_REPORT_CSP)
    return violations


def wait_for_js(page: Page, expression: str, timeout_s: float = 60.0) -> None:
    """Waits until `expression` is truthy in the page. `page.wait_for_function` cannot: it
    runs its string through eval inside the page, which the dashboard's CSP (no
    'unsafe-eval') refuses; `page.evaluate` goes through the DevTools protocol instead."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout_s} s: {expression}"
        page.wait_for_timeout(100)
