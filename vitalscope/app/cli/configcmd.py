"""`vitalscope config check|reference`."""

from __future__ import annotations

from pathlib import Path

import click

from vitalscope.app.cli.common import load, settings_options
from vitalscope.config.reference import render_reference
from vitalscope.storage.clickhouse import redact_url


@click.group("config")
def config_group() -> None:
    """Check the configuration or print its reference."""


@config_group.command("check")
@settings_options
def check(config: Path | None, data: Path | None) -> None:
    """Validate settings (environment and YAML) and print what will be used."""
    settings = load(config, data=data)
    click.echo("configuration ok")
    click.echo(f"  data folder: {settings.data_dir}")
    click.echo(f"  clickhouse:  {redact_url(settings.effective_clickhouse_url)}"
               f" (database {settings.clickhouse_database})")
    click.echo(f"  redis:       {'embedded' if settings.embedded_redis else 'server'}")
    click.echo(f"  sites:       {len(settings.sites)} declared")


@config_group.command("reference")
def reference() -> None:
    """Print the configuration reference (Markdown), generated from the settings model."""
    click.echo(render_reference(), nl=False)
