"""Alerting fixtures: a real HTTP receiver process, seeded RUM data, an evaluator."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import redis
from clickhouse_connect.driver.client import Client

from alerting.engine import Evaluator
from tests.support.ports import free_port
from vitalscope.config import Settings
from vitalscope.config.alerting import AlertingSettings

RECEIVER_SCRIPT = Path(__file__).with_name("receiver_server.py")
# Evaluation time: yesterday 12:00 UTC, far from any midnight, and recent enough for the
# raw tables' 90-day TTL to keep the seeded week.
NOW = (time.time() // 86400 - 1) * 86400 + 12 * 3600
SECRET = "whsec_" + "c2VjcmV0LXNpZ25pbmcta2V5LWZvci10ZXN0cy0xMjM0"  # 32 bytes


@dataclass
class Receiver:
    port: int
    process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Receiver:
        self.process = subprocess.Popen(
            [sys.executable, str(RECEIVER_SCRIPT), str(self.port)],
            stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready"
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
            if self.process.stdout is not None:
                self.process.stdout.close()
        self.process = None

    def requests(self) -> list[dict[str, Any]]:
        recorded: list[dict[str, Any]] = httpx.get(self.url + "/__requests", timeout=5).json()
        return recorded

    def bodies(self) -> list[Any]:
        return [json.loads(r["body"]) for r in self.requests()]

    def answer(self, status: int, **extra: Any) -> None:
        httpx.post(self.url + "/__control", json={"status": status, **extra}, timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver(free_port()).start()
    yield made
    made.stop()


def alerting_settings(receiver_url: str, rules: list[dict[str, Any]], **extra: Any
                      ) -> AlertingSettings:
    return AlertingSettings.model_validate({
        "rules": rules,
        "receivers": [{"name": "hook", "url": receiver_url, "secrets": [SECRET]}],
        "allow_networks": ["127.0.0.1/32"],
        "group_wait": 0, "group_interval": 0, "repeat_interval": "4h",
        **extra,
    })


@pytest.fixture
def make_evaluator(settings: Settings, clickhouse: Client, redis_client: redis.Redis
                   ) -> Iterator[Callable[..., Evaluator]]:
    made: list[Evaluator] = []

    def make(alerting: AlertingSettings, **options: Any) -> Evaluator:
        evaluator = Evaluator(alerting, redis_client, clickhouse, **options)
        made.append(evaluator)
        return evaluator

    yield make
    for evaluator in made:
        evaluator.close()


def dt(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def insert_vitals(client: Client, rows: list[tuple[str, str, float, float, str, str]]) -> None:
    """rows: (site, metric, ts, value, page_group, release), inserted as one batch."""
    data = [[site, metric, dt(ts), dt(ts), f"e{i}", f"pv{i}", value, page_group, release,
             "mobile"]
            for i, (site, metric, ts, value, page_group, release) in enumerate(rows)]
    client.insert("vitals", data, column_names=[
        "site", "metric", "ts", "received_at", "event_id", "page_view_id", "value",
        "page_group", "release", "device"])


def insert_server_timings(client: Client, rows: list[tuple[str, str, float, float, str]]
                          ) -> None:
    """rows: (site, name, ts, duration, cache_status)."""
    data = [[site, "browser", name, dt(ts), dt(ts), f"s{i}", duration, cache_status]
            for i, (site, name, ts, duration, cache_status) in enumerate(rows)]
    client.insert("server_timings", data, column_names=[
        "site", "source", "name", "ts", "received_at", "event_id", "duration",
        "cache_status"])


def lognormal(rng: np.random.Generator, median: float, n: int) -> list[float]:
    return [float(v) for v in rng.lognormal(np.log(median), 0.5, n)]


def spread(rng: np.random.Generator, start: float, end: float, n: int) -> list[float]:
    return [float(t) for t in rng.uniform(start, end, n)]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


def wait_for(check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")
