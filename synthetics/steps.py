"""Step executors: one small coroutine per action of the YAML steps."""

from __future__ import annotations

import asyncio
import fnmatch
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vitalscope.config.synthetics import CheckConfig
from vitalscope.config.synthetics_steps import StepConfig

if TYPE_CHECKING:
    from playwright.async_api import Page, Response


class StepFailed(Exception):
    """An assertion of a step did not hold; the message says what was expected and found."""


@dataclass
class StepContext:
    """What steps share within one attempt."""

    check: CheckConfig
    artifacts: Path
    final_screenshot: bool = False
    last_status: int | None = None
    page_groups: dict[str, str] = field(default_factory=dict)  # url -> page group of goto
    screenshots: list[str] = field(default_factory=list)

    def on_response(self, page: Page, response: Response) -> None:
        """Remembers the status of main-frame navigations for assert_status."""
        request = response.request
        if request.is_navigation_request() and request.frame == page.main_frame:
            self.last_status = response.status


def url_matches(url: str, pattern: str) -> bool:
    return url == pattern or fnmatch.fnmatchcase(url, pattern)


async def _goto(page: Page, step: StepConfig, ctx: StepContext, timeout_ms: float) -> None:
    assert step.url is not None
    url = ctx.check.absolute_url(step.url)
    response = await page.goto(url, timeout=timeout_ms, wait_until="load")
    if response is not None:
        ctx.last_status = response.status
    if step.page_group:
        ctx.page_groups[page.url] = step.page_group


async def _click(page: Page, step: StepConfig, ctx: StepContext, timeout_ms: float) -> None:
    assert step.selector is not None
    await page.click(step.selector, timeout=timeout_ms)


async def _fill(page: Page, step: StepConfig, ctx: StepContext, timeout_ms: float) -> None:
    assert step.selector is not None and step.value is not None
    await page.fill(step.selector, step.value, timeout=timeout_ms)


async def _press(page: Page, step: StepConfig, ctx: StepContext, timeout_ms: float) -> None:
    assert step.key is not None
    if step.selector:
        await page.press(step.selector, step.key, timeout=timeout_ms)
    else:
        await page.keyboard.press(step.key)


async def _select(page: Page, step: StepConfig, ctx: StepContext, timeout_ms: float) -> None:
    assert step.selector is not None and step.value is not None
    await page.select_option(step.selector, step.value, timeout=timeout_ms)


async def _wait_for(page: Page, step: StepConfig, ctx: StepContext, timeout_ms: float) -> None:
    if step.selector is not None:
        state: Any = step.state or "visible"
        await page.wait_for_selector(step.selector, state=state, timeout=timeout_ms)
    elif step.url is not None:
        pattern = step.url

        def matches(url: str) -> bool:
            return url_matches(url, pattern)

        await page.wait_for_url(matches, timeout=timeout_ms)
    else:
        await page.wait_for_load_state("networkidle", timeout=timeout_ms)


async def _assert_text(page: Page, step: StepConfig, ctx: StepContext, timeout_ms: float) -> None:
    assert step.text is not None
    selector = step.selector or "body"
    expected = step.text
    locator = page.locator(selector).first
    try:
        await locator.filter(has_text=re.compile(re.escape(expected))).wait_for(
            state="attached", timeout=timeout_ms)
    except Exception:
        found = await locator.text_content(timeout=1000) if await locator.count() else None
        shown = "no such element" if found is None else repr(" ".join(found.split())[:120])
        raise StepFailed(f"expected text {expected!r} in {selector}, found {shown}") from None


async def _assert_visible(page: Page, step: StepConfig, ctx: StepContext,
                          timeout_ms: float) -> None:
    assert step.selector is not None
    try:
        await page.locator(step.selector).first.wait_for(state="visible", timeout=timeout_ms)
    except Exception:
        raise StepFailed(f"{step.selector} is not visible") from None


async def _assert_url(page: Page, step: StepConfig, ctx: StepContext, timeout_ms: float) -> None:
    assert step.url is not None
    if not url_matches(page.url, step.url):
        raise StepFailed(f"expected the URL to match {step.url!r}, it is {page.url!r}")


async def _assert_status(page: Page, step: StepConfig, ctx: StepContext,
                         timeout_ms: float) -> None:
    if ctx.last_status != step.status:
        raise StepFailed(f"expected HTTP status {step.status}, the last page answered "
                         f"{ctx.last_status if ctx.last_status is not None else 'nothing'}")


async def _screenshot(page: Page, step: StepConfig, ctx: StepContext, timeout_ms: float) -> None:
    label = re.sub(r"[^A-Za-z0-9_.-]+", "-", step.label or f"step-{len(ctx.screenshots) + 1}")
    path = ctx.artifacts / f"{label}.png"
    await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
    await page.screenshot(path=str(path), full_page=bool(step.full_page), timeout=timeout_ms)
    ctx.screenshots.append(str(path))


Executor = Callable[["Page", StepConfig, StepContext, float], Awaitable[None]]

EXECUTORS: dict[str, Executor] = {
    "goto": _goto,
    "click": _click,
    "fill": _fill,
    "press": _press,
    "select": _select,
    "wait_for": _wait_for,
    "assert_text": _assert_text,
    "assert_visible": _assert_visible,
    "assert_url": _assert_url,
    "assert_status": _assert_status,
    "screenshot": _screenshot,
}
