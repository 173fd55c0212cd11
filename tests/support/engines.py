"""The browser engines beside Chromium that the SDK's tests run in (Firefox, WebKit): one small
page interface over their different drivers, and the registry the tests pick them from."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol


class EnginePage(Protocol):
    """One tab of a real browser, driven through its WebDriver."""

    engine: str
    version: str

    def goto(self, url: str) -> None:
        """Navigates and waits for the load event."""

    def click(self, selector: str) -> None:
        """A real (trusted) click on the element: pointer down and up, then click."""

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""


def wait_for(page: EnginePage, expression: str, timeout_s: float = 30.0,
             explain: str = "null") -> None:
    """Waits until `expression` is truthy in the page; on timeout the message also holds the
    page's value of `explain`, the state that tells why."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() >= deadline:
            raise AssertionError(f"{page.engine}: still false after {timeout_s} s: "
                                 f"{expression}; {explain} = {page.evaluate(explain)!r}")
        time.sleep(0.1)


def engines() -> dict[str, Callable[[], AbstractContextManager[EnginePage]]]:
    """Each engine's name and how to open a page in it (imported late: each driver's
    package is only needed when its engine runs)."""
    from tests.support.firefox import firefox
    from tests.support.webkit import webkit

    return {"firefox": firefox, "webkit": webkit}
