"""Beacon wire format v1 (docs/beacon-v1.md): the msgspec model every beacon is decoded into.

Decoding and validation are one pass (msgspec), which is what keeps the hot path fast; the
JSON Schema served at /v1/beacon/schema is generated from these classes.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from vitalscope.vitals import METRICS, MetricName, Rating

MAX_EPOCH_MS = 4_102_444_800_000  # 2100-01-01: anything later is a broken clock, not a time
MAX_DURATION_MS = 600_000  # ten minutes: longer is a measuring bug, not a page
MAX_EVENTS = 200

# End of string in both Python's re (what msgspec runs) and ECMA-262 (what JSON Schema
# validators run): `$` also matches before a final newline in Python, and `\Z` is not ECMA.
END = r"(?![\s\S])"
ID_PATTERN = r"^[A-Za-z0-9_-]+" + END
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://"
_ID_TEXT = "random id, 8-64 of [A-Za-z0-9_-]"
_EVENT_ID_TEXT = "event id, unique per page view, 1-64 of [A-Za-z0-9_-]"
Id = Annotated[str, Meta(min_length=8, max_length=64, pattern=ID_PATTERN,
                         description=_ID_TEXT)]
# WIRE-v1's own example uses event ids like "st-1": event ids are accepted from 1 character
# so an SDK following the example is not refused; they only need to be unique per page view.
EventId = Annotated[str, Meta(min_length=1, max_length=64, pattern=ID_PATTERN,
                              description=_EVENT_ID_TEXT)]
# A beacon's ids and URL: the same constraints and schema, but the patterns are checked by
# BeaconDecoder in one pass over the whole beacon; inside msgspec each is a regex call of its
# own, which took a third of a beacon's decoding.
_BeaconId = Annotated[str, Meta(min_length=8, max_length=64, description=_ID_TEXT,
                                extra_json_schema={"pattern": ID_PATTERN})]
_BeaconEventId = Annotated[str, Meta(min_length=1, max_length=64, description=_EVENT_ID_TEXT,
                                     extra_json_schema={"pattern": ID_PATTERN})]
EpochMs = Annotated[float, Meta(ge=0, le=MAX_EPOCH_MS, description="epoch milliseconds")]
Duration = Annotated[float, Meta(ge=0, le=MAX_DURATION_MS, description="milliseconds")]
SignedDuration = Annotated[float, Meta(ge=-MAX_DURATION_MS, le=MAX_DURATION_MS)]
Url = Annotated[str, Meta(max_length=2048)]


# JSON Schema counts `1.0` as the integer 1 (and as equal to the const 1), msgspec's `int`
# and `Literal[1]` refuse it: integer fields are numbers that are a multiple of 1, so the
# decoder accepts exactly what the schema does (rows read them with int()).
Version = Annotated[float, Meta(ge=1, le=1, description="wire format version: 1")]
Count = Annotated[float, Meta(ge=1, le=10_000, multiple_of=1)]
Cores = Annotated[float, Meta(ge=0, le=1024, multiple_of=1)]
Pixels = Annotated[float, Meta(ge=0, le=100_000, multiple_of=1)]


TagKey = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+" + END)]
TagValue = Annotated[str, Meta(max_length=256)]
PartName = Annotated[str, Meta(min_length=1, max_length=32, pattern=r"^[A-Za-z][A-Za-z0-9]*" + END)]

Metric = MetricName
# Unitless metrics have a bound of their own (vitalscope/vitals: `max_value`); the others are
# durations, bounded by `Duration`.
VALUE_CAPS: dict[str, float] = {m.name: m.max_value for m in METRICS if m.max_value is not None}
NavType = Literal["navigate", "reload", "back-forward", "back-forward-cache", "prerender",
                  "restore", "soft"]
DeviceClass = Literal["mobile", "tablet", "desktop"]
EffectiveType = Literal["slow-2g", "2g", "3g", "4g"]


# gc=False on every class of the model: a decoded beacon is a tree (nothing in it refers
# back to what holds it), so the garbage collector need not track or traverse its objects,
# which it otherwise does many times for each of the requests waiting for Redis.


class Script(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True,
             gc=False):
    """The script behind a slow interaction: the longest script of the interaction's Long
    Animation Frames (INP attribution)."""

    url: Annotated[str, Meta(max_length=2048, description=(
        "the script's source URL, scrubbed like page URLs"))] | None = None
    fn: Annotated[str, Meta(max_length=256, description="source function name")] | None = None
    inv: Annotated[str, Meta(max_length=256, description=(
        "invoker, e.g. `BUTTON#buy.onclick`"))] | None = None
    it: Annotated[str, Meta(max_length=32, description=(
        "invoker type: `event-listener`, `user-callback`, `classic-script`, ..."))] | None = None
    dur: Annotated[float, Meta(ge=0, le=MAX_DURATION_MS, description=(
        "the script's duration in ms (its part of the interaction)"))] | None = None


class Attribution(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True,
                  gc=False):
    """What explains a vital: target element, resource, event and sub-part timings; for INP
    the script behind it, for LCP the resource's delivery type and render-blocking status."""

    tgt: Annotated[str, Meta(max_length=512)] | None = None
    url: Url | None = None
    ev: Annotated[str, Meta(max_length=32)] | None = None
    p: Annotated[dict[PartName, SignedDuration], Meta(max_length=16)] | None = None
    scr: Script | None = None
    dt: Annotated[str, Meta(max_length=32, description=(
        "LCP resource's delivery type: `cache`, `navigational-prefetch`, ..."))] | None = None
    rb: Annotated[str, Meta(max_length=32, description=(
        "LCP resource's render-blocking status: `blocking`, `non-blocking`"))] | None = None


