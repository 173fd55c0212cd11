"""The published JSON Schema of wire format v1, generated from the msgspec model so the two
cannot drift (a test compares collector/schema/beacon-v1.json with this)."""

from __future__ import annotations

import json
from typing import Any

import msgspec

from collector.wire import Beacon

SCHEMA_ID = "https://vitalscope.dev/schema/beacon-v1.json"


def beacon_schema() -> dict[str, Any]:
    schema: dict[str, Any] = msgspec.json.schema(Beacon)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "Vitalscope beacon, wire format v1", **schema}


def render() -> str:
    return json.dumps(beacon_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(render(), end="")
