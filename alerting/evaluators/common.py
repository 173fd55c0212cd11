"""What every kind's evaluator shares: counted named queries and rule batching arrays."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from clickhouse_connect.driver.client import Client

from alerting.model import Observation
from vitalscope.config.alerting import RuleConfig
from vitalscope.storage.sql import named_query

QUANTILE_LEVELS = (0.5, 0.75, 0.9, 0.95, 0.99)


class Queries:
    """Runs named queries and counts them (the benchmark reports queries per cycle)."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.count = 0

    def rows(self, name: str, parameters: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Rows of `alerting/queries/<name>.sql`, or of another package's named query when
        `name` is dotted (a definition the alerts share with the API, e.g.
        vitalscope/jserrors/releases.py)."""
        self.count += 1
        query = named_query(name if "." in name else f"alerting.{name}")
        result = self.client.query(query, parameters=parameters)
        return [tuple(row) for row in result.result_rows]


class KindEvaluator(Protocol):
    kind: str

    def evaluate(self, queries: Queries, rules: Sequence[RuleConfig], now: float
                 ) -> list[Observation]: ...


def grouped(rules: Sequence[RuleConfig], key: Callable[[RuleConfig], str]
            ) -> tuple[list[str], list[list[int]]]:
    """Rules numbered from 1, grouped by a key (site, or site|metric): a scanned row is
    repeated only for the rules of its own key."""
    keys: list[str] = []
    groups: list[list[int]] = []
    position: dict[str, int] = {}
    for idx, rule in enumerate(rules, start=1):
        k = key(rule)
        if k not in position:
            position[k] = len(keys)
            keys.append(k)
            groups.append([])
        groups[position[k]].append(idx)
    return keys, groups


def batch(rules: Sequence[RuleConfig], key: Callable[[RuleConfig], str]) -> dict[str, Any]:
    """The `keys`, `groups` and `positions` parameters of a batched query."""
    keys, groups = grouped(rules, key)
    return {"keys": keys, "groups": groups, "positions": list(range(1, len(keys) + 1))}


def ms(seconds: float) -> int:
    return round(seconds * 1000)
