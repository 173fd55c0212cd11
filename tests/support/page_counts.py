"""The page tiers' counts per site, bucket and page group: what each vitals_page_counts
tier (migration 0089) must hold of its vitals_pages sibling, summed over the vitals."""

from __future__ import annotations

from typing import Any

from clickhouse_connect.driver.client import Client

PAGE_TIERS = ("1m", "1h", "1d")


def page_counts(client: Client, table: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in client.query(
        f"SELECT site, bucket, page_group, sum(samples), sum(poor) FROM {table} "
        "GROUP BY site, bucket, page_group ORDER BY site, bucket, page_group").result_rows]
