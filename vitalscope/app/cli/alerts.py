"""`vitalscope alerts test|list|rules|silence ...`: through the running server's admin API,
or directly on Redis/ClickHouse when nothing runs."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from alerting import views
from alerting.receivertest import UnknownReceiver, send_test
from alerting.silences import SilenceError, SilenceStore
from vitalscope.app.cli.admin_client import AdminClient, run_against_state
from vitalscope.app.cli.common import fail, load, settings_options, user_errors
from vitalscope.config import Settings
from vitalscope.config.alerting import parse_duration
from vitalscope.runtime import Runtime

T = TypeVar("T")
# What each delivery outcome would mean for a real notification.
OUTCOME_WORDS = {
    "retry": "failed (a notification would be retried)",
    "dead": "failed (a notification would go to the dead letters)",
    "gone": "failed: 410 Gone (a notification would disable the receiver)",
    "refused": "refused by the SSRF guard (nothing was sent)",
}


def _on_redis(settings: Settings, via_server: Callable[[AdminClient], T],
              direct: Callable[[Runtime], T]) -> T:
    """Alert states, rules of the API and silences live in Redis."""
    return run_against_state(settings, via_server, direct, redis=True, clickhouse=False)


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, default=str))


@click.group()
def alerts() -> None:
    """Alert rules, firing alerts, silences and receiver tests."""


@alerts.command("test")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@settings_options
@user_errors
def test(name: str, as_json: bool, config: Path | None, data: Path | None) -> None:
    """Send a test notification to receiver NAME and print the result."""
    settings = load(config, data=data)

    def direct(runtime: Runtime) -> dict[str, Any]:
        try:
            return send_test(settings.alerting, name, runtime.clickhouse,
                             settings.clickhouse_cluster)
        except UnknownReceiver as exc:
            fail(str(exc))

    result = run_against_state(settings, lambda c: c.request(
        "POST", f"/admin/v1/alerts/receivers/{name}/test"), direct, redis=False,
        clickhouse=True)
    if as_json:
        _print_json(result)
    else:
        status = f"HTTP {result['status_code']}" if result["status_code"] else "no response"
        outcome = OUTCOME_WORDS.get(result["outcome"], result["outcome"])
        line = (f"receiver {result['receiver']}: {outcome}, {status} in "
                f"{result['latency_ms']} ms (webhook-id {result['webhook_id']})")
        click.echo(line + (f": {result['error']}" if result["error"] else ""))
    if result["outcome"] != "delivered":
        sys.exit(1)


@alerts.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@settings_options
@user_errors
def list_(as_json: bool, config: Path | None, data: Path | None) -> None:
    """Firing and pending alerts."""
    settings = load(config, data=data)
    rows: list[dict[str, Any]] = _on_redis(
        settings, lambda c: c.request("GET", "/admin/v1/alerts"),
        lambda r: views.active_alerts(r.redis))
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("No alerts firing or pending.")
    for row in rows:
        click.echo(f"{row['state']:<8} {row['rule']}  {row['summary']}")


@alerts.command("rules")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@settings_options
@user_errors
def rules(as_json: bool, config: Path | None, data: Path | None) -> None:
    """Alert rules (from the configuration and the admin API)."""
    settings = load(config, data=data)
    rows: list[dict[str, Any]] = _on_redis(
        settings, lambda c: c.request("GET", "/admin/v1/alerts/rules"),
        lambda r: views.rules(settings.alerting, r.redis))
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("No alert rules: add them under `alerting.rules` in the configuration.")
    for row in rows:
        click.echo(f"{row['name']}  {row['kind']}  site={row.get('site') or '-'}  "
                   f"({row['source']})")


@alerts.group("silence")
def silence() -> None:
    """Silences: alerts matching them are not notified until they expire."""


@silence.command("add")
@click.option("-m", "--matcher", "matchers", multiple=True, required=True,
              help="Label matcher: name=value, name!=value, name=~regex, name!~regex "
              "(repeatable; all must match).")
@click.option("--duration", default=None, help="How long, e.g. 2h (default: "
              "alerting.silence_duration).")
@click.option("--comment", default="", help="Why.")
@click.option("--by", "created_by", default="", help="Who.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@settings_options
@user_errors
def silence_add(matchers: tuple[str, ...], duration: str | None, comment: str,
                created_by: str, as_json: bool, config: Path | None,
                data: Path | None) -> None:
    """Silence the alerts matching every matcher."""
    settings = load(config, data=data)
    try:
        seconds = float(parse_duration(duration)) if duration else \
            settings.alerting.silence_duration
    except ValueError as exc:
        fail(f"--duration: {exc}")

    def direct(runtime: Runtime) -> dict[str, Any]:
        try:
            return SilenceStore(runtime.redis).add(list(matchers), seconds, comment=comment,
                                                   created_by=created_by).as_dict()
        except SilenceError as exc:
            fail(str(exc))

    made = _on_redis(settings, lambda c: c.request("POST", "/admin/v1/alerts/silences", json={
        "matchers": list(matchers), "duration": seconds, "comment": comment,
        "created_by": created_by}), direct)
    if as_json:
        _print_json(made)
        return
    click.echo(f"Silence {made['id']} created: {', '.join(made['matchers'])} for "
               f"{seconds:g} s.")


@silence.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@settings_options
@user_errors
def silence_list(as_json: bool, config: Path | None, data: Path | None) -> None:
    """Silences, active and expired."""
    settings = load(config, data=data)
    rows: list[dict[str, Any]] = _on_redis(
        settings, lambda c: c.request("GET", "/admin/v1/alerts/silences"),
        lambda r: views.silences(r.redis))
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("No silences.")
    for row in rows:
        click.echo(f"{row['id']}  {row['state']:<7} {', '.join(row['matchers'])}  "
                   f"{row['comment']}")


@silence.command("expire")
@click.argument("silence_id")
@settings_options
@user_errors
def silence_expire(silence_id: str, config: Path | None, data: Path | None) -> None:
    """End a silence now."""
    settings = load(config, data=data)

    def direct(runtime: Runtime) -> dict[str, Any]:
        try:
            return SilenceStore(runtime.redis).expire(silence_id).as_dict()
        except SilenceError as exc:
            fail(str(exc))

    _on_redis(settings,
              lambda c: c.request("DELETE", f"/admin/v1/alerts/silences/{silence_id}"), direct)
    click.echo(f"Silence {silence_id} expired.")
