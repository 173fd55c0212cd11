"""Runs of real checks in real Chromium against the test shop."""

from __future__ import annotations

from pathlib import Path

from clickhouse_connect.driver.client import Client

from synthetics.browser import BrowserPool
from synthetics.model import RunResult
from synthetics.runner import Runner
from synthetics.writer import ResultsWriter
from tests.synthetics.checks import checkout, plan
from tests.synthetics.conftest import Loop
from tests.synthetics.shop import Shop
from vitalscope.config import Settings
from vitalscope.storage.clickhouse import connect


def _stored(settings: Settings, clickhouse: Client, result: RunResult) -> dict[str, object]:
    """The run as the results writer stores it, read back from ClickHouse."""
    writer = ResultsWriter(lambda: connect(settings), None)
    writer.add(result)
    assert writer.flush_sync() == 1
    # A batch sent again (its first insert landed, but the answer was lost) is stored once.
    writer.add(result)
    assert writer.flush_sync() == 1
    query = clickhouse.query(
        "SELECT status, attempts, error, failed_step, screenshot, trace, duration_ms "
        "FROM synthetic_runs WHERE run_id = {id:String}", parameters={"id": result.run_id})
    assert len(query.result_rows) == 1
    return dict(zip(query.column_names, query.result_rows[0], strict=True))


def test_passing_checkout_flow_records_steps_timings_and_lab_vitals(
        aloop: Loop, pool: BrowserPool, shop: Shop, artifacts: Path) -> None:
    result = aloop.run(Runner(pool, artifacts).run(plan(checkout(shop))))
    assert result.status == "passed", result.error
    assert len(result.attempts) == 1
    steps = result.last.steps
    assert [s.step for s in steps] == list(range(1, 16))
    assert all(s.status == "passed" and s.duration_ms >= 0 for s in steps)
    assert steps[2].url.endswith("/product/1") and steps[-1].url.endswith("/thanks")
    assert steps[0].offset_ms <= steps[1].offset_ms <= steps[-1].offset_ms
    by_group = {(v.page_group, v.metric): v.value for v in result.last.vitals}
    for group in ("home", "/product/:id", "/cart", "/checkout", "/thanks"):
        assert (group, "TTFB") in by_group, sorted(by_group)
        assert (group, "FCP") in by_group
        assert by_group[(group, "CLS")] >= 0
    assert 0 < by_group[("home", "FCP")] < 10_000
    assert ("/product/:id", "INP") in by_group  # the add-to-cart click was an interaction
    assert any("recommendations unavailable" in e for e in result.last.console_errors)
    assert any("/missing.png: HTTP 404" in r for r in result.last.failed_requests)
    assert result.last.screenshot == "" and result.last.trace == ""


def test_missing_selector_fails_with_screenshot_trace_and_error(
        aloop: Loop, pool: BrowserPool, shop: Shop, artifacts: Path, settings: Settings,
        clickhouse: Client) -> None:
    check = {"name": "broken", "base_url": shop.url, "retries": 0,
             "steps": [{"goto": "/"}, {"click": {"selector": "#no-such-button",
                                                 "timeout_s": 1}}]}
    result = aloop.run(Runner(pool, artifacts).run(plan(check)))
    assert result.status == "failed"
    assert result.error.startswith("step 2 (click #no-such-button):")
    assert "#no-such-button" in result.error and "Timeout" in result.error
    attempt = result.last
    assert attempt.failed_step == 2
    assert [s.status for s in attempt.steps] == ["passed", "failed"]
    root = artifacts.parent
    assert attempt.screenshot.endswith("attempt-1-failure.png")
    assert attempt.trace.endswith("attempt-1-trace.zip")
    assert (root / attempt.screenshot).read_bytes()[:4] == b"\x89PNG"
    assert (root / attempt.trace).stat().st_size > 1000
    stored = _stored(settings, clickhouse, result)
    assert stored["status"] == "failed" and stored["attempts"] == 1
    assert stored["error"] == result.error and stored["failed_step"] == 2
    assert (stored["screenshot"], stored["trace"]) == (attempt.screenshot, attempt.trace)


