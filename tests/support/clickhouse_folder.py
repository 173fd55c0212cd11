"""Read the ClickHouse data of a stopped `vitalscope serve`.

chDB allows one process per data folder and the test process already holds its own session
folder, so the queries run in a short subprocess that opens the serve's folder and prints the
rows as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support import forked
from tests.support.serve import clean_env

_SCRIPT = """
import json, sys
from vitalscope.config import load_settings
from vitalscope.storage.clickhouse import connect

job = json.load(sys.stdin)
client = connect(load_settings(data=job["data"]))
out = {}
for name, (sql, params) in job["queries"].items():
    result = client.query(sql, parameters=params)
    out[name] = [dict(zip(result.column_names, row)) for row in result.result_rows]
print(json.dumps(out, default=str))
"""


def query_data_folder_many(data: Path, queries: dict[str, tuple[str, dict[str, Any]]],
                           timeout: float = 120) -> dict[str, list[dict[str, Any]]]:
    """Runs named (sql, params) queries on the data folder; rows as dicts (non-JSON values
    such as datetimes as strings)."""
    done = forked.run(["-c", _SCRIPT], input_text=json.dumps({"data": str(data),
                                                              "queries": queries}),
                      timeout=timeout, env=clean_env())
    if done.returncode != 0:
        raise AssertionError(f"query on {data} failed:\n{done.stderr}")
    result: dict[str, list[dict[str, Any]]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def query_data_folder(data: Path, sql: str, params: dict[str, Any] | None = None,
                      ) -> list[dict[str, Any]]:
    return query_data_folder_many(data, {"q": (sql, params or {})})["q"]
