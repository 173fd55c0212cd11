"""Merging a test's tables for real before it reads them."""

from __future__ import annotations

import time

from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError


def optimize_final(client: Client, *tables: str, timeout_s: float = 60.0) -> None:
    """`OPTIMIZE TABLE ... FINAL` of each table, until it has run. By default it does nothing,
    silently, while a background merge holds some of the parts: TTLs are then not applied
    yet, and rows of one key are merged later in another order (a t-digest's quantiles depend
    on that order). Told to refuse instead, it is asked again until the merge is its own."""
    for table in tables:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                client.command(f"OPTIMIZE TABLE {table} FINAL "
                               "SETTINGS optimize_throw_if_noop = 1")
                break
            except DatabaseError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
