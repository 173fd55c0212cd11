"""The ClickHouse HTTP endpoint over chDB answers clickhouse-connect as a ClickHouse server
would: from several processes at once, with compression both ways, parameters, sessions and
errors carrying their exception code; the project's migrations and query files run on it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import clickhouse_connect
import httpx
import lz4.frame
import pytest
from clickhouse_connect.driver.exceptions import DatabaseError

from tests.support.chhttp import ClickHouseHTTP
from vitalscope.config import load_settings
from vitalscope.sites import SiteRepository
from vitalscope.storage.clickhouse import connect
from vitalscope.storage.migrator import Migrator, load_migrations
from vitalscope.storage.sql import named_query


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClickHouseHTTP]:
    server = ClickHouseHTTP(tmp_path_factory.mktemp("chhttp") / "clickhouse").start()
    yield server
    assert server.stop() == 0  # SIGTERM stops it cleanly


def test_ping_and_the_headers_of_an_answer(endpoint: ClickHouseHTTP) -> None:
    assert httpx.get(endpoint.url + "/ping").text == "Ok.\n"
    answer = httpx.post(endpoint.url + "/", params={"query_id": "q-1", "param_x": "41"},
                        content=b"SELECT {x:UInt8} + 1 AS y FORMAT JSONEachRow")
    assert answer.status_code == 200
    assert answer.json() == {"y": 42}
    assert answer.headers["X-ClickHouse-Query-Id"] == "q-1"
    assert answer.headers["X-ClickHouse-Format"] == "JSONEachRow"
    assert answer.headers["X-ClickHouse-Timezone"]
    assert json.loads(answer.headers["X-ClickHouse-Summary"])["read_rows"] == "1"
    # The query in the URL and the body joined, as ClickHouse joins them.
    joined = httpx.post(endpoint.url + "/", params={"query": "SELECT 1 +"}, content=b"2")
    assert joined.text == "3\n"


def test_clickhouse_connect_from_several_processes(endpoint: ClickHouseHTTP) -> None:
    codings = ["lz4", "gzip", "zstd"]  # and this process's client, uncompressed
    procs = [subprocess.Popen(
        [sys.executable, "-m", "tests.support.chhttp", endpoint.url, coding, f"p{i}", "500"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i, coding in enumerate(codings)]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(json.loads(out))
    for out in outputs:
        assert out["count"] == 500
        # Milliseconds kept; UTC comes back naive, as from a ClickHouse server in UTC.
        assert datetime.fromisoformat(out["first"]).replace(tzinfo=UTC) == \
            datetime(2026, 1, 1, 12, 0, 0, 123000, tzinfo=UTC)
        assert out["largest"] == 499
        assert out["type"] == "LowCardinality(String)"
    client = clickhouse_connect.get_client(dsn=endpoint.url, autogenerate_session_id=False)
    rows = client.query("SELECT tag, count(), sum(attrs[tag]) FROM shared.samples "
                        "GROUP BY tag ORDER BY tag").result_rows
    assert rows == [(f"p{i}", 500, 500) for i in range(len(codings))]


def test_compressed_bodies_both_ways(endpoint: ClickHouseHTTP) -> None:
    httpx.post(endpoint.url, content=b"CREATE TABLE IF NOT EXISTS default.c (a UInt32) "
                                     b"ENGINE = MergeTree ORDER BY a").raise_for_status()
    # Two lz4 frames back to back, as clickhouse-connect sends two insert blocks.
    body = lz4.frame.compress(b"INSERT INTO default.c FORMAT TSV\n1\n2\n") + \
        lz4.frame.compress(b"3\n")
    inserted = httpx.post(endpoint.url, content=body, headers={"Content-Encoding": "lz4"})
    assert inserted.status_code == 200, inserted.text
    assert json.loads(inserted.headers["X-ClickHouse-Summary"])["written_rows"] == "3"
    answer = httpx.post(endpoint.url, params={"enable_http_compression": "1"},
                        content=b"SELECT sum(a) FROM default.c",
                        headers={"Accept-Encoding": "lz4"})
    # httpx does not decode lz4: the raw bytes are an lz4 frame.
    assert answer.headers["Content-Encoding"] == "lz4"
    assert lz4.frame.decompress(answer.content) == b"6\n"
    broken = httpx.post(endpoint.url, content=b"not lz4", headers={"Content-Encoding": "lz4"})
    assert broken.status_code == 500
    assert broken.headers["X-ClickHouse-Exception-Code"] == "271"
    unknown = httpx.post(endpoint.url, content=b"SELECT 1", headers={"Content-Encoding": "xz"})
    assert unknown.headers["X-ClickHouse-Exception-Code"] == "89"


def test_sessions_keep_their_state_apart(endpoint: ClickHouseHTTP) -> None:
    one = clickhouse_connect.get_client(dsn=endpoint.url, autogenerate_session_id=True)
    two = clickhouse_connect.get_client(dsn=endpoint.url, autogenerate_session_id=True)
    one.command("CREATE TEMPORARY TABLE scratch (a UInt8)")
    one.command("INSERT INTO scratch VALUES (7)")
    one.command("SET max_threads = 3")
    assert one.query("SELECT a FROM scratch").result_rows == [(7,)]
    assert one.command("SELECT getSetting('max_threads')") == 3
    with pytest.raises(DatabaseError) as raised:
        two.query("SELECT a FROM scratch")
    assert raised.value.code == 60  # UNKNOWN_TABLE: another session's temporary table
    assert two.command("SELECT getSetting('max_threads')") != 3
    checked = httpx.post(endpoint.url, params={"session_id": "never-made", "session_check": "1"},
                         content=b"SELECT 1")
    assert checked.headers["X-ClickHouse-Exception-Code"] == "372"


def test_errors_carry_their_code_and_a_non_200_status(endpoint: ClickHouseHTTP) -> None:
    client = clickhouse_connect.get_client(dsn=endpoint.url, autogenerate_session_id=False)
    with pytest.raises(DatabaseError) as raised:
        client.query("SELECT * FROM default.no_such_table")
    assert raised.value.code == 60
    assert "UNKNOWN_TABLE" in str(raised.value)
    with pytest.raises(DatabaseError) as raised:
        client.command("SELEC 1")
    assert raised.value.code == 62
    answer = httpx.post(endpoint.url, content=b"SELECT throwIf(1, 'boom')")
    assert answer.status_code == 500
    assert answer.headers["X-ClickHouse-Exception-Code"] == "395"
    assert answer.text.startswith("Code: 395. DB::Exception: boom")
    # A setting in the URL reaches the query (and a wrong one is refused by name).
    limited = httpx.post(endpoint.url, params={"max_result_rows": "1",
                                               "result_overflow_mode": "throw"},
                         content=b"SELECT number FROM numbers(5)")
    assert limited.headers["X-ClickHouse-Exception-Code"] == "396"
    unknown = httpx.post(endpoint.url, params={"no_such_setting": "1"}, content=b"SELECT 1")
    assert unknown.status_code == 404
    assert unknown.headers["X-ClickHouse-Exception-Code"] == "115"


def test_the_migrations_and_a_query_file_run_through_it(
        endpoint: ClickHouseHTTP, tmp_path: Path) -> None:
    settings = load_settings(None, data=tmp_path / "data", clickhouse_url=endpoint.url,
                             clickhouse_database="app")
    client = connect(settings, create_database=True)
    applied = Migrator(client).apply()
    assert [m.version for m in applied] == [m.version for m in load_migrations()]
    assert Migrator(client).pending() == []
    created = SiteRepository(client).add("shop", ["https://shop.example"])
    site = SiteRepository(client).get("shop")
    assert site is not None and site.public_key == created.key
    rows = client.query(named_query("dashboard.overview_summary"), parameters={
        "table": "vitals_dims_1m", "site": "shop", "dim": "all", "val": "",
        "from": datetime(2026, 1, 1, tzinfo=UTC), "to": datetime(2026, 1, 2, tzinfo=UTC),
    }).result_rows
    assert rows == []
