"""Real components for every test: one chDB engine per test session (a fresh, migrated
database per test) and a real Redis started and stopped here."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from clickhouse_connect.driver.client import Client

from tests.support.database_pool import DatabasePool
from tests.support.serve import ServeProcess
from vitalscope.config import Settings, load_settings
from vitalscope.redisstore.client import sync_client
from vitalscope.redisstore.embedded import EmbeddedRedis
from vitalscope.storage.clickhouse import connect


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Test files in the order the workers of scripts/test.sh take them (--dist loadfile
    --no-loadscope-reorder): the long ones first (marked `slow`, then `browser`), so that no
    worker is left running one of them alone at the end; then the others, most tests first
    (xdist's own order). Tests keep their order within a file."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)

    def rank(tests: list[pytest.Item]) -> tuple[int, int]:
        for place, marker in enumerate(("slow", "browser")):
            if any(test.get_closest_marker(marker) for test in tests):
                return place, 0
        return 2, -len(tests)

    items[:] = [item for tests in sorted(files.values(), key=rank) for item in tests]


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings of the machine running the tests must not leak into them."""
    import os

    for name in list(os.environ):
        if name.startswith("VITALSCOPE_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def chdb_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # chDB allows one folder per process: every in-process test shares this one and
    # isolates itself by database.
    return tmp_path_factory.mktemp("chdb") / "clickhouse"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_client(redis_server: EmbeddedRedis) -> Iterator[redis.Redis]:
    client = sync_client(redis_server.url)
    client.flushall()
    yield client
    client.close()


@pytest.fixture(scope="session")
def database_pool() -> DatabasePool:
    return DatabasePool()


@pytest.fixture
def settings(chdb_folder: Path, redis_server: EmbeddedRedis, tmp_path: Path,
             database_pool: DatabasePool, request: pytest.FixtureRequest) -> Settings:
    """Settings of a test: the session's chDB with a database of its own, the session's Redis.
    A test that asks for `clickhouse` gets a migrated database from the pool; any other test
    a fresh name (it may be testing what happens to a new database)."""
    pooled = "clickhouse" in request.fixturenames
    return load_settings(
        data=tmp_path / "data",
        clickhouse_url=f"chdb://{chdb_folder}",
        clickhouse_database=database_pool.name() if pooled else f"t_{uuid.uuid4().hex[:12]}",
        redis_url=redis_server.url,
        dashboard={"cache_fresh_s": 0},  # tests read what they just wrote (see clean_env)
    )


@pytest.fixture
def clickhouse(settings: Settings, database_pool: DatabasePool) -> Iterator[Client]:
    """A client on an empty database with every migration applied."""
    client = connect(settings, create_database=True)
    database_pool.prepare(client, settings.clickhouse_database)
    yield client
    database_pool.release(client, settings.clickhouse_database)
    client.close()


@pytest.fixture
def serve_factory(tmp_path: Path) -> Iterator[Callable[..., ServeProcess]]:
    """Makes `vitalscope serve` subprocesses; whatever a test leaves running is stopped."""
    made: list[ServeProcess] = []

    def make(data: Path | None = None, **kwargs: Any) -> ServeProcess:
        process = ServeProcess(data or tmp_path / "data", **kwargs)
        made.append(process)
        return process

    yield make
    for process in made:
        if process.process is not None and process.process.poll() is None:
            process.stop()
