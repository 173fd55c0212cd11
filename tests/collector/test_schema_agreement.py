"""The published JSON Schema and the collector's decoder give the same verdict on any JSON:
documents generated from the schema (hypothesis-jsonschema) are accepted, and documents
mutated from them or made up get from a Draft 2020-12 validator what they get from msgspec."""

from __future__ import annotations

import copy
import json
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

from collector.schema_gen import beacon_schema
from collector.wire import BEACON_DECODER
from tests.collector.beacons import beacon
from tests.collector.schema_strategy import JSON_VALUES, SchemaStrategies

SCHEMA = beacon_schema()
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
RUN = settings(max_examples=100, deadline=None, database=None, derandomize=True,
               suppress_health_check=list(HealthCheck))
# hypothesis-jsonschema canonicalises sub-schemas on every draw (about half a second per
# beacon), so its documents are fewer, and built per definition: the page-view context from
# the beacon's schema and each event from its own (a longer `e` only repeats them).
FROM_SCHEMA = settings(RUN, max_examples=20)


def _from_schema(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    return from_schema({"$defs": SCHEMA["$defs"], **node})


def _documents() -> st.SearchStrategy[dict[str, Any]]:
    defs = SCHEMA["$defs"]
    events = st.lists(st.one_of([_from_schema(defs[name]) for name in (
        "Vital", "ServerTimingEntry", "JsError", "RouteChange")]), min_size=1, max_size=3)
    context = copy.deepcopy(defs["Beacon"])
    context["properties"]["e"] = {"const": []}
    return st.tuples(_from_schema(context), events).map(lambda t: {**t[0], "e": t[1]})


def _decoder_accepts(document: Any) -> bool:
    try:
        BEACON_DECODER.decode(json.dumps(document, allow_nan=False).encode())
    except (msgspec.ValidationError, msgspec.DecodeError):
        return False
    return True


def _agree(document: Any) -> None:
    schema_says = VALIDATOR.is_valid(document)
    assert _decoder_accepts(document) == schema_says, (
        f"schema says {'valid' if schema_says else 'invalid'}: {document!r}")


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@FROM_SCHEMA
@given(_documents())
def test_what_the_schema_describes_is_accepted(document: Any) -> None:
    assert VALIDATOR.is_valid(document)
    assert _decoder_accepts(document), document


@RUN
@given(st.data())
def test_mutated_documents_get_the_same_verdict(data: st.DataObject) -> None:
    strategies = SchemaStrategies(SCHEMA)
    _agree(copy.deepcopy(data.draw(strategies.broken())))


@RUN
@given(JSON_VALUES)
def test_arbitrary_json_gets_the_same_verdict(document: Any) -> None:
    _agree(document)


def _whole_floats(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dict):
        return {k: _whole_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_floats(v) for v in value]
    return value


@FROM_SCHEMA
@given(_documents())
def test_integers_written_as_floats_are_integers(document: Any) -> None:
    # JSON Schema counts 1.0 as the integer 1 (and as equal to the const 1).
    _agree(_whole_floats(document))


def _with_newline(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    node: Any = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] += "\n"
    return document


@pytest.mark.parametrize("path", [("pv",), ("sid",), ("e", 0, "id")])
def test_a_trailing_newline_is_refused_by_both(path: tuple[Any, ...]) -> None:
    document = _with_newline(beacon(n_vitals=1, n_timings=0), path)
    assert not VALIDATOR.is_valid(document)
    assert not _decoder_accepts(document)


@pytest.mark.parametrize("change", [
    {"cpu": 8.0}, {"vw": 1280.0, "vh": 720.0}, {"v": 1.0}, {"cpu": 8.5}, {"v": 2},
    {"v": True}, {"vw": -1}, {"tags": {"k\n": "x"}}, {"tags": {"ok.key": "x"}},
])
def test_examples_at_the_edges(change: dict[str, Any]) -> None:
    document = beacon(n_vitals=1, n_timings=0, errors=1)
    document.update(change)
    _agree(document)
    document["e"][1]["cnt"] = 3.0
    _agree(document)


# Characters a regex or an isalnum()-style check could let through or refuse wrongly: other
# scripts' letters and digits, full-width forms, spaces and controls, a surrogate's escape,
# characters just outside the allowed ranges.
@pytest.mark.parametrize("middle", [
    "٣", "５", "é", "ß", "Ⅷ", " ", "\t", "\x00", "\x7f", "😀", "e\u0301", "\\ud800", "+", "/",
    "=", ".", "~", "@", "[", "`", "{", ":", "-", "_", "Z", "z", "0", "9",
])
@pytest.mark.parametrize("path", [("pv",), ("sid",), ("e", 0, "id"), ("e", 1, "id")])
def test_id_characters_get_the_same_verdict(path: tuple[Any, ...], middle: str) -> None:
    document: Any = beacon(n_vitals=2, n_timings=0)
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = node[path[-1]][:4] + middle + node[path[-1]][4:]
    _agree(document)
