"""Running one check: attempts in fresh contexts of the shared browser, steps timed, lab
vitals, console errors and failed requests gathered, screenshot and trace kept on failure."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synthetics.artifacts import relative, run_folder
from synthetics.browser import BrowserPool
from synthetics.flows import FlowCheck, load_flow
from synthetics.guard import Guard
from synthetics.model import AttemptResult, CheckPlan, LabVital, RunResult, StepResult
from synthetics.steps import EXECUTORS, StepContext, StepFailed
from vitalscope.vitals import LAB_METRICS

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, ConsoleMessage, Page, Request, Response

log = logging.getLogger("vitalscope.synthetics")

LAB_SCRIPT = (resources.files("synthetics") / "labvitals.js").read_text(encoding="utf-8")
READ_LAB = "() => window.__vitalscopeLab ? window.__vitalscopeLab.read() : null"
# A document's first paint is reported after the frame is presented, which on a busy machine
# can be several frames after load; a document with nothing to paint gives up after a bound.
PAINTED = """() => new Promise(resolve => {
  const frames = () => requestAnimationFrame(() => requestAnimationFrame(resolve));
  if (performance.getEntriesByName("first-contentful-paint").length) return frames();
  const observer = new PerformanceObserver(() => { observer.disconnect(); frames(); });
  observer.observe({ type: "paint" });
  setTimeout(() => { observer.disconnect(); resolve(); }, PAINT_WAIT_MS);
})""".replace("PAINT_WAIT_MS", "2500")
PAINT_WAIT_S = 3.0
ARTIFACT_TIMEOUT_S = 4.0
MAX_LISTED = 50
INTERACTIONS = frozenset({"click", "fill", "press", "select"})


def _remove_if_empty(folder: Path) -> None:
    if not any(folder.iterdir()):
        folder.rmdir()


async def _responds(page: Page) -> bool:
    """False when the page's renderer is stuck (an endless loop): reading it would hang."""
    try:
        await asyncio.wait_for(page.evaluate("1"), 0.5)
    except Exception:
        return False
    return True


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line[:500]


@dataclass
class _Attempt:
    """Bookkeeping of one attempt while it runs."""

    plan: CheckPlan
    started: float
    steps: list[StepResult] = field(default_factory=list)
    labs: dict[str, dict[str, Any]] = field(default_factory=dict)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    current: tuple[int, str, str, float] | None = None  # number, action, name, began

    def note(self, bucket: list[str], text: str) -> None:
        if len(bucket) < MAX_LISTED:
            bucket.append(text[:500])

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.note(self.console_errors, message.text)

    def on_page_error(self, error: Exception) -> None:
        self.note(self.console_errors, f"uncaught: {_first_line(error)}")

    def on_request_failed(self, request: Request) -> None:
        failure = request.failure or "failed"
        if "ERR_BLOCKED_BY_CLIENT" not in failure:  # refusals are listed by the guard
            self.note(self.failed_requests, f"{request.method} {request.url}: {failure}")

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.note(self.failed_requests,
                      f"{response.request.method} {response.url}: HTTP {response.status}")


