"""The published JSON Schema is the msgspec model, and what it describes is accepted:
a property-based run of valid and broken documents over HTTP gets no 5xx."""

from __future__ import annotations

import copy
import json
from importlib.resources import files
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collector.schema_gen import beacon_schema, render
from tests.collector.beacons import CHROME_UA
from tests.collector.conftest import KEY, ORIGIN
from tests.collector.harness import InProcessCollector
from tests.collector.schema_strategy import SchemaStrategies

SCHEMA_FILE = files("collector").joinpath("schema/beacon-v1.json")


def test_schema_file_is_generated_from_the_model() -> None:
    assert SCHEMA_FILE.read_text() == render(), (
        "collector/schema/beacon-v1.json is stale: run "
        "`python -m collector.schema_gen > collector/schema/beacon-v1.json`")
    schema = beacon_schema()
    assert schema["$defs"]["Beacon"]["additionalProperties"] is False
    assert set(schema["$defs"]["Beacon"]["required"]) == {"v", "pv", "sid", "url", "st",
                                                          "sent", "e"}


def test_fuzzed_beacons_never_get_a_5xx(running: InProcessCollector) -> None:
    strategies = SchemaStrategies(beacon_schema())
    outcomes: dict[str, list[int]] = {"valid": [], "broken": []}
    headers = {"Origin": ORIGIN, "User-Agent": CHROME_UA, "Content-Type": "text/plain"}

    with httpx.Client(base_url=running.url, timeout=10) as client:
        served = client.get("/v1/beacon/schema")
        assert served.status_code == 200 and served.json() == json.loads(render())

        def post(document: Any) -> httpx.Response:
            raw = json.dumps(document, allow_nan=False).encode()
            return client.post(f"/v1/beacon?k={KEY}", content=raw, headers=headers)

        @settings(max_examples=100, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(st.data())
        def run(data: st.DataObject) -> None:
            document = data.draw(strategies.valid())
            answer = post(document)
            outcomes["valid"].append(answer.status_code)
            # Everything the schema describes is accepted: schema and model agree.
            assert answer.status_code == 204, (document, answer.text)
            broken = data.draw(strategies.broken())
            answer = post(copy.deepcopy(broken))
            outcomes["broken"].append(answer.status_code)
            assert answer.status_code < 500, (broken, answer.text)
            if answer.status_code != 204:
                assert set(answer.json()) == {"error", "field", "message"}

        run()
    assert len(outcomes["valid"]) >= 80
    assert any(status == 400 for status in outcomes["broken"])
