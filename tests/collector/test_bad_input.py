"""Every kind of bad input gets a 4xx JSON error naming the field; none gets a 5xx."""

from __future__ import annotations

import dataclasses
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from tests.collector.beacons import CHROME_UA, beacon
from tests.collector.conftest import DISABLED_KEY, KEY, ORIGIN, SERVER_KEY
from tests.collector.harness import InProcessCollector


def _with(**changes: Any) -> bytes:
    body = beacon(n_vitals=1, n_timings=1)
    body.update(changes)
    return json.dumps(body).encode()


def _event(**changes: Any) -> bytes:
    body = beacon(n_vitals=1, n_timings=0)
    body["e"][0].update(changes)
    return json.dumps(body).encode()


def _without(name: str) -> bytes:
    body = beacon(n_vitals=1, n_timings=0)
    del body[name]
    return json.dumps(body).encode()


def _raw_number(literal: str) -> bytes:
    return _event(val=123456.0).replace(b"123456.0", literal.encode())


def _chunks(data: bytes, size: int = 8192) -> Iterator[bytes]:
    for offset in range(0, len(data), size):
        yield data[offset:offset + size]


@dataclass
class Case:
    name: str
    body: bytes | None
    status: int
    error: str
    field: str | None
    # `dataclasses.field`: the attribute `field` above hides the bare name from mypy.
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    key: str | None = KEY
    method: str = "POST"
    chunked: bool = False


CASES = [
    Case("not json", b"hello there", 400, "invalid_json", "$"),
    Case("empty body", b"", 400, "invalid_json", "$"),
    Case("not utf-8", _with(rel="x").replace(b'"x"', b'"\xff\xfe"'), 400, "invalid_encoding",
         "$"),
    Case("not utf-8 before the JSON", b"\xff" + _with(rel="x"), 400, "invalid_encoding", "$"),
    Case("not utf-8 in a key", _with(rel="x").replace(b'"rel"', b'"r\xc3"'), 400,
         "invalid_encoding", "$"),
    Case("truncated utf-8 sequence", _with(rel="x").replace(b'"x"', b'"x\xe2\x82"'), 400,
         "invalid_encoding", "$"),
    Case("array instead of object", b"[1,2,3]", 400, "invalid_field", "$"),
    Case("wrong version", _with(v=2), 400, "invalid_field", "$.v"),
    Case("wrong type", _with(v="1"), 400, "invalid_field", "$.v"),
    Case("page view id too short", _with(pv="abc"), 400, "invalid_field", "$.pv"),
    Case("page view id bad characters", _with(pv="abcdefgh<script>"), 400, "invalid_field",
         "$.pv"),
    Case("missing field", _without("url"), 400, "missing_field", "$.url"),
    Case("unknown top-level key", _with(colour="red"), 400, "unknown_field", "$.colour"),
    Case("unknown event key", _event(zz=1), 400, "unknown_field", "$.e[0].zz"),
    Case("unknown metric", _event(n="FID"), 400, "invalid_field", "$.e[0].n"),
    Case("unknown event type", _event(t="click"), 400, "invalid_field", "$.e[0].t"),
    Case("NaN", _raw_number("NaN"), 400, "invalid_json", "$"),
    Case("Infinity", _raw_number("Infinity"), 400, "invalid_json", "$"),
    Case("number overflowing to infinity", _raw_number("1e999"), 400, "invalid_field",
         "$.e[0].val"),
    Case("negative value", _event(val=-1), 400, "invalid_field", "$.e[0].val"),
    Case("LCP over ten minutes", _event(val=600_001), 400, "invalid_field", "$.e[0].val"),
    Case("CLS over 100", _event(n="CLS", val=101), 400, "invalid_field", "$.e[0].val"),
    Case("timestamp in the year 3000", _event(ts=32_503_680_000_000), 400, "invalid_field",
         "$.e[0].ts"),
    Case("absurd viewport", _with(vw=10**9), 400, "invalid_field", "$.vw"),
    Case("javascript url", _with(url="javascript:alert(1)//x"), 400, "invalid_field", "$.url"),
    Case("no events", _with(e=[]), 400, "invalid_field", "$.e"),
    Case("too many events", _with(e=beacon(n_vitals=201, n_timings=0)["e"]), 400,
         "invalid_field", "$.e"),
    Case("too many tags", _with(tags={f"k{i}": "v" for i in range(21)}), 400,
         "invalid_field", "$.tags"),
    Case("too deep", b"[" * 30_000 + b"]" * 30_000, 400, "invalid_field", "$"),
    Case("nested where a string belongs", _with(tags={"a": {"b": {"c": [[[[1]]]]}}}), 400,
         "invalid_field", "$.tags[...]"),
    Case("oversize", _with(rel="x", sdk="y") + b" " * 70_000, 413, "too_large", "$"),
    Case("oversize chunked", _with(rel="x") + b" " * 70_000, 413, "too_large", "$",
         chunked=True),
    Case("gzip bomb", gzip.compress(b"{" + b" " * 20_000_000), 413, "too_large", "$",
         headers={"Content-Encoding": "gzip"}),
    Case("broken gzip", b"\x1f\x8b\x08\x00garbage", 400, "invalid_gzip", "$",
         headers={"Content-Encoding": "gzip"}),
    Case("unsupported encoding", _with(), 415, "unsupported_encoding", "Content-Encoding",
         headers={"Content-Encoding": "br"}),
    Case("wrong content type", _with(), 415, "unsupported_media_type", "Content-Type",
         headers={"Content-Type": "application/xml"}),
    Case("missing key", _with(), 401, "missing_key", "k", key=None),
    Case("unknown key", _with(), 403, "unknown_key", "k", key="pk_nobody_has_this"),
    Case("disabled site", _with(), 403, "site_disabled", "k", key=DISABLED_KEY),
    Case("wrong origin", _with(), 403, "origin_not_allowed", "Origin",
         headers={"Origin": "https://evil.example"}),
    Case("no origin for a site with origins", _with(), 403, "origin_not_allowed", "Origin",
         headers={"Origin": ""}),
    Case("GET", None, 405, "method_not_allowed", None, method="GET"),
    Case("script function too long", _event(n="INP", a={"scr": {"fn": "f" * 257}}), 400,
         "invalid_field", "$.e[0].a.scr.fn"),
    Case("script duration as text", _event(n="INP", a={"scr": {"dur": "12"}}), 400,
         "invalid_field", "$.e[0].a.scr.dur"),
    Case("script duration over ten minutes", _event(n="INP", a={"scr": {"dur": 600_001}}),
         400, "invalid_field", "$.e[0].a.scr.dur"),
    Case("unknown script key", _event(n="INP", a={"scr": {"line": 3}}), 400, "unknown_field",
         "$.e[0].a.scr.line"),
    Case("script as a string", _event(n="INP", a={"scr": "https://x.example/a.js"}), 400,
         "invalid_field", "$.e[0].a.scr"),
    Case("LCP delivery type too long", _event(a={"dt": "x" * 33}), 400, "invalid_field",
         "$.e[0].a.dt"),
    Case("LCP render-blocking as a boolean", _event(a={"rb": True}), 400, "invalid_field",
         "$.e[0].a.rb"),
]


