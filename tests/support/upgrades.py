"""An install at an earlier schema version, for the tests of a migration on data that
predates it: its database holds the migrations before the one under test, is upgraded by
the test, and is dropped afterwards."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager

from clickhouse_connect.driver.client import Client

from vitalscope.config import Settings
from vitalscope.storage.clickhouse import connect
from vitalscope.storage.migrator import Migrator, load_migrations


@contextmanager
def install_before(settings: Settings, version: int) -> Iterator[Client]:
    client: Client = connect(settings, create_database=True)
    try:
        Migrator(client, migrations=[m for m in load_migrations()
                                     if m.version < version]).apply()
        yield client
    finally:
        client.command(f"DROP DATABASE IF EXISTS {settings.clickhouse_database}")
        client.close()


def upgrade_to(client: Client, version: int) -> list[int]:
    """The versions applied to reach `version` (later migrations stay out)."""
    upto = [m for m in load_migrations() if m.version <= version]
    return [m.version for m in Migrator(client, migrations=upto).apply()]


def upgrade_to_head(client: Client) -> None:
    """Every later migration too: what today's panels read."""
    Migrator(client).apply()


def run_again(client: Client, versions: Collection[int]) -> None:
    """Every statement of these migrations once more: what an upgrade that died after them
    and was started again does."""
    for migration in load_migrations():
        if migration.version in versions:
            for statement in migration.statements():
                client.command(statement)
