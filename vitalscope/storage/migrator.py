"""Numbered SQL migrations, applied in order, once, and recorded in `schema_migrations`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from clickhouse_connect.driver.client import Client

from vitalscope.storage.cluster import insert_table, render_statement

MIGRATIONS_TABLE = "schema_migrations"
FUNCTIONS_FILE = "functions.sql"
_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_CREATE_MIGRATIONS_TABLE = f"""
CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE}
(
    version    UInt32,
    name       String,
    checksum   String,
    applied_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version
"""


class MigrationError(Exception):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def file_name(self) -> str:
        return f"{self.version:04d}_{self.name}.sql"

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    def statements(self) -> list[str]:
        return split_statements(self.sql)


def split_statements(sql: str) -> list[str]:
    """Statements of a file: `--` comment lines dropped, split on `;` ending a line."""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    parts = re.split(r";\s*(?:\n|$)", "\n".join(lines))
    return [part.strip() for part in parts if part.strip()]


def load_migrations(directory: Path | None = None) -> list[Migration]:
    folder = directory or Path(str(resources.files("vitalscope.storage") / "migrations"))
    found: list[Migration] = []
    for path in sorted(folder.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migration files are named NNNN_what_it_does.sql")
        found.append(Migration(int(match.group(1)), match.group(2), path.read_text("utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share a number")
    return found


def load_functions() -> Migration:
    """The SQL functions of vitalscope/storage/functions.sql, as a migration that runs on
    every apply (version 0: never recorded)."""
    text = (resources.files("vitalscope.storage") / FUNCTIONS_FILE).read_text("utf-8")
    return Migration(0, "functions", text)


def render(migrations: list[Migration], cluster: str | None) -> dict[int, list[str]]:
    """Every migration's statements as they will run: unchanged on one node, replicated and
    distributed on a cluster."""
    if not cluster:
        return {m.version: m.statements() for m in migrations}
    tables: set[str] = set()
    rendered: dict[int, list[str]] = {}
    for migration in migrations:
        rendered[migration.version] = [
            out for statement in migration.statements()
            for out in render_statement(statement, cluster, tables)
        ]
    return rendered


class Migrator:
    def __init__(self, client: Client, cluster: str | None = None,
                 migrations: list[Migration] | None = None) -> None:
        self.client = client
        self.cluster = cluster
        self.migrations = migrations if migrations is not None else load_migrations()

    def _ensure_table(self) -> None:
        statements = render(
            [Migration(0, "schema_migrations", _CREATE_MIGRATIONS_TABLE)], self.cluster
        )[0]
        for statement in statements:
            self.client.command(statement)

    def applied(self) -> dict[int, str]:
        self._ensure_table()
        rows = self.client.query(
            f"SELECT version, checksum FROM {MIGRATIONS_TABLE} FINAL"
        ).result_rows
        return {int(version): str(checksum) for version, checksum in rows}

    def pending(self) -> list[Migration]:
        applied = self.applied()
        for migration in self.migrations:
            recorded = applied.get(migration.version)
            if recorded is not None and recorded != migration.checksum:
                raise MigrationError(
                    f"migration {migration.file_name} was changed after it was applied; "
                    "landed migrations are never edited: add a new numbered file instead"
                )
        return [m for m in self.migrations if m.version not in applied]

    def apply(self, on_statement: Callable[[Migration, int, int], None] | None = None
              ) -> list[Migration]:
        """Applies what is pending; statements are idempotent, so a run that died half-way
        is simply repeated."""
        todo = self.pending()
        # Server-wide, so not in a database's backup: asserted on every run, before the
        # migrations whose queries may use them.
        for statement in render([load_functions()], self.cluster)[0]:
            self.client.command(statement)
        rendered = render(self.migrations, self.cluster)
        for migration in todo:
            statements = rendered[migration.version]
            for index, statement in enumerate(statements):
                try:
                    self.client.command(statement)
                except Exception as exc:
                    raise MigrationError(
                        f"migration {migration.file_name}, statement {index + 1}: "
                        f"{str(exc).strip().splitlines()[0][:300]}"
                    ) from None
                if on_statement:
                    on_statement(migration, index + 1, len(statements))
            self.client.insert(
                insert_table(MIGRATIONS_TABLE, self.cluster),
                [[migration.version, migration.name, migration.checksum, datetime.now(UTC)]],
                column_names=["version", "name", "checksum", "applied_at"],
            )
        return todo
