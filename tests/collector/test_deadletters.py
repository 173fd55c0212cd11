"""Dead letters are operable: `vitalscope deadletters list|replay|drop` with and without a
running `serve` (the admin API behind it, token checked before any body is read), and their
retention and cap drop only what they count in /metrics."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import redis
from clickhouse_connect.driver.client import Client
from redis.typing import EncodableT, FieldT

from collector.payload import row_entry
from tests.collector import crafted
from tests.collector.conftest import with_collector
from tests.collector.harness import InProcessCollector, collector_runtime
from tests.collector.queue import wait_drained
from tests.support.ingest_metrics import metric_value
from tests.support.redis_replies import stream
from tests.support.serve import ServeProcess, clean_env, run_cli
from vitalscope.config import Settings
from vitalscope.redisstore import keys
from vitalscope.redisstore.embedded import EmbeddedRedis

LONG_REASON = "vitals: DatabaseError: Code: 27. Cannot parse input " + "x" * 400


def _seed(client: redis.Redis) -> dict[str, str]:
    """A refused row that would land now, an undecodable entry, and one more row."""
    row = crafted.vital_row(int(time.time() * 1000), event_id="v-replay-1")
    line = json.dumps(row, separators=(",", ":")).encode() + b"\n"

    def add(fields: dict[FieldT, EncodableT]) -> str:
        ident = client.xadd(keys.DEAD_LETTERS, fields)
        return ident.decode() if isinstance(ident, bytes) else str(ident)

    return {
        "row": add({"id": "1-0", "reason": LONG_REASON, "site": "shop", "table": "vitals",
                    "event": "v-replay-1", "b": row_entry("shop", "vitals", line,
                                                          "v-replay-1")}),
        "junk": add({"id": "2-0", "reason": "undecodable entry: junk", "site": "",
                     "table": "", "event": "", "b": b"\x00junk"}),
        "other": add({"id": "3-0", "reason": "vitals: x", "site": "blog", "table": "vitals",
                      "event": "v-2", "b": row_entry("blog", "vitals", line, "v-2")}),
    }


def _exercise(cli: Callable[..., tuple[int, str, str]], client: redis.Redis,
              wait_replayed: Callable[[], None]) -> None:
    ids = _seed(client)
    code, out, err = cli("list", "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert [r["id"] for r in listed] == [ids["row"], ids["junk"], ids["other"]]
    assert (listed[0]["site"], listed[0]["table"], listed[0]["entry"]) == ("shop", "vitals",
                                                                          "1-0")
    assert listed[0]["reason"] == LONG_REASON[:200]
    assert abs(listed[0]["at_ms"] / 1000 - time.time()) < 600
    code, out, _ = cli("list")
    assert code == 0 and ids["junk"] in out and "undecodable entry: junk" in out
    assert max(len(line) for line in out.splitlines()) < 200  # reasons are truncated

    code, out, err = cli("replay", ids["row"], ids["junk"], "--json")
    assert code == 1, err  # something stayed
    result = json.loads(out)
    assert [r["id"] for r in result["replayed"]] == [ids["row"]]
    assert [r["id"] for r in result["kept"]] == [ids["junk"]]
    assert result["kept"][0]["reason"].startswith("still invalid: undecodable entry")
    wait_replayed()
    code, out, _ = cli("list", "--json")
    assert [r["id"] for r in json.loads(out)] == [ids["junk"], ids["other"]]
    code, _, err = cli("replay", "9-9")
    assert code == 1 and "no dead letter '9-9'" in err
    code, _, err = cli("drop")
    assert code == 2 and "--all" in err
    code, out, _ = cli("drop", ids["other"], "--json")
    assert code == 0 and json.loads(out) == {"dropped": 1}
    code, out, _ = cli("drop", "--all")
    assert code == 0 and out.strip() == "dropped 1"
    assert client.xlen(keys.DEAD_LETTERS) == 0


def test_deadletters_without_a_running_server(
        redis_client: redis.Redis, redis_server: EmbeddedRedis, tmp_path: Path) -> None:
    env = clean_env(VITALSCOPE_REDIS_URL=redis_server.url)

    def cli(*args: str) -> tuple[int, str, str]:
        done = run_cli("deadletters", *args, "--data", str(tmp_path / "data"), env=env)
        return done.returncode, done.stdout, done.stderr

    def replayed() -> None:  # nothing flushes here: the entry waits in the ingest stream
        entries = stream(redis_client, keys.STREAM)
        assert len(entries) == 1 and b"v-replay-1" in entries[0][1][b"b"]

    _exercise(cli, redis_client, replayed)


def test_deadletters_through_a_running_server(
        redis_client: redis.Redis, redis_server: EmbeddedRedis,
        serve_factory: Callable[..., ServeProcess]) -> None:
    server = serve_factory(env=clean_env(VITALSCOPE_REDIS_URL=redis_server.url)).start(
        timeout=180)

    def cli(*args: str) -> tuple[int, str, str]:
        done = run_cli("deadletters", *args, "--data", str(server.data),
                       env=clean_env(VITALSCOPE_REDIS_URL=redis_server.url))
        return done.returncode, done.stdout, done.stderr

    _exercise(cli, redis_client, lambda: wait_drained(redis_client))
    # The serve's flusher stored the replayed row: nothing came back as a dead letter.
    assert redis_client.xlen(keys.DEAD_LETTERS) == 0

    admin = server.url + "/admin/v1/deadletters"
    assert httpx.post(admin + "/replay", content=b"{not json").status_code == 401
    assert httpx.get(admin).status_code == 401
    auth = {"Authorization": f"Bearer {server.admin_token()}"}
    bad = httpx.post(admin + "/replay", content=b"{not json", headers=auth)
    assert bad.status_code == 422 and "all" in bad.json()["message"]
    both = httpx.post(admin + "/drop", json={"ids": ["1-0"], "all": True}, headers=auth)
    assert both.status_code == 422
    assert httpx.post(admin + "/drop", json={"ids": ["nope"]}, headers=auth).status_code == 404
    assert httpx.get(admin, headers=auth).json() == []


def test_retention_and_cap_drop_only_what_they_count(
        settings: Settings, sites: Client, redis_client: redis.Redis) -> None:
    for sequence in range(2):  # from 1970: far past the retention
        redis_client.xadd(keys.DEAD_LETTERS, {"table": "vitals", "reason": "r", "b": b""},
                          id=f"1000-{sequence}")
    for _ in range(5):
        redis_client.xadd(keys.DEAD_LETTERS, {"table": "", "reason": "r", "b": b""})
    runtime = collector_runtime(with_collector(settings, dead_letter_retention_s=3600,
                                               dead_letter_max=3))
    with InProcessCollector(runtime, with_flusher=True) as server, httpx.Client(
            base_url=server.url) as client:
        deadline = time.monotonic() + 30
        while redis_client.xlen(keys.DEAD_LETTERS) > 3:
            assert time.monotonic() < deadline, "dead letters were never trimmed"
            time.sleep(0.1)
        metrics = client.get("/metrics").text
    runtime.close()
    assert metric_value(metrics, "vitalscope_dead_letters_trimmed_total", cause="retention",
                        reason="vitals") == 2
    assert metric_value(metrics, "vitalscope_dead_letters_trimmed_total", cause="cap",
                        reason="entry") == 2
    assert metric_value(metrics, "vitalscope_dead_letters") == 3
    assert redis_client.xlen(keys.DEAD_LETTERS) == 3
