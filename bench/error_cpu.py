"""Error CPU: what grouping a JS error costs at ingest (collector/enrich/error_groups.py:
parse the stack, normalise the message, hash), for a typical error and for errors crafted to
cost the most the wire format allows (a 4 KiB stack and a 1 KiB message of the shapes that
made the plain patterns quadratic), and the same crafted errors parsed with those plain
patterns (the reference of tests/vitalscope/jserrors/test_linear_parsing.py), in the same run.

`python -m bench error_cpu [--runs N]`. Each figure is the minimum over N runs of the
thread's CPU time (other load on the machine barely moves it), per error; a beacon of 64 KiB
holds 12 such errors. Goal: a crafted error within 10x a typical one, so no sender buys more
than that much of the collector's time with a beacon."""

from __future__ import annotations

import argparse
import re
import secrets
import time
from collections.abc import Callable

from bench.common import emit, machine_line
from vitalscope.jserrors import stack as stack_module
from vitalscope.jserrors.grouping import group
from vitalscope.jserrors.message import normalise_message

STACK_MAX = 4096  # collector/wire.py
MESSAGE_MAX = 1024
ERRORS_PER_BEACON = 12  # 64 KiB / (4 KiB stack + 1 KiB message + the event's keys)
PLAIN_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"`<>()]+", re.IGNORECASE)

TYPICAL = ("TypeError", "Cannot read properties of undefined (reading 'id')",
           "TypeError: Cannot read properties of undefined (reading 'id')\n"
           + "".join(f"    at fn{i} (https://shop.example/assets/app.3f2a9c1e.js:1:{1000 + i})\n"
                     for i in range(10)),
           "https://shop.example/assets/app.3f2a9c1e.js:1:1000")


def crafted() -> dict[str, tuple[str, str, str, str]]:
    """Each shape with a random tail, so no cache of an earlier run answers."""
    tail = secrets.token_hex(4)
    return {
        "V8 frame of ` (`s": ("Error", "x" + tail, "at " + "a (" * ((STACK_MAX - 20) // 3) + tail,
                              ""),
        "V8 frame of ` (` and `:1:`": ("Error", "x" + tail,
                                       "at " + ("x (a:1:b" * (STACK_MAX // 8))[:STACK_MAX - 20]
                                       + tail, ""),
        "white space, then `:1:1`": ("Error", "x" + tail,
                                      " " * (STACK_MAX - 20) + tail + ":1:1", ""),
        "message of `a.`s": ("Error", ("a." * MESSAGE_MAX)[:MESSAGE_MAX - 8] + tail, "", ""),
        "message of `a+`s": ("Error", ("a+" * MESSAGE_MAX)[:MESSAGE_MAX - 8] + tail, "", ""),
    }


def _plain_group(error_type: str, message: str, stack: str, source: str) -> object:
    """`group` with the plain patterns: each line tried against both frame patterns, the
    message's URLs found by one pattern (what `group` did before)."""
    for line in stack.splitlines():
        stack_module._V8.match(line) or stack_module._GECKO.match(line)
    PLAIN_URL.sub("<url>", message)
    return normalise_message(message)


def _cpu_us(call: Callable[..., object], error: tuple[str, str, str, str], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.thread_time_ns()
        call(*error)
        best = min(best, time.thread_time_ns() - started)
    return best / 1000


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench error_cpu")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    print(machine_line("error CPU", f"min thread CPU over {args.runs} runs, per error"))
    typical = _cpu_us(group, TYPICAL, args.runs)
    print(f"{'typical error (10 frames)':>30}: {typical:8.1f} us")
    figures: dict[str, object] = {"typical_us": round(typical, 1)}
    worst = 0.0
    for name, error in crafted().items():
        now = _cpu_us(group, error, args.runs)
        plain = _cpu_us(_plain_group, error, args.runs)
        worst = max(worst, now)
        figures[name] = {"us": round(now, 1), "plain_patterns_us": round(plain, 1),
                         "over_typical": round(now / typical, 2)}
        print(f"{name:>30}: {now:8.1f} us = {now / typical:5.2f}x typical (plain patterns "
              f"{plain:8.1f} us = {plain / typical:6.1f}x)")
    figures["worst_over_typical"] = round(worst / typical, 2)
    figures["worst_beacon_ms"] = round(worst * ERRORS_PER_BEACON / 1000, 2)
    print(f"worst crafted error {worst / typical:.2f}x a typical one (goal <= 10); a beacon of "
          f"{ERRORS_PER_BEACON} such errors: {worst * ERRORS_PER_BEACON / 1000:.2f} ms")
    emit(figures)
    return 0