class Vital(msgspec.Struct, tag="vital", tag_field="t", forbid_unknown_fields=True,
            omit_defaults=True, gc=False):
    """One Web Vitals report."""

    # The metric's own bound (VALUE_CAPS) is checked by BeaconDecoder, which refuses with the
    # error a check in msgspec's pass gives (_CappedVital).

    id: _BeaconEventId
    ts: EpochMs
    n: Metric
    val: Duration
    d: SignedDuration | None = None
    r: Rating | None = None
    a: Attribution | None = None


class ServerTimingEntry(msgspec.Struct, tag="st", tag_field="t", forbid_unknown_fields=True,
                        omit_defaults=True, gc=False):
    """One PerformanceServerTiming entry of the navigation (or a matched resource)."""

    id: _BeaconEventId
    ts: EpochMs
    n: Annotated[str, Meta(min_length=1, max_length=64)]
    dur: Duration = 0.0
    desc: Annotated[str, Meta(max_length=256)] | None = None
    res: Url | None = None


class JsError(msgspec.Struct, tag="err", tag_field="t", forbid_unknown_fields=True,
              omit_defaults=True, gc=False):
    """A JS error or a failed resource load, deduplicated per page view by the SDK."""

    id: _BeaconEventId
    ts: EpochMs
    msg: Annotated[str, Meta(max_length=1024, description=(
        "message; for type `resource` the element that failed to load: img, script, link, "
        "..."))]
    type: Annotated[str, Meta(max_length=64, description=(
        "error name (`TypeError`, default `Error`), `unhandledrejection`, or `resource` for a "
        "failed load of an element's URL"))] | None = None
    src: Annotated[str, Meta(max_length=512, description=(
        "`file:line:col`; for type `resource` the URL that failed"))] | None = None
    stack: Annotated[str, Meta(max_length=4096)] | None = None
    cnt: Count = 1


class RouteChange(msgspec.Struct, tag="route", tag_field="t", forbid_unknown_fields=True,
                  omit_defaults=True, gc=False):
    """An SPA route change that started this (soft) page view."""

    id: _BeaconEventId
    ts: EpochMs
    from_: Url | None = msgspec.field(default=None, name="from")
    dur: Duration | None = None


Event = Vital | ServerTimingEntry | JsError | RouteChange


# Nothing in it refers back to it: the garbage collector need not track it.
class EventKinds(msgspec.Struct, frozen=True, gc=False):
    """A beacon's events sorted by kind, in the decoder's pass over them. Most enrichment
    steps look at one kind (cache status at server timings, grouping at errors, script
    parties and the fold's targets at attributed vitals): each goes over its own list
    instead of testing the type of every event, a pass over all of them per step."""

    timings: list[ServerTimingEntry]
    errors: list[JsError]
    attributed: list[Vital]  # vitals with an attribution (`a`)

    def only(self, keep: Callable[[Event], bool]) -> EventKinds:
        """The events `keep` keeps, still by kind (for a step that drops events)."""
        return EventKinds([e for e in self.timings if keep(e)],
                          [e for e in self.errors if keep(e)],
                          [e for e in self.attributed if keep(e)])


