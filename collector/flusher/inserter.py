"""One batch insert into one table, in a thread (clickhouse-connect is blocking; chDB runs
in-process), with the batch's deduplication token so a retried insert is stored once,
rollups included."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from clickhouse_connect.driver.client import Client

from collector import metrics
from collector.tables import COLUMNS
from vitalscope.storage.cluster import insert_table


class Inserter:
    def __init__(self, factory: Callable[[], Client], cluster: str | None) -> None:
        self.factory = factory
        self.cluster = cluster
        self.client: Client | None = None

    def insert(self, table: str, rows: list[list[Any]], token: str) -> None:
        if self.client is None:
            self.client = self.factory()
        started = time.perf_counter()
        self.client.insert(
            insert_table(table, self.cluster), rows, column_names=list(COLUMNS[table]),
            settings={
                "insert_deduplicate": 1,
                "insert_deduplication_token": token,
                # Without this a deduplicated retry would still add to the rollups.
                "deduplicate_blocks_in_dependent_materialized_views": 1,
            },
        )
        metrics.FLUSH_LATENCY.labels(table).observe(time.perf_counter() - started)
        metrics.FLUSH_BATCH.labels(table).observe(len(rows))
        metrics.FLUSHED.labels(table).inc(len(rows))

    def reset(self) -> None:
        """Drops the client after a failure: an HTTP client may hold a dead connection."""
        if self.client is not None:
            try:
                self.client.close()
            finally:
                self.client = None

    def close(self) -> None:
        self.reset()