def _send(client: httpx.Client, case: Case) -> httpx.Response:
    headers = {"Origin": ORIGIN, "User-Agent": CHROME_UA, "Content-Type": "text/plain"}
    headers.update(case.headers)
    headers = {k: v for k, v in headers.items() if v}
    url = "/v1/beacon" + (f"?k={case.key}" if case.key else "")
    content: bytes | Iterator[bytes] | None = case.body
    if case.chunked and case.body is not None:
        content = _chunks(case.body)
    return client.request(case.method, url, content=content, headers=headers)


def _check(answer: httpx.Response, status: int, error: str, field: str | None) -> str | None:
    if answer.status_code != status:
        return f"status {answer.status_code} (wanted {status}): {answer.text[:200]}"
    if answer.headers.get("content-type") != "application/json":
        return f"content-type {answer.headers.get('content-type')}"
    body = answer.json()
    if set(body) != {"error", "field", "message"} or not body["message"]:
        return f"body {body}"
    if (body["error"], body["field"]) != (error, field):
        return f"error {body['error']!r} field {body['field']!r} (wanted {error!r} {field!r})"
    return None


def test_every_kind_of_bad_beacon_gets_a_clear_4xx(running: InProcessCollector) -> None:
    problems = []
    with httpx.Client(base_url=running.url, timeout=10) as client:
        for case in CASES:
            problem = _check(_send(client, case), case.status, case.error, case.field)
            if problem:
                problems.append(f"{case.name}: {problem}")
        still_fine = _send(client, Case("valid", _with(), 204, "", None))
    assert problems == []
    assert still_fine.status_code == 204


