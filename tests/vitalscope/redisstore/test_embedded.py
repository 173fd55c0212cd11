from __future__ import annotations

from pathlib import Path

import redis

from vitalscope.redisstore.client import sync_client
from vitalscope.redisstore.embedded import EmbeddedRedis


def test_embedded_redis_persists_across_restarts(tmp_path: Path) -> None:
    server = EmbeddedRedis(tmp_path / "redis", appendfsync="always")
    server.start()
    client = sync_client(server.url)
    client.xadd("stream", {"n": "1"})
    client.close()
    server.stop()
    assert not server.socket_path.exists()
    server.start()
    client = sync_client(server.url)
    assert client.xlen("stream") == 1
    info = client.info("persistence")
    assert info["aof_enabled"] == 1
    client.close()
    server.stop()


def test_an_orphan_on_the_socket_is_stopped_and_replaced(tmp_path: Path) -> None:
    first = EmbeddedRedis(tmp_path / "redis")
    first.start()
    sync_client(first.url).set("kept", "yes")
    orphan = first.process
    first.process = None  # forget it, as a crashed owner would
    second = EmbeddedRedis(tmp_path / "redis")
    second.start()
    assert orphan is not None and orphan.wait(10) == 0
    assert sync_client(second.url).get("kept") == b"yes"
    second.stop()


def test_long_data_paths_get_a_short_socket(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    server = EmbeddedRedis(deep)
    assert len(str(server.socket_path)) < 100
    server.start()
    assert sync_client(server.url).ping()
    server.stop()


def test_embedded_redis_has_a_memory_bound_and_refuses_writes_past_it(tmp_path: Path) -> None:
    server = EmbeddedRedis(tmp_path / "redis", maxmemory_mib=32)
    server.start()
    client = sync_client(server.url)
    try:
        assert client.config_get("maxmemory")["maxmemory"] == str(32 * 1024 * 1024)
        assert client.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
        client.xadd("queued", {"b": "kept"})
        refused = None
        for _ in range(200):  # 50 MiB at most: past the bound
            try:
                client.append("ballast", b"x" * (256 * 1024))
            except redis.OutOfMemoryError as exc:
                refused = exc
                break
        assert refused is not None
        assert client.xlen("queued") == 1  # nothing evicted
    finally:
        client.close()
        server.stop()
