"""`vitalscope sites add|list`: through the running server's admin API, or directly."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from vitalscope.cli.admin_client import AdminClient, AdminError
from vitalscope.cli.common import fail, load, settings_options, user_errors
from vitalscope.config import Settings
from vitalscope.datadir import DataDir
from vitalscope.runtime import Role, Runtime
from vitalscope.sites import SiteExists, SiteRepository

T = TypeVar("T")


def _with_state(settings: Settings, via_server: Callable[[AdminClient], T],
                direct: Callable[[SiteRepository], T]) -> T:
    """Runs a command against the running server when one holds the data folder, else
    against ClickHouse directly."""
    if settings.embedded_clickhouse:
        token = settings.admin_token.get_secret_value() if settings.admin_token else None
        client = AdminClient.for_running_server(DataDir(settings.data_dir), token)
        if client is not None:
            try:
                return via_server(client)
            except AdminError as exc:
                fail(str(exc))
    runtime = Runtime.open(settings, Role.CLI, with_redis=False, migrate=True)
    try:
        return direct(SiteRepository(runtime.require_clickhouse(),
                                     settings.clickhouse_cluster))
    finally:
        runtime.close()


@click.group()
def sites() -> None:
    """Sites whose beacons the collector accepts."""


@sites.command("add")
@click.argument("name")
@click.option("--origin", "origins", multiple=True,
              help="Allowed origin, e.g. https://shop.example (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@settings_options
@user_errors
def add(name: str, origins: tuple[str, ...], as_json: bool, config: Path | None,
        data: Path | None) -> None:
    """Create a site and print its public ingest key (last line)."""
    settings = load(config, data=data)

    def direct(repo: SiteRepository) -> dict[str, Any]:
        try:
            return repo.add(name, origins).as_dict()
        except (SiteExists, ValueError) as exc:
            fail(str(exc))

    created = _with_state(
        settings,
        lambda c: c.request("POST", "/admin/v1/sites",
                            json={"name": name, "origins": list(origins)}),
        direct,
    )
    if as_json:
        click.echo(json.dumps(created))
        return
    click.echo(f"Site {created['site']} created.")
    click.echo(f"Server key (secret, shown once; for POST /v1/server-timings): "
               f"{created['server_key']}")
    click.echo("Public ingest key:")
    click.echo(created["key"])


@sites.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@settings_options
@user_errors
def list_(as_json: bool, config: Path | None, data: Path | None) -> None:
    """List sites with their public keys and origins."""
    settings = load(config, data=data)
    rows: list[dict[str, Any]] = _with_state(
        settings,
        lambda c: c.request("GET", "/admin/v1/sites"),
        lambda repo: [s.public_dict() for s in repo.all()],
    )
    if as_json:
        click.echo(json.dumps(rows))
        return
    if not rows:
        click.echo("No sites yet: `vitalscope sites add NAME --origin https://your.site`")
        return
    width = max(len(r["site"]) for r in rows)
    for row in rows:
        state = "" if row["enabled"] else "  (disabled)"
        origins = ", ".join(row["origins"]) or "any origin"
        click.echo(f"{row['site']:<{width}}  {row['key']}  {origins}{state}")
