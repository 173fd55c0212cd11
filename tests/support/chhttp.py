"""The ClickHouse HTTP endpoint over chDB (`vitalscope dev clickhouse-http`) as a real
subprocess, and a clickhouse-connect client of it run in a process of its own."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import clickhouse_connect
import httpx

from tests.support.ports import free_port
from tests.support.serve import VITALSCOPE, clean_env


@dataclass
class ClickHouseHTTP:
    path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120.0) -> ClickHouseHTTP:
        log = open(self.path.parent / f"clickhouse-http-{self.port}.log", "a")  # noqa: SIM115
        self.process = subprocess.Popen(
            [*VITALSCOPE, "dev", "clickhouse-http", "--path", str(self.path),
             "--port", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, text=True, env=clean_env())
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            assert self.process.poll() is None, "clickhouse-http exited at start"
            try:
                if httpx.get(self.url + "/ping", timeout=2).text == "Ok.\n":
                    return self
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "clickhouse-http not answering /ping"
            time.sleep(0.2)

    def stop(self) -> int:
        assert self.process is not None
        self.process.terminate()
        return self.process.wait(timeout=30)


def _client_process(url: str, compress: str, tag: str, rows: int) -> None:
    """Run in its own process: DDL, an insert of DateTime64/LowCardinality/Map columns and
    a parameterised read of its own rows, printed as JSON."""
    client = clickhouse_connect.get_client(dsn=url, compress=compress or False,
                                           autogenerate_session_id=False)
    client.command("CREATE DATABASE IF NOT EXISTS shared")
    client.command(
        "CREATE TABLE IF NOT EXISTS shared.samples (ts DateTime64(3, 'UTC'), "
        "tag LowCardinality(String), attrs Map(String, UInt32), n UInt32) "
        "ENGINE = MergeTree ORDER BY (tag, n)")
    start = datetime(2026, 1, 1, 12, 0, 0, 123000, tzinfo=UTC)
    client.insert("shared.samples",
                  [[start + timedelta(milliseconds=i), tag, {"i": i, tag: 1}, i]
                   for i in range(rows)],
                  column_names=["ts", "tag", "attrs", "n"])
    result = client.query(
        "SELECT count(), min(ts), max(attrs['i']), toTypeName(tag) FROM shared.samples "
        "WHERE tag = {tag:String} AND ts >= {since:DateTime64(3, 'UTC')}",
        parameters={"tag": tag, "since": start})
    count, first, largest, type_name = result.result_rows[0]
    print(json.dumps({"count": count, "first": first.isoformat(), "largest": largest,
                      "type": type_name, "summary_rows": result.summary.get("read_rows")}))


if __name__ == "__main__":
    _client_process(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