def test_errors_never_echo_input_unescaped(running: InProcessCollector) -> None:
    with httpx.Client(base_url=running.url, timeout=10) as client:
        answer = _send(client, Case("", _with(**{"<script>alert(1)</script>": 1}), 400, "",
                                    None))
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["field"] == '$["<script>alert(1)</script>"]'
    assert "<script>" not in answer.text.replace('\\"', '"').split('"field"')[0]


LONG = 60_000


def test_errors_quote_at_most_64_characters_of_the_input(running: InProcessCollector) -> None:
    """A refusal names what is wrong without sending a stranger's 60 kB back (three times,
    in the field and the message): each quoted name or value is cut to 64 characters."""
    beacons = [
        ("unknown top-level key", _with(**{"x" * LONG: 1}), "unknown_field"),
        ("unknown event key", _event(**{"y" * LONG: 1}), "unknown_field"),
        ("navigation type", _with(nav="q" * LONG), "invalid_field"),
        ("metric", _event(n="M" * LONG), "invalid_field"),
        ("event type", _event(t="T" * LONG), "invalid_field"),
        ("quotes in the value", _with(nav="'`" * (LONG // 2)), "invalid_field"),
    ]
    timings = [
        ("server timing key", {"v": 1, "e": [{"id": "t-1", "ts": 1, "n": "db", "k" * LONG: 1}]}),
        ("cache status", {"v": 1, "e": [{"id": "t-1", "ts": 1, "n": "db", "cache": "c" * LONG}]}),
    ]
    problems = []
    with httpx.Client(base_url=running.url, timeout=10) as client:
        answers = [(name, error, _send(client, Case(name, body, 400, error, None)))
                   for name, body, error in beacons]
        answers += [(name, "", client.post("/v1/server-timings", json=body, headers={
            "Authorization": f"Bearer {SERVER_KEY}"})) for name, body in timings]
    for name, error, answer in answers:
        if answer.status_code != 400 or len(answer.content) > 1024:
            problems.append(f"{name}: {answer.status_code}, {len(answer.content)} bytes")
        elif error and answer.json()["error"] != error:
            problems.append(f"{name}: {answer.json()}")
        elif "(60000 characters)" not in answer.text and "..." not in answer.text:
            problems.append(f"{name}: does not say it was cut: {answer.text}")
    assert problems == []


def test_cors_preflight_answers_allowed_origins_only(running: InProcessCollector) -> None:
    with httpx.Client(base_url=running.url, timeout=10) as client:
        allowed = client.options(f"/v1/beacon?k={KEY}", headers={
            "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        refused = client.options(f"/v1/beacon?k={KEY}", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in allowed.headers["access-control-allow-methods"]
    assert "Content-Type" in allowed.headers["access-control-allow-headers"]
    assert refused.status_code == 403
    assert "access-control-allow-origin" not in refused.headers


def test_server_timings_refuse_bad_keys_and_bodies(running: InProcessCollector) -> None:
    good = {"v": 1, "e": [{"id": "t-1", "ts": 1_763_700_000_000, "n": "db", "dur": 5}]}
    cases: list[tuple[dict[str, str], Any, int, str, str | None]] = [
        ({}, good, 401, "missing_key", "Authorization"),
        ({"Authorization": "Bearer sk_wrong"}, good, 401, "unknown_key", "Authorization"),
        ({"Authorization": f"Bearer {KEY}"}, good, 401, "unknown_key", "Authorization"),
        ({"Authorization": f"Bearer {SERVER_KEY}"}, {"v": 1, "e": []}, 400, "invalid_field",
         "$.e"),
        ({"Authorization": f"Bearer {SERVER_KEY}"},
         {"v": 1, "e": [{"id": "t-1", "ts": 1, "n": "db", "dur": -5}]}, 400, "invalid_field",
         "$.e[0].dur"),
        ({"Authorization": f"Bearer {SERVER_KEY}"},
         {"v": 1, "e": [{"id": "t-1", "ts": 1, "n": "db", "cache": "maybe"}]}, 400,
         "invalid_field", "$.e[0].cache"),
    ]
    problems = []
    with httpx.Client(base_url=running.url, timeout=10) as client:
        for headers, body, status, error, field_name in cases:
            answer = client.post("/v1/server-timings", json=body, headers=headers)
            problem = _check(answer, status, error, field_name)
            if problem:
                problems.append(f"{headers} {body}: {problem}")
            if status == 401:
                assert SERVER_KEY not in answer.text
        ok = client.post("/v1/server-timings", json=good,
                         headers={"Authorization": f"Bearer {SERVER_KEY}"})
    assert problems == []
    assert ok.status_code == 204