def test_page_that_loops_forever_is_stopped_at_the_timeout(
        aloop: Loop, pool: BrowserPool, shop: Shop, artifacts: Path) -> None:
    check = {"name": "busy", "base_url": shop.url, "retries": 0, "timeout_s": 3,
             "steps": [{"goto": "/loop"}, {"click": {"selector": "#spin", "timeout_s": 30}},
                       {"assert_text": "never gets here"}]}
    result = aloop.run(Runner(pool, artifacts).run(plan(check)), timeout=60)
    assert result.status == "failed"
    assert result.error.startswith("step 2 (click #spin): timed out after 3 s")
    assert "the page stopped responding" in result.error
    assert result.duration_ms < 30_000
    # The shared browser still serves the next run.
    after = aloop.run(Runner(pool, artifacts).run(plan(
        {"name": "after", "base_url": shop.url, "steps": [{"goto": "/"},
                                                          {"assert_text": "Welcome"}]})))
    assert after.status == "passed", after.error


def test_flow_that_passes_on_retry_is_flaky(
        aloop: Loop, pool: BrowserPool, shop: Shop, artifacts: Path, settings: Settings,
        clickhouse: Client) -> None:
    check = {"name": "flaky", "base_url": shop.url, "retries": 2,
             "steps": [{"goto": "/flaky/runner-test"},
                       {"assert_visible": {"selector": "#ready", "timeout_s": 0.5}}]}
    result = aloop.run(Runner(pool, artifacts).run(plan(check)))
    assert result.status == "flaky"
    assert [a.passed for a in result.attempts] == [False, True]
    assert "#ready is not visible" in result.error
    assert result.attempts[0].screenshot  # the evidence of the flake is kept
    stored = _stored(settings, clickhouse, result)
    assert stored["status"] == "flaky" and stored["attempts"] == 2
    assert "#ready is not visible" in str(stored["error"])
    assert stored["screenshot"] == result.attempts[0].screenshot
    steps = clickhouse.query("SELECT attempt, step, status FROM synthetic_steps "
                             "WHERE run_id = {id:String} ORDER BY attempt, step",
                             parameters={"id": result.run_id}).result_rows
    assert steps == [(1, 1, "passed"), (1, 2, "failed"), (2, 1, "passed"), (2, 2, "passed")]


def test_python_flow_with_its_own_steps(
        aloop: Loop, pool: BrowserPool, shop: Shop, artifacts: Path, tmp_path: Path) -> None:
    flow = tmp_path / "cart_flow.py"
    flow.write_text(
        "async def flow(page, check):\n"
        "    async with check.step('open product'):\n"
        "        await page.goto(check.url('/product/1'))\n"
        "    async with check.step('add to cart'):\n"
        "        await page.click('#add')\n"
        "        await page.wait_for_selector('text=Added to cart')\n"
    )
    result = aloop.run(Runner(pool, artifacts).run(plan(
        {"name": "pyflow", "flow": str(flow), "base_url": shop.url})))
    assert result.status == "passed", result.error
    assert [(s.name, s.status) for s in result.last.steps] == [
        ("open product", "passed"), ("add to cart", "passed")]
    assert any(v.page_group == "/product/1" for v in result.last.vitals)


def test_python_flow_stopped_at_the_timeout_names_its_step(
        aloop: Loop, pool: BrowserPool, shop: Shop, artifacts: Path, tmp_path: Path) -> None:
    flow = tmp_path / "stuck_flow.py"
    flow.write_text(
        "import asyncio\n\n"
        "async def flow(page, check):\n"
        "    async with check.step('open'):\n"
        "        await page.goto(check.url('/'))\n"
        "    async with check.step('wait forever'):\n"
        "        await asyncio.Event().wait()\n"
    )
    result = aloop.run(Runner(pool, artifacts).run(plan(
        {"name": "stuck", "flow": str(flow), "base_url": shop.url, "timeout_s": 2,
         "retries": 0})))
    assert result.status == "failed"
    assert result.error.startswith("step 2 (wait forever): timed out after 2 s")
    assert [(s.name, s.status) for s in result.last.steps] == [
        ("open", "passed"), ("wait forever", "failed")]
    assert result.last.steps[1].error == "interrupted at the attempt's timeout"
