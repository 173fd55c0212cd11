"""/metrics over every process of a run. Each process writes a snapshot of its counters,
histograms and summaries to `<run>/metrics/<pid>.json` every `SNAPSHOT_S` and when it stops;
the process answering a scrape adds its own live values to every other snapshot, exited
processes' included, so a sum never goes down when a process is restarted (a crash loses at
most its last `SNAPSHOT_S` of counts).

Gauges are not summed: a scrape shows the answering process's own (the ingest queue's
figures are read from Redis at each scrape, the same in any process), and so are the
families named in `STORE_READ`, counters kept in a shared store that every process reads
alike. prometheus-client's multiprocess mode would need its directory set before the first
import of the library and a lock and file write per increment; this keeps the request
path's counters plain integers (collector/metrics.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from prometheus_client import REGISTRY, generate_latest
from prometheus_client.core import Metric
from prometheus_client.registry import Collector, CollectorRegistry

log = logging.getLogger("vitalscope.processes")
SNAPSHOT_S = 1.0
SUMMED = frozenset({"counter", "histogram", "summary"})
STORE_READ: set[str] = set()


def store_read(*names: str) -> None:
    """Families whose value comes from a shared store (Redis): never summed over processes."""
    STORE_READ.update(names)


SampleKey = tuple[str, tuple[tuple[str, str], ...]]


def _shared(families: Iterable[Metric]) -> list[list[Any]]:
    return [[family.name, family.type, family.documentation,
             [[s.name, s.labels, s.value] for s in family.samples]]
            for family in families if family.type in SUMMED and family.name not in STORE_READ]


class _Merged(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterator[Metric]:
        yield from self.families


class MetricsShare:
    """One process's part of the run's /metrics, and the scrape over all of them."""

    name = "metrics-share"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / f"{os.getpid()}.json"
        self._task: asyncio.Task[None] | None = None

    def write(self) -> None:
        body = json.dumps(_shared(REGISTRY.collect()), separators=(",", ":"))
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(body)
        tmp.replace(self.path)

    def _others(self) -> Iterator[list[Any]]:
        for path in self.folder.glob("*.json"):
            if path == self.path:
                continue
            try:
                yield from json.loads(path.read_text())
            except (OSError, ValueError):
                continue  # a folder being removed at the end of the run

    def families(self) -> list[Metric]:
        """This process's live families, with the other processes' summed in."""
        types: dict[str, tuple[str, str]] = {}
        values: dict[str, dict[SampleKey, float]] = {}
        for family in REGISTRY.collect():
            types[family.name] = (family.type, family.documentation)
            samples = values.setdefault(family.name, {})
            for sample in family.samples:
                samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        for name, kind, documentation, samples in self._others():
            known = types.setdefault(name, (kind, documentation))
            if known[0] != kind:
                continue
            into = values.setdefault(name, {})
            for sample_name, labels, value in samples:
                key = (sample_name, tuple(sorted(labels.items())))
                if key not in into:
                    into[key] = value
                elif sample_name.endswith("_created"):  # when the first process counted
                    into[key] = min(into[key], value)
                else:
                    into[key] += value
        merged: list[Metric] = []
        for name, (kind, documentation) in types.items():
            family = Metric(name, documentation, kind)
            for (sample_name, labels), value in values[name].items():
                family.add_sample(sample_name, dict(labels), value)
            merged.append(family)
        return merged

    def exposition(self) -> bytes:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(_Merged(self.families()))
        return generate_latest(registry)

    # As a background service of the process:

    async def start(self) -> None:
        self.write()
        self._task = asyncio.create_task(self._loop(), name=self.name)

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(SNAPSHOT_S)
            try:
                self.write()
            except OSError as exc:  # a full disk must not stop the process
                log.warning("metrics snapshot not written: %s", exc)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(OSError):
            self.write()


_share: MetricsShare | None = None


def install(folder: Path) -> MetricsShare:
    """Makes this process part of a run of several: `exposition` then answers for all."""
    global _share
    _share = MetricsShare(folder)
    return _share


def exposition() -> bytes:
    """The /metrics body: this process's registry, summed over the run's processes."""
    return generate_latest(REGISTRY) if _share is None else _share.exposition()
