"""`vitalscope synthetics list|run`: the checks of the configuration, and one run by hand.

`run` asks the running server to run the check when one holds the data folder (its browser,
queue and storage); otherwise it runs the browser here and stores the result directly. Either
way it prints each step with its timing and exits 0 when the check passed (also on retry:
flaky), 1 when it failed: usable as a CI step."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import click

from synthetics.browser import BrowserPool
from synthetics.model import CheckPlan, RunResult
from synthetics.runner import Runner
from synthetics.runqueue import RunQueue
from synthetics.service import artifacts_root
from synthetics.writer import ResultsWriter
from vitalscope.app.cli.admin_client import AdminClient, call_server, running_server
from vitalscope.app.cli.common import fail, load, settings_options, user_errors
from vitalscope.config import Settings
from vitalscope.redisstore.client import async_client
from vitalscope.runtime import Role, Runtime
from vitalscope.vitals import METRICS

SERVER_WAIT_SLACK_S = 120.0
UNITLESS = frozenset(m.name for m in METRICS if not m.unit)  # shown as a score, not in ms


@click.group()
def synthetics() -> None:
    """Synthetic checks: list them, run one now."""


def _schedule(plan: CheckPlan, settings: Settings) -> str:
    if plan.config.cron:
        return f"cron {plan.config.cron}"
    return f"every {plan.config.interval_s or settings.synthetics.default_interval_s:g} s"


@synthetics.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@settings_options
@user_errors
def list_(as_json: bool, config: Path | None, data: Path | None) -> None:
    """List the checks of the configuration with their schedule and limits."""
    settings = load(config, data=data)
    plans = [CheckPlan.of(c, settings) for c in settings.synthetics.checks]
    rows: list[dict[str, Any]] = [{
        "name": p.name, "schedule": _schedule(p, settings), "enabled": p.config.enabled,
        "steps": len(p.config.steps), "flow": str(p.config.flow) if p.config.flow else None,
        "timeout_s": p.timeout_s, "retries": p.retries, "location": p.location,
        "tags": list(p.config.tags), "hosts": list(p.hosts),
    } for p in plans]
    if as_json:
        click.echo(json.dumps(rows))
        return
    if not rows:
        click.echo("No checks yet: add them under `synthetics: checks:` in the YAML "
                   "configuration (see docs/synthetics.md)")
        return
    width = max(len(r["name"]) for r in rows)
    for row in rows:
        what = f"flow {row['flow']}" if row["flow"] else f"{row['steps']} steps"
        state = "" if row["enabled"] else "  (disabled)"
        tags = f"  [{', '.join(row['tags'])}]" if row["tags"] else ""
        click.echo(f"{row['name']:<{width}}  {row['schedule']:<16} {what}, timeout "
                   f"{row['timeout_s']:g} s, {row['retries']} retries, {row['location']}"
                   f"{tags}{state}")


def _via_server(client: AdminClient, plan: CheckPlan) -> dict[str, Any]:
    # The server answers when the run is over: wait for its longest possible run.
    result: dict[str, Any] = client.request(
        "POST", f"/admin/v1/synthetics/checks/{plan.name}/run",
        timeout=2 * plan.max_duration_s + SERVER_WAIT_SLACK_S)
    return result


async def _run_here(runtime: Runtime, plan: CheckPlan) -> RunResult:
    pool = BrowserPool(runtime.settings.synthetics.browser_executable)
    redis = async_client(runtime.redis_url or "")
    queue = RunQueue(redis)
    try:
        run_id = await queue.lock(plan.name, plan.max_duration_s, plan.max_duration_s + 60)
        if run_id is None:
            fail(f"check {plan.name!r} is still running elsewhere; try again later")
        try:
            from synthetics.executor import run_bounded

            return await run_bounded(Runner(pool, artifacts_root(runtime)), plan, "manual",
                                     run_id)
        finally:
            await queue.unlock(plan.name, run_id)
    finally:
        await pool.close()
        await redis.aclose()


def _direct(settings: Settings, plan: CheckPlan) -> dict[str, Any]:
    runtime = Runtime.open(settings, Role.CLI, with_redis=True, migrate=True)
    try:
        result = asyncio.run(_run_here(runtime, plan))
        writer = ResultsWriter(runtime.new_clickhouse_client, settings.clickhouse_cluster)
        writer.add(result)
        try:
            writer.flush_sync()
        finally:
            if writer._client is not None:
                writer._client.close()
        return result.as_dict()
    finally:
        runtime.close()


def _print(result: dict[str, Any], root: Path) -> None:
    for attempt in result["attempts"]:
        if len(result["attempts"]) > 1:
            click.echo(f"attempt {attempt['attempt']}: "
                       f"{'passed' if attempt['passed'] else 'failed'}")
        for step in attempt["steps"]:
            mark = "ok  " if step["status"] == "passed" else "FAIL"
            click.echo(f"  {mark} {step['step']:>2}. {step['name'][:60]:<60} "
                       f"{step['duration_ms']:>8.0f} ms")
            if step["error"]:
                click.echo(f"          {step['error'][:200]}")
        vitals: dict[str, list[str]] = {}
        for vital in attempt["vitals"]:
            vitals.setdefault(vital["page_group"], []).append(
                f"{vital['metric']} {vital['value']:.3f}" if vital["metric"] in UNITLESS
                else f"{vital['metric']} {vital['value']:.0f} ms")
        for group, values in vitals.items():
            click.echo(f"       lab vitals {group}: {', '.join(values)}")
        for kind in ("screenshot", "trace"):
            if attempt[kind]:
                click.echo(f"       {kind}: {root / attempt[kind]}")
    attempts = len(result["attempts"])
    line = (f"{result['check']}: {result['status']} in {result['duration_ms']:.0f} ms "
            f"({attempts} attempt{'s' if attempts > 1 else ''}, run {result['run_id']})")
    click.echo(line)
    if result["status"] != "passed" and result["error"]:
        click.echo(f"error: {result['error']}")


@synthetics.command("run")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@settings_options
@user_errors
def run(name: str, as_json: bool, config: Path | None, data: Path | None) -> None:
    """Run one check now; exit status 0 when it passed, 1 when it failed."""
    settings = load(config, data=data)
    check = settings.synthetics.check(name)
    if check is None:
        known = ", ".join(c.name for c in settings.synthetics.checks) or "none configured"
        fail(f"no check named {name!r} (checks: {known})", code=2)
    plan = CheckPlan.of(check, settings)
    client = running_server(settings)
    result = call_server(client, lambda c: _via_server(c, plan)) if client is not None \
        else _direct(settings, plan)
    if as_json:
        click.echo(json.dumps(result))
    else:
        _print(result, settings.data_dir / "artifacts")
    raise SystemExit(0 if result["status"] in ("passed", "flaky") else 1)
