"""Migrated ClickHouse databases reused across the tests of one pytest process.

Applying every migration costs about a second of chDB work per test; emptying the tables of
a database a test left as it found them (same tables, same definitions) costs a fraction of
that. A database whose schema a test changed (a dropped table, an ALTER) is dropped instead,
so the next test still gets exactly what the migrations make."""

from __future__ import annotations

import hashlib
import uuid

from clickhouse_connect.driver.client import Client

from vitalscope.storage.migrator import Migrator


class DatabasePool:
    def __init__(self) -> None:
        self._idle: list[str] = []
        self._schema: str | None = None
        # Tables the migrations themselves fill (the ledger at least), with their row counts:
        # kept as they are, and a test that changed them makes its database unusable.
        self._seeded: dict[str, int] = {}

    def name(self) -> str:
        """A database name for the next test: an emptied migrated one, or a new one."""
        return self._idle.pop() if self._idle else f"t_{uuid.uuid4().hex[:12]}"

    def prepare(self, client: Client, database: str) -> None:
        """Applies the migrations unless `database` came from the pool (then it is ready)."""
        if self._schema is not None and self._fingerprint(client, database) == self._schema:
            return
        Migrator(client).apply()
        if self._schema is None:
            self._schema = self._fingerprint(client, database)
            self._seeded = self._row_counts(client, database)

    def release(self, client: Client, database: str) -> None:
        """Empties `database` for the next test, or drops it when the test changed more than
        its rows."""
        if (self._fingerprint(client, database) != self._schema
                or any(self._row_counts(client, database).get(table) != rows
                       for table, rows in self._seeded.items())):
            client.command(f"DROP DATABASE IF EXISTS {database}")
            return
        for table in self._tables(client, database):
            if table not in self._seeded:
                client.command(f"TRUNCATE TABLE {database}.`{table}`")
        self._idle.append(database)

    @staticmethod
    def _tables(client: Client, database: str) -> list[str]:
        return [row[0] for row in client.query(
            "SELECT name FROM system.tables WHERE database = {db:String} AND NOT is_temporary"
            " AND engine NOT IN ('MaterializedView', 'View')",
            parameters={"db": database}).result_rows]

    @staticmethod
    def _fingerprint(client: Client, database: str) -> str:
        rows = client.query(
            "SELECT name, replaceAll(create_table_query, {db:String}, '') FROM system.tables"
            " WHERE database = {db:String} ORDER BY name", parameters={"db": database}).result_rows
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    @staticmethod
    def _row_counts(client: Client, database: str) -> dict[str, int]:
        return {name: int(rows) for name, rows in client.query(
            "SELECT name, total_rows FROM system.tables WHERE database = {db:String}"
            " AND total_rows > 0", parameters={"db": database}).result_rows}
