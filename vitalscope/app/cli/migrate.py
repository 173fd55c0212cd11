"""`vitalscope migrate`: apply pending migrations (or print them as they would run)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click
from clickhouse_connect.driver.client import Client
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from vitalscope.app.cli.common import load, settings_options, user_errors
from vitalscope.config import Settings
from vitalscope.datadir import DataDir, FolderLock
from vitalscope.runtime import Role, Runtime
from vitalscope.sites import SiteRepository
from vitalscope.sites.events import announce_sites_changed
from vitalscope.storage.clickhouse import connect
from vitalscope.storage.migrator import Migration, Migrator, load_migrations, render


@click.command()
@click.option("--print", "print_sql", is_flag=True,
              help="Print the SQL as it would run (with ON CLUSTER when a cluster is set) "
                   "instead of applying it.")
@settings_options
@user_errors
def migrate(print_sql: bool, config: Path | None, data: Path | None) -> None:
    """Apply pending ClickHouse migrations, in order, idempotently."""
    settings = load(config, data=data)
    if print_sql:
        for version, statements in render(load_migrations(), settings.clickhouse_cluster).items():
            click.echo(f"-- migration {version:04d}")
            for statement in statements:
                click.echo(statement + ";\n")
        return
    if settings.embedded_clickhouse and DataDir(settings.data_dir).running_server():
        click.echo("The running server applied every migration at start; nothing to do.")
        return
    # The folder's lock, as serve takes it, held while migrating (a fresh folder has no
    # database yet: the connection below makes it).
    with (FolderLock(DataDir(settings.data_dir)) if settings.embedded_clickhouse
          else contextlib.nullcontext()):
        client = connect(settings, create_database=True)
        try:
            _apply(client, settings)
            _sync_declared_sites(client, settings)
        finally:
            client.close()


def _sync_declared_sites(client: Client, settings: Settings) -> None:
    """The sites of the configuration made to exist as declared. `serve` does it at start;
    in distributed mode no role does, and `migrate` runs once per upgrade before them."""
    if not settings.sites:
        return
    created = SiteRepository(client, settings.clickhouse_cluster).sync_declared(settings.sites)
    for site in created:
        click.echo(f"site {site.site} created from configuration: key {site.key}"
                   + (f", server key {site.server_key}" if site.server_key else ""))
    if settings.redis_url is not None:  # running collectors reload at once
        runtime = Runtime.open(settings, Role.CLI, with_redis=True, with_clickhouse=False)
        try:
            announce_sites_changed(runtime)
        finally:
            runtime.close()


def _apply(client: Client, settings: Settings) -> None:
    migrator = Migrator(client, settings.clickhouse_cluster)
    pending = migrator.pending()
    if not pending:
        click.echo("Schema is up to date.")
        return
    total = sum(len(render([m], settings.clickhouse_cluster)[m.version]) for m in pending)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  transient=True) as progress:
        task = progress.add_task("migrating", total=total)

        def advance(migration: Migration, index: int, count: int) -> None:
            progress.update(task, advance=1, description=migration.file_name)

        applied = migrator.apply(advance)
    for migration in applied:
        click.echo(f"applied {migration.file_name}")
