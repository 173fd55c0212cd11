"""`vitalscope sites add|list`: through the running server's admin API, or directly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from vitalscope.app.cli.admin_client import run_against_state
from vitalscope.app.cli.common import fail, load, settings_options, user_errors
from vitalscope.runtime import Runtime
from vitalscope.sites import SiteExists, SiteRepository
from vitalscope.sites.events import announce_sites_changed


def _repository(runtime: Runtime) -> SiteRepository:
    return SiteRepository(runtime.require_clickhouse(), runtime.settings.clickhouse_cluster)


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

    def direct(runtime: Runtime) -> dict[str, Any]:
        try:
            site = _repository(runtime).add(name, origins).as_dict()
        except (SiteExists, ValueError) as exc:
            fail(str(exc))
        # Running collectors (distributed mode) reload within a second of the bump, not at
        # their next timed refresh (`collector.sites_refresh_s`).
        announce_sites_changed(runtime)
        return site

    created = run_against_state(
        settings,
        lambda c: c.request("POST", "/admin/v1/sites",
                            json={"name": name, "origins": list(origins)}),
        direct,
        # A Redis server is told of the new site; an embedded one is not started for it.
        redis=settings.redis_url is not None,
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
    rows: list[dict[str, Any]] = run_against_state(
        settings,
        lambda c: c.request("GET", "/admin/v1/sites"),
        lambda runtime: [s.public_dict() for s in _repository(runtime).all()],
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
