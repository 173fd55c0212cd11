"""`vitalscope deadletters list|replay|drop`: through the running server's admin API, or
directly on Redis when nothing runs."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from collector.deadletters import DeadLetters, UnknownDeadLetter
from vitalscope.app.cli.admin_client import run_against_state
from vitalscope.app.cli.common import fail, load, settings_options, user_errors
from vitalscope.config import Settings
from vitalscope.runtime import Runtime


def _store(runtime: Runtime) -> DeadLetters:
    return DeadLetters(runtime.redis, runtime.settings.collector.stream_max_len)


def _selection(ids: tuple[str, ...], every: bool) -> dict[str, Any]:
    if every == bool(ids):
        fail("name dead-letter IDs or pass --all (not both)", 2)
    return {"all": True} if every else {"ids": list(ids)}


def _change(settings: Settings, action: str, selection: dict[str, Any]) -> dict[str, Any]:
    def direct(runtime: Runtime) -> dict[str, Any]:
        store = _store(runtime)
        chosen = None if selection.get("all") else selection["ids"]
        try:
            result: dict[str, Any] = getattr(store, action)(chosen)
        except UnknownDeadLetter as exc:
            fail(str(exc))
        return result

    return run_against_state(
        settings, lambda c: c.request("POST", f"/admin/v1/deadletters/{action}",
                                      json=selection),
        direct, redis=True, clickhouse=False)


@click.group()
def deadletters() -> None:
    """Ingest dead letters: rows ClickHouse refused and entries that cannot be decoded."""


@deadletters.command("list")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10000),
              help="Show at most this many (oldest first).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@settings_options
@user_errors
def list_(limit: int, as_json: bool, config: Path | None, data: Path | None) -> None:
    """Dead letters: id, time, site, table and why (truncated)."""
    settings = load(config, data=data)
    rows: list[dict[str, Any]] = run_against_state(
        settings, lambda c: c.request("GET", "/admin/v1/deadletters",
                                      params={"limit": limit}),
        lambda r: [letter.as_dict() for letter in _store(r).oldest(limit)],
        redis=True, clickhouse=False)
    if as_json:
        click.echo(json.dumps(rows))
        return
    if not rows:
        click.echo("No dead letters.")
    for row in rows:
        at = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(row["at_ms"] / 1000))
        reason = row["reason"] if len(row["reason"]) <= 100 else row["reason"][:99] + "…"
        click.echo(f"{row['id']}  {at}Z  {row['site'] or '-'}  {row['table'] or '-'}  "
                   f"{reason}")


@deadletters.command("replay")
@click.argument("ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Replay every dead letter.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@settings_options
@user_errors
def replay(ids: tuple[str, ...], every: bool, as_json: bool, config: Path | None,
           data: Path | None) -> None:
    """Queue dead letters IDS (or --all) for ingestion again; those still invalid stay."""
    settings = load(config, data=data)
    result = _change(settings, "replay", _selection(ids, every))
    if as_json:
        click.echo(json.dumps(result))
    else:
        click.echo(f"replayed {len(result['replayed'])}, kept {len(result['kept'])}")
        for kept in result["kept"]:
            click.echo(f"kept {kept['id']}: {kept['reason']}")
    if result["kept"]:
        sys.exit(1)


@deadletters.command("drop")
@click.argument("ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Drop every dead letter.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@settings_options
@user_errors
def drop(ids: tuple[str, ...], every: bool, as_json: bool, config: Path | None,
         data: Path | None) -> None:
    """Delete dead letters IDS (or --all) for good."""
    settings = load(config, data=data)
    result = _change(settings, "drop", _selection(ids, every))
    click.echo(json.dumps(result) if as_json else f"dropped {result['dropped']}")
