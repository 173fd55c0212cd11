"""Rows built with their shared columns pre-encoded (collector/rows.py) make the same stream
entry, byte for byte, as the full rows of before (reference_rows.py): for beacons made to
cover every kind of event and attribution, and for any beacon the published schema allows."""

from __future__ import annotations

import json
import time
from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collector.context import BeaconContext
from collector.enrich import default_steps, enrich
from collector.enrich.urls import UrlNormaliser
from collector.payload import encode_entry
from collector.rows import beacon_rows
from collector.schema_gen import beacon_schema
from collector.wire import BEACON_DECODER, JsError, ServerTimingEntry, Vital
from tests.collector.beacons import CHROME_UA, beacon
from tests.collector.reference_rows import reference_rows
from tests.collector.schema_strategy import SchemaStrategies
from vitalscope.config.collector import CollectorSettings
from vitalscope.sites import Site

SETTINGS = CollectorSettings()
STEPS = default_steps(SETTINGS)
URLS = UrlNormaliser(SETTINGS.url_query_allowlist, SETTINGS.page_groups)
SITE = Site("shop", "pk_x", "h", ("https://shop.example",))
DOCUMENTS = SchemaStrategies(beacon_schema()).valid()


def _entries(document: dict[str, Any], received_ms: int | None = None) -> tuple[bytes, bytes]:
    """(the entry as ingest builds it, the entry of the reference rows)."""
    context = BeaconContext(SITE, *BEACON_DECODER.decode_sorted(json.dumps(document).encode()),
                            received_ms or int(time.time() * 1000), CHROME_UA,
                            {b"cf-ipcountry": b"DE"})
    enrich(STEPS, context)
    return (encode_entry(SITE.name, beacon_rows(context, URLS), one_scope=True),
            encode_entry(SITE.name, reference_rows(context, URLS)))


def test_every_kind_of_event_and_attribution_encodes_as_before() -> None:
    document = beacon(n_vitals=6, n_timings=4, errors=2, tags={"plan": 'pro "x"\n', "ab": "é"},
                      rel="v1.2", grp="/product/:id", ect="4g", dev="mobile", mem=8, cpu=4,
                      vw=200_000 - 100_001, vh=800, ref="https://Search.Example/?q=1")
    events = document["e"]
    now = events[0]["ts"]
    events[0]["a"] = {"tgt": "img#hero", "url": "https://cdn.example/hero.jpg?sig=1",
                      "p": {"ttfb": 100.5, "loadDelay": -3}, "dt": "cache", "rb": "blocking"}
    events[1]["a"] = {"ev": "click", "scr": {"url": "https://shop.example/app.js?x=1",
                                             "fn": "onBuy", "inv": "BUTTON#buy.onclick",
                                             "it": "event-listener", "dur": 80}}
    events[2].update(d=0.01, r="poor", ts=now + 1)  # a delta, a rating, its own timestamp
    events[3]["ts"] = now + 2.5
    events[6]["res"] = "https://api.shop.example/cart?token=s"
    events.append({"t": "route", "id": "r1", "ts": now, "dur": 340.5, "from": "https://x.y/"})
    fast, reference = _entries(document)
    assert fast == reference
    # A clock far ahead: event times are clamped to the arrival.
    fast, reference = _entries(document, received_ms=int(now) - 60_000)
    assert fast == reference


def test_a_beacon_of_only_vitals_or_only_timings_encodes_as_before() -> None:
    for document in (beacon(n_vitals=3, n_timings=0), beacon(n_vitals=0, n_timings=2),
                     beacon(n_vitals=0, n_timings=0, errors=1)):
        fast, reference = _entries(document)
        assert fast == reference
        assert msgspec.msgpack.decode(fast)[1]  # rows were written


@settings(max_examples=30, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(st.data())
def test_any_valid_beacon_encodes_as_before(data: st.DataObject) -> None:
    document = data.draw(DOCUMENTS)
    try:
        BEACON_DECODER.decode(json.dumps(document).encode())
    except msgspec.ValidationError:  # e.g. a value past its metric's cap: not a beacon
        return
    fast, reference = _entries(document)
    assert fast == reference


@settings(max_examples=30, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(st.data())
def test_the_decoder_sorts_the_events_of_any_valid_beacon_by_kind(data: st.DataObject) -> None:
    document = data.draw(DOCUMENTS)
    try:
        decoded, kinds = BEACON_DECODER.decode_sorted(json.dumps(document).encode())
    except msgspec.ValidationError:
        return
    events = decoded.e
    assert kinds.timings == [e for e in events if isinstance(e, ServerTimingEntry)]
    assert kinds.errors == [e for e in events if isinstance(e, JsError)]
    assert kinds.attributed == [e for e in events if isinstance(e, Vital) and e.a is not None]