class Runner:
    """Runs checks with one browser pool; artifacts go under `artifacts_root`."""

    def __init__(self, pool: BrowserPool, artifacts_root: Path) -> None:
        self.pool = pool
        self.artifacts_root = artifacts_root

    async def run(self, plan: CheckPlan, trigger: str = "schedule",
                  run_id: str | None = None) -> RunResult:
        run_id = run_id or uuid.uuid4().hex
        started_at = datetime.now(UTC)
        folder = run_folder(self.artifacts_root, plan.name, started_at, run_id)
        attempts: list[AttemptResult] = []
        for number in range(1, plan.retries + 2):
            attempt = await self._attempt(plan, number, folder)
            attempts.append(attempt)
            log.info("check %s attempt %d: %s%s", plan.name, number,
                     "passed" if attempt.passed else "failed",
                     "" if attempt.passed else f" ({attempt.error})")
            if attempt.passed:
                break
        return RunResult(
            run_id=run_id, check=plan.name, location=plan.location,
            site=plan.config.site or "", tags=list(plan.config.tags), trigger=trigger,
            started_at=started_at, finished_at=datetime.now(UTC), attempts=attempts,
        )

    async def _attempt(self, plan: CheckPlan, number: int, folder: Path) -> AttemptResult:
        started_at = datetime.now(UTC)
        began = time.monotonic()
        state = _Attempt(plan, began)
        result = AttemptResult(number, started_at, 0.0, passed=False)
        guard = Guard(plan.hosts)
        ctx = StepContext(plan.config, folder / f"attempt-{number}",
                          final_screenshot=plan.final_screenshot)
        try:
            await guard.start()
            context = await self.pool.new_context(**guard.context_options())
        except Exception as exc:
            await guard.close()
            result.error = f"browser: {_first_line(exc)}"
            result.duration_ms = (time.monotonic() - began) * 1000
            return result
        try:
            page = await self._prepare(context, guard, state, ctx)
            try:
                await asyncio.wait_for(self._body(page, state, ctx), plan.timeout_s)
                result.passed = True
            except TimeoutError:
                result.error = f"timed out after {plan.timeout_s:g} s"
                self._close_current(state, result.error)
            except Exception as exc:
                result.error = _first_line(exc)
                self._close_current(state, result.error)
            result.duration_ms = (time.monotonic() - began) * 1000
            if not result.passed:
                failed = [s for s in state.steps if s.status == "failed"]
                if failed:
                    result.failed_step = failed[-1].step
                    result.error = f"step {failed[-1].step} ({failed[-1].name}): {result.error}"
                elif state.steps:  # between steps, e.g. reading the page's vitals
                    done = state.steps[-1]
                    result.error = f"after step {done.step} ({done.name}): {result.error}"
                if guard.refused:
                    result.error += f" [guard rails: {guard.refused[0]}]"
            responsive = await _responds(page)
            if responsive:
                await self._read_lab(page, state)
            else:
                result.error += " (the page stopped responding)"
            await self._keep_artifacts(context, page, result, ctx, folder, number, responsive)
        except Exception as exc:  # the browser went away under the attempt
            result.passed = False
            result.error = result.error or f"browser: {_first_line(exc)}"
        finally:
            await self.pool.discard(context)
            await guard.close()
        result.steps = state.steps
        result.vitals = self._vitals(state, ctx)
        result.console_errors = state.console_errors
        result.failed_requests = [*guard.refused, *state.failed_requests][:MAX_LISTED]
        return result

    async def _prepare(self, context: BrowserContext, guard: Guard, state: _Attempt,
                       ctx: StepContext) -> Page:
        await guard.install(context)
        await context.add_init_script(script=LAB_SCRIPT)
        await context.tracing.start(snapshots=True, screenshots=False, sources=False)
        page = await context.new_page()

        def close_popup(other: Page) -> None:
            if other is not page:
                state.note(state.console_errors, f"popup closed: {other.url}")
                asyncio.get_running_loop().create_task(other.close())

        context.on("page", close_popup)
        page.on("console", state.on_console)
        page.on("pageerror", state.on_page_error)
        page.on("requestfailed", state.on_request_failed)
        page.on("response", state.on_response)
        page.on("response", lambda response: ctx.on_response(page, response))
        page.on("dialog", lambda dialog: asyncio.get_running_loop().create_task(
            dialog.dismiss()))
        return page

    async def _body(self, page: Page, state: _Attempt, ctx: StepContext) -> None:
        plan = state.plan
        if plan.config.flow is not None:
            flow = load_flow(plan.config.flow)
            check = FlowCheck(plan.config, state.started, state.steps)
            page.set_default_timeout(plan.step_timeout_s * 1000)
            state.current = (1, "flow", "flow", time.monotonic())
            try:
                await flow(page, check)
            finally:
                if check.current is None:
                    state.current = None
            await self._snapshot_lab(page, state)
            if not state.steps:
                state.steps.append(StepResult(1, "flow", "flow", "passed", 0.0,
                                              (time.monotonic() - state.started) * 1000,
                                              url=page.url))
            return
        previous_url = page.url
        for number, step in enumerate(plan.config.steps, start=1):
            began = time.monotonic()
            state.current = (number, step.action, step.describe(), began)
            timeout_s = step.timeout_s or plan.step_timeout_s
            try:
                await EXECUTORS[step.action](page, step, ctx, timeout_s * 1000)
            except StepFailed:
                raise
            except Exception as exc:
                raise StepFailed(_first_line(exc)) from None
            state.current = None
            state.steps.append(StepResult(
                number, step.action, step.describe(), "passed",
                (began - state.started) * 1000, (time.monotonic() - began) * 1000,
                url=page.url))
            if page.url != previous_url or step.action in INTERACTIONS:
                # A new page or an interaction: its paint (FCP, LCP, INP) comes with the
                # next frames, and the next step may leave the page.
                await self._read_lab(page, state)
            else:
                await self._snapshot_lab(page, state)
            previous_url = page.url

    def _close_current(self, state: _Attempt, error: str) -> None:
        """Records the step that was running when the attempt failed."""
        if state.current is None:
            return
        number, action, name, began = state.current
        state.steps.append(StepResult(number, action, name, "failed",
                                      (began - state.started) * 1000,
                                      (time.monotonic() - began) * 1000, error=error))
        state.current = None

    async def _snapshot_lab(self, page: Page, state: _Attempt) -> None:
        """The lab vitals of the document now in the page: kept per document, so each page of
        the flow keeps its last reading."""
        try:
            lab = await asyncio.wait_for(page.evaluate(READ_LAB), 1.0)
        except Exception:
            return  # mid-navigation or a busy page: the next snapshot will do
        if isinstance(lab, dict) and "id" in lab:
            state.labs[str(lab["id"])] = lab

    async def _read_lab(self, page: Page, state: _Attempt) -> None:
        """The last reading waits until the page has painted, so its FCP and LCP are in."""
        with contextlib.suppress(Exception):  # a busy or closed page gives what it has
            await asyncio.wait_for(page.evaluate(PAINTED), PAINT_WAIT_S)
        await self._snapshot_lab(page, state)

    def _vitals(self, state: _Attempt, ctx: StepContext) -> list[LabVital]:
        vitals = []
        for lab in state.labs.values():
            url = str(lab.get("url", ""))
            group = ctx.page_groups.get(url) or state.plan.page_group(url)
            values = lab.get("values") or {}
            for metric in LAB_METRICS:
                value = values.get(metric)
                if isinstance(value, int | float):
                    vitals.append(LabVital(url.split("?")[0], group, metric, float(value)))
        return vitals

    async def _keep_artifacts(self, context: BrowserContext, page: Page,
                              result: AttemptResult, ctx: StepContext, folder: Path,
                              number: int, responsive: bool) -> None:
        """Screenshot and trace of a failure (and a final screenshot when asked): bounded in
        time, because the page may be the reason the attempt failed."""
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        if responsive and (not result.passed or ctx.final_screenshot):
            shot = folder / f"attempt-{number}-{'final' if result.passed else 'failure'}.png"
            try:
                await asyncio.wait_for(page.screenshot(path=str(shot), timeout=3000),
                                       ARTIFACT_TIMEOUT_S)
                result.screenshot = relative(self.artifacts_root.parent, shot)
            except Exception as exc:
                log.info("no screenshot of %s: %s", ctx.check.name, _first_line(exc))
        trace = folder / f"attempt-{number}-trace.zip"
        try:
            if result.passed:
                await asyncio.wait_for(context.tracing.stop(), ARTIFACT_TIMEOUT_S)
            else:
                await asyncio.wait_for(context.tracing.stop(path=str(trace)),
                                       ARTIFACT_TIMEOUT_S)
                result.trace = relative(self.artifacts_root.parent, trace)
        except Exception as exc:
            log.info("no trace of %s: %s", ctx.check.name, _first_line(exc))
        await asyncio.to_thread(_remove_if_empty, folder)