class Beacon(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True,
             gc=False):
    """One beacon: the page-view context and a batch of events (wire format v1)."""

    v: Version
    pv: _BeaconId
    sid: _BeaconId
    url: Annotated[str, Meta(min_length=8, max_length=2048,
                             extra_json_schema={"pattern": URL_PATTERN})]
    st: EpochMs
    sent: EpochMs
    e: Annotated[list[Event], Meta(min_length=1, max_length=MAX_EVENTS)]
    grp: Annotated[str, Meta(max_length=256)] | None = None
    nav: NavType | None = None
    ref: Url | None = None
    dev: DeviceClass | None = None
    ect: EffectiveType | None = None
    mem: Annotated[float, Meta(ge=0, le=1024)] | None = None
    cpu: Cores | None = None
    vw: Pixels | None = None
    vh: Pixels | None = None
    rel: Annotated[str, Meta(max_length=128)] | None = None
    tags: Annotated[dict[TagKey, TagValue], Meta(max_length=20)] | None = None
    sdk: Annotated[str, Meta(max_length=32)] | None = None


class _CappedVital(Vital, tag="vital"):
    """A Vital checked against its metric's bound as msgspec decodes it: which error a beacon
    with several faults gets depends on where the check runs (msgspec stops at the first
    fault in document order), so refusals are decoded again with this check in place."""

    def __post_init__(self) -> None:
        cap = VALUE_CAPS.get(self.n)
        if cap is not None and self.val > cap:
            raise ValueError(f"val: {self.n} must be <= {cap}")


class _CappedBeacon(Beacon):
    # Only ever decoded to raise its error: mypy's invariance of list does not apply.
    e: Annotated[list[_CappedVital | ServerTimingEntry | JsError | RouteChange],
                 Meta(min_length=1, max_length=MAX_EVENTS)]  # type: ignore[assignment]


# The characters of ID_PATTERN (an id's length is checked by msgspec, so the beacon's ids
# joined must consist of these characters only).
_ID_CHARACTERS = (string.ascii_letters + string.digits + "_-").encode()
_URL = re.compile(URL_PATTERN)


def _id_characters_only(text: str) -> bool:
    """Whether `text` is made of ID_PATTERN's characters: deleting them from its ASCII bytes
    leaves nothing (a third of the time a regex over the same characters takes)."""
    return text.isascii() and not text.encode().translate(None, _ID_CHARACTERS)


def _pattern_error(pattern: str, path: str) -> msgspec.ValidationError:
    # msgspec's own wording, so a refusal reads the same whichever check made it.
    return msgspec.ValidationError(f"Expected `str` matching regex {pattern!r} - at `{path}`")


class BeaconDecoder:
    """msgspec's decoding and validation, then the vitals' bounds (one loop: a __post_init__
    per vital cost a Python call each) and the id and URL patterns of the whole beacon in two
    regex calls (see _BeaconId)."""

    def __init__(self) -> None:
        self._decoder = msgspec.json.Decoder(Beacon)
        self._capped = msgspec.json.Decoder(_CappedBeacon)

    def decode(self, data: bytes | str) -> Beacon:
        return self.decode_sorted(data)[0]

    def decode_sorted(self, data: bytes | str) -> tuple[Beacon, EventKinds]:
        """The beacon, and its events by kind."""
        try:
            beacon = self._decoder.decode(data)
        except (msgspec.DecodeError, UnicodeDecodeError):
            # A vital over its bound before this fault in the document is what a single
            # pass with the bound check would have refused.
            self._capped.decode(data)
            raise
        caps = VALUE_CAPS
        ids = []
        timings: list[ServerTimingEntry] = []
        errors: list[JsError] = []
        attributed: list[Vital] = []
        for event in beacon.e:  # one pass for the caps, the ids and the kinds
            ids.append(event.id)
            if type(event) is Vital:
                if event.n in caps and event.val > caps[event.n]:
                    self._capped.decode(data)  # raises the error of the first vital over
                    raise msgspec.ValidationError(  # its cap
                        f"val: {event.n} must be <= {caps[event.n]}")
                if event.a is not None:
                    attributed.append(event)
            elif type(event) is ServerTimingEntry:
                timings.append(event)
            elif type(event) is JsError:
                errors.append(event)
        if not _id_characters_only(beacon.pv + beacon.sid + "".join(ids)):
            for path, value in (("$.pv", beacon.pv), ("$.sid", beacon.sid),
                                *((f"$.e[{i}].id", event_id) for i, event_id in enumerate(ids))):
                if not _id_characters_only(value):
                    raise _pattern_error(ID_PATTERN, path)
        if _URL.match(beacon.url) is None:
            raise _pattern_error(URL_PATTERN, "$.url")
        return beacon, EventKinds(timings, errors, attributed)


BEACON_DECODER = BeaconDecoder()
