"""Beacon CPU: the collector's CPU per request for the costliest beacons the wire format
allows, against the typical beacon, on the real request path (`bench request_cpu`'s harness:
the ingest app in process, Redis's answers given in process, the thread's CPU time, the
minimum over batches). Each beacon is unique where a cache would help (page view, URLs,
stacks), as a sender defeating the caches would make it.

`python -m bench beacon_cpu [--batches N] [--batch K]`. Printed per shape: microseconds per
request, per KiB of body, the ratio over the typical beacon, the rate-limit tokens it takes
(one per started `collector.rate_limit_token_bytes` of its stream entry), and the cores a
site's default limit (`collector.site_rate_limit`, 2,000 tokens/s) buys a sender with that
shape. Then what
a request over the rate limit costs: refused by Redis after the whole path (what each one
cost before collector/cooldowns.py, and what the first request on a bucket this process has
not seen empty still costs), and refused before its body is read once it has."""

from __future__ import annotations

import argparse
import json
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import emit, machine_line
from bench.error_cpu import MESSAGE_MAX, STACK_MAX
from bench.hostile_beacons import MAX_EVENTS, expanding_beacon, typical_beacon

SITE_LIMIT_PER_S = 2000  # vitalscope/config/collector.py, site_rate_limit: tokens a second


def _base(now: int) -> dict[str, Any]:
    return {"v": 1, "pv": "pv" + secrets.token_hex(8), "sid": "sid" + secrets.token_hex(8),
            "url": f"https://bench.example/p/{secrets.token_hex(8)}", "st": now - 1000,
            "sent": now, "nav": "navigate"}


def _typical(now: int) -> dict[str, Any]:
    return typical_beacon(now)


# Vitals a beacon with the largest context may carry: each row repeats the context, and the
# entry of 256 KiB (`collector.max_entry_bytes`) holds 27 of them; more is refused with 413.
CONTEXT_VITALS = 27


def _largest_context(now: int) -> dict[str, Any]:
    body = expanding_beacon(events=CONTEXT_VITALS, now_ms=now)
    body["url"] = body["url"][:-16] + secrets.token_hex(8)
    return body


def _attributed_vitals(now: int) -> dict[str, Any]:
    """As many LCP and INP reports with every attribution field at its longest as 64 KiB
    holds."""
    def vital(i: int) -> dict[str, Any]:
        tail = secrets.token_hex(6)
        attribution: dict[str, Any] = {"tgt": ("div.c" * 110)[:500] + tail, "ev": "pointerdown",
                                       "p": {f"part{j}": 10.5 + j for j in range(16)}}
        if i % 2:
            return {"t": "vital", "id": f"v{i}", "ts": now - 500, "n": "INP", "val": 350,
                    "a": {**attribution, "scr": {
                        "url": f"https://cdn.example/{'s' * 180}/{tail}.js", "fn": "f" * 256,
                        "inv": "BUTTON#buy.onclick", "it": "event-listener", "dur": 120}}}
        return {"t": "vital", "id": f"v{i}", "ts": now - 500, "n": "LCP", "val": 3000,
                "a": {**attribution, "url": f"https://cdn.example/{'i' * 180}/{tail}.jpg",
                      "dt": "cache", "rb": "non-blocking"}}
    return _filled(_base(now), vital)


