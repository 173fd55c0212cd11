"""The published JSON Schema of wire format v1, generated from the msgspec model so the two
cannot drift (a test compares collector/schema/beacon-v1.json with this)."""

from __future__ import annotations

import json
from typing import Any

import msgspec

from collector.wire import VALUE_CAPS, Beacon

SCHEMA_ID = "https://vitalscope.dev/schema/beacon-v1.json"


def _integers(node: Any) -> Any:
    """Whole-number fields (collector/wire.py: numbers that are a multiple of 1) written the
    way schema readers expect. Same meaning: JSON Schema's `integer` and `const` accept `1.0`
    as 1, and so does the decoder."""
    if isinstance(node, list):
        return [_integers(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _integers(value) for key, value in node.items()}
    if node.get("type") == "number" and node.get("multipleOf") == 1:
        del node["multipleOf"]
        node["type"] = "integer"
    if node.get("type") == "number" and node.get("minimum") == node.get("maximum") == 1:
        node = {"const": 1, **{k: v for k, v in node.items()
                               if k not in ("type", "minimum", "maximum")}}
    return node


def beacon_schema() -> dict[str, Any]:
    schema: dict[str, Any] = _integers(msgspec.json.schema(Beacon))
    # The rule msgspec checks in code (Vital.__post_init__), stated for schema users.
    caps = [{"if": {"properties": {"n": {"const": name}}, "required": ["n"]},
             "then": {"properties": {"val": {"maximum": cap}}}}
            for name, cap in VALUE_CAPS.items()]
    schema["$defs"]["Vital"].update(caps[0] if len(caps) == 1 else {"allOf": caps})
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "Vitalscope beacon, wire format v1", **schema}


def render() -> str:
    return json.dumps(beacon_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(render(), end="")
