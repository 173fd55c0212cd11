"""One batch insert into one table, in a thread (clickhouse-connect is blocking; chDB runs
in-process), with the batch's deduplication token so a retried insert is stored once,
rollups included."""

from __future__ import annotations

import time
from collections.abc import Callable

from clickhouse_connect.driver.client import Client

from collector import metrics
from collector.payload import FORMAT
from collector.tables import COLUMNS
from vitalscope.storage.cluster import insert_table


class Inserter:
    def __init__(self, factory: Callable[[], Client], cluster: str | None) -> None:
        self.factory = factory
        self.cluster = cluster
        self.client: Client | None = None

    def insert(self, table: str, data: bytes, token: str) -> None:
        """`data`: JSONCompactEachRow lines, parsed by ClickHouse itself."""
        if self.client is None:
            self.client = self.factory()
        started = time.perf_counter()
        self.client.raw_insert(
            insert_table(table, self.cluster), list(COLUMNS[table]), insert_block=data,
            fmt=FORMAT, settings={
                "insert_deduplicate": 1,
                "insert_deduplication_token": token,
                # Without this a deduplicated retry would still add to the rollups.
                "deduplicate_blocks_in_dependent_materialized_views": 1,
                # Rows queued by the version before an upgrade lack the columns added since
                # (always at the end, collector/tables.py): they take their defaults rather
                # than failing as dead letters.
                "input_format_json_compact_allow_variable_number_of_columns": 1,
            },
        )
        metrics.FLUSH_LATENCY.labels(table).observe(time.perf_counter() - started)
        rows = data.count(b"\n")
        metrics.FLUSH_BATCH.labels(table).observe(rows)
        metrics.FLUSHED.labels(table).inc(rows)

    def reset(self) -> None:
        """Drops the client after a failure: an HTTP client may hold a dead connection."""
        if self.client is not None:
            try:
                self.client.close()
            finally:
                self.client = None

    def close(self) -> None:
        self.reset()