def _crafted_errors(now: int) -> dict[str, Any]:
    """JS errors of the shapes that cost the most to group (bench/error_cpu.py)."""
    def error(i: int) -> dict[str, Any]:
        tail = secrets.token_hex(6)
        stack = " " * (STACK_MAX - 20) + tail + ":1:1" if i % 2 else (
            "at " + "a (" * ((STACK_MAX - 20) // 3) + tail)
        return {"t": "err", "id": f"e{i}", "ts": now - 500, "type": "TypeError",
                "msg": ("a." * MESSAGE_MAX)[:MESSAGE_MAX - 12] + tail, "stack": stack}
    return _filled(_base(now), error)


def _server_timings(now: int) -> dict[str, Any]:
    def timing(i: int) -> dict[str, Any]:
        return {"t": "st", "id": f"s{i}", "ts": now - 500, "n": f"cache-{i % 50}", "dur": 12.5,
                "desc": ("HIT from edge " * 20)[:240] + secrets.token_hex(4),
                "res": f"https://api.example/{secrets.token_hex(8)}"}
    return _filled(_base(now), timing)


def _filled(body: dict[str, Any], event: Callable[[int], dict[str, Any]]) -> dict[str, Any]:
    """`body` with as many events as fit in the collector's 64 KiB, up to 200."""
    body["e"] = []
    size = len(json.dumps(body))
    for i in range(MAX_EVENTS):
        added = event(i)
        size += len(json.dumps(added)) + 2  # the separator
        if size > 64 * 1024 - 256:
            break
        body["e"].append(added)
    return body


async def _over_the_limit(ingest: Any, app: Any, bodies: list[list[bytes]],
                          measure_app: Any) -> dict[str, float]:
    """CPU per request of the largest beacons when Redis finds their client's bucket empty:
    first with the bucket unknown to this process (each request is decoded, enriched and
    encoded, then refused), then once the process has noted it."""
    appender = ingest.appender
    real_script = appender.script

    async def refuse(keys: list[str], args: list[Any]) -> list[bytes]:
        return [b"rl:ip:60000:60000"] * sum(isinstance(arg, bytes) for arg in args)

    appender.script = refuse
    try:
        forgetting = appender.check_cooldown
        appender.check_cooldown = lambda site, client: None
        whole_path = await measure_app(app, bodies, 429)
        appender.check_cooldown = forgetting
        early = await measure_app(app, bodies, 429)
    finally:
        appender.script = real_script
    return {"refused_by_redis_us": round(whole_path, 1), "refused_early_us": round(early, 1)}


SHAPES: dict[str, Callable[[int], dict[str, Any]]] = {
    "typical (5 vitals, 3 server timings)": _typical,
    f"largest context, {CONTEXT_VITALS} vitals": _largest_context,
    "attributed LCP and INP, 64 KiB": _attributed_vitals,
    "crafted JS errors, 64 KiB": _crafted_errors,
    "server timings, 64 KiB": _server_timings,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench beacon_cpu")
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--batch", type=int, default=32, help="concurrent requests per batch")
    args = parser.parse_args(argv)
    print(machine_line("beacon CPU", f"min thread CPU over {args.batches} batches of "
                                     f"{args.batch} requests"))
    import uvloop

    from bench.request_cpu import ingest_app, measure_app, serving_process_gc

    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="vs-beacon-cpu-") as tmp:
        ingest, app = ingest_app(Path(tmp))
        serving_process_gc()

        def bodies(shape: Callable[[int], dict[str, Any]], batches: int) -> list[list[bytes]]:
            now = int(time.time() * 1000)
            return [[json.dumps(shape(now)).encode() for _ in range(args.batch)]
                    for _ in range(batches)]

        entry_sizes: list[int] = []
        answer_redis = ingest.appender.script

        async def recording(keys: list[str], args: list[Any]) -> Any:
            entry_sizes.extend(len(arg) for arg in args if isinstance(arg, bytes))
            return await answer_redis(keys=keys, args=args)

        ingest.appender.script = recording
        token_bytes = ingest.appender.token_bytes

        async def run() -> None:
            await ingest.appender.start()
            try:
                for name, shape in SHAPES.items():
                    await measure_app(app, bodies(shape, 2))  # warm-up
                    measured = bodies(shape, args.batches)
                    kib = sum(len(b) for b in measured[0]) / len(measured[0]) / 1024
                    entry_sizes.clear()
                    us = await measure_app(app, measured)
                    tokens = sum(-(-size // token_bytes) for size in entry_sizes)
                    figures[name] = {"us": round(us, 1), "body_kib": round(kib, 1),
                                     "events": len(json.loads(measured[0][0])["e"]),
                                     "tokens": round(tokens / len(entry_sizes), 1)}
                figures["over the limit"] = await _over_the_limit(
                    ingest, app, bodies(_server_timings, args.batches), measure_app)
            finally:
                await ingest.appender.stop()

        uvloop.run(run())
    typical = figures[next(iter(SHAPES))]["us"]
    over = figures.pop("over the limit")
    for name, shape_figures in figures.items():
        shape_figures["over_typical"] = round(shape_figures["us"] / typical, 1)
        shape_figures["cores_at_site_limit"] = round(
            shape_figures["us"] * SITE_LIMIT_PER_S / shape_figures["tokens"] / 1e6, 2)
        print(f"{name:>38}: {shape_figures['us']:8.1f} us a request ({shape_figures['events']} "
              f"events, {shape_figures['body_kib']:.1f} KiB: "
              f"{shape_figures['us'] / shape_figures['body_kib']:6.1f} us/KiB) = "
              f"{shape_figures['over_typical']:5.1f}x typical; {shape_figures['tokens']:4.1f} "
              f"tokens; at {SITE_LIMIT_PER_S:,} tokens/s "
              f"{shape_figures['cores_at_site_limit']:.2f} cores")
    print(f"{'over the rate limit, 64 KiB':>38}: refused by Redis after the whole path "
          f"{over['refused_by_redis_us']:8.1f} us a request; refused before the body is read "
          f"{over['refused_early_us']:6.1f} us "
          f"({over['refused_by_redis_us'] / over['refused_early_us']:.0f}x less)")
    figures["over the limit"] = over
    emit(figures)
    return 0
