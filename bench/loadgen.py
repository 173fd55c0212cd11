"""HTTP/1.1 load generator for the ingest benchmark, run as a process of its own:
`python -m bench.loadgen URL_PATH PORT --seconds S --connections C [--rate R]`.

Raw asyncio protocol on uvloop with keep-alive connections: a Python HTTP client would be
the bottleneck long before a fast ASGI app. Each request carries a beacon whose page-view
id is unique and whose `st` is the send time (epoch ms), so the collector's page_views rows
tell when each beacon was sent. Loopback only; bounded in time. Prints one JSON line."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import time
from typing import Any

import uvloop

PV_PLACEHOLDER = b"pv0000000000000000"
ST_PLACEHOLDER = b"1000000000000"
KEY = "pk_bench_ingest_000001"
ORIGIN = "https://bench.example"
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")


def beacon_template() -> bytes:
    """5 vitals + 3 server timings: the benchmark's beacon."""
    st = int(ST_PLACEHOLDER)
    events: list[dict[str, Any]] = []
    for i, (metric, value) in enumerate([("LCP", 1830.5), ("INP", 120.0), ("CLS", 0.04),
                                         ("FCP", 900.0), ("TTFB", 180.0)]):
        events.append({"t": "vital", "id": f"v{i}-0000000000", "ts": st, "n": metric,
                       "val": value, "r": "good"})
    for i, (name, desc) in enumerate([("cache", "HIT"), ("db", None), ("app", None)]):
        entry: dict[str, Any] = {"t": "st", "id": f"s{i}-0000000000", "ts": st, "n": name,
                                 "dur": 12.5 + i}
        if desc:
            entry["desc"] = desc
        events.append(entry)
    body = {"v": 1, "pv": PV_PLACEHOLDER.decode(), "sid": "session-bench-1",
            "url": "https://bench.example/product/42", "grp": "/product/:id",
            "nav": "navigate", "st": st, "sent": st, "dev": "desktop", "ect": "4g",
            "vw": 1280, "vh": 800, "rel": "bench", "sdk": "0.1.0", "e": events}
    return json.dumps(body, separators=(",", ":")).encode()


class _Stats:
    def __init__(self) -> None:
        self.statuses: dict[int, int] = {}
        self.latencies: list[float] = []
        self.errors = 0


class _Connection(asyncio.Protocol):
    def __init__(self, path: bytes, host: bytes, template: bytes, stats: _Stats,
                 deadline: float, interval: float | None, ids: itertools.count[int],
                 done: asyncio.Future[None]) -> None:
        self.head = (b"POST " + path + b" HTTP/1.1\r\nHost: " + host +
                     b"\r\nContent-Type: text/plain;charset=UTF-8\r\nOrigin: " +
                     ORIGIN.encode() + b"\r\nUser-Agent: " + USER_AGENT.encode() +
                     b"\r\nContent-Length: " + str(len(template)).encode() + b"\r\n\r\n")
        self.template = template
        self.stats = stats
        self.deadline = deadline
        self.interval = interval
        self.ids = ids
        self.done = done
        self.buffer = b""
        self.sent_at = 0.0
        self.next_at = time.perf_counter()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but behave as one.
        self.transport = transport  # type: ignore[assignment]
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        now_ms = str(int(time.time() * 1000)).encode()
        pv = b"pv" + str(next(self.ids)).zfill(16).encode()
        body = self.template.replace(PV_PLACEHOLDER, pv).replace(ST_PLACEHOLDER, now_ms)
        self.sent_at = time.perf_counter()
        self.transport.write(self.head + body)

    def _schedule(self) -> None:
        now = time.perf_counter()
        if now >= self.deadline:
            assert self.transport is not None
            self.transport.close()
            return
        if self.interval is None:
            self._send()
            return
        self.next_at += self.interval
        delay = self.next_at - now
        if delay <= 0:
            self.next_at = now
            self._send()
        else:
            asyncio.get_running_loop().call_later(delay, self._send)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if len(self.buffer) < end + 4 + length:
                return
            status = int(head[9:12])
            self.buffer = self.buffer[end + 4 + length:]
            self.stats.statuses[status] = self.stats.statuses.get(status, 0) + 1
            self.stats.latencies.append(time.perf_counter() - self.sent_at)
            self._schedule()

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is not None:
            self.stats.errors += 1
        if not self.done.done():
            self.done.set_result(None)


async def run(path: str, port: int, seconds: float, connections: int, rate: float | None
              ) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    stats = _Stats()
    template = beacon_template()
    ids = itertools.count(int(time.time() * 1000) * 1000)
    started = time.perf_counter()
    deadline = started + seconds
    interval = connections / rate if rate else None
    waits = []
    for _ in range(connections):
        done: asyncio.Future[None] = loop.create_future()
        await loop.create_connection(
            lambda d=done: _Connection(path.encode(), f"127.0.0.1:{port}".encode(), template,  # type: ignore[misc]
                                       stats, deadline, interval, ids, d),
            "127.0.0.1", port)
        waits.append(done)
    await asyncio.wait_for(asyncio.gather(*waits), seconds + 30)
    elapsed = time.perf_counter() - started
    total = sum(stats.statuses.values())
    ordered = sorted(stats.latencies)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0

    return {"requests": total, "seconds": elapsed, "rate": total / elapsed,
            "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
            "errors": stats.errors, "latency_p50_ms": pct(0.5), "latency_p99_ms": pct(0.99)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("port", type=int)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rate", type=float, default=None)
    args = parser.parse_args()
    result = uvloop.run(run(args.path, args.port, args.seconds, args.connections, args.rate))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
