"""Synthetic runs (through the results writer's own row builder) with screenshot and trace
files in the artifacts folder, plus a little real-user data for lab against field, seeded
into the data folder of a `vitalscope serve` that is not running yet.

`python -m tests.support.synthetics_seed --data DIR --config FILE --out expected.json`

Checks: `checkout` (shop) passed, flaky, passed, passed: flake rate 1/4, last passed;
`login` (shop) passed, then failed with a screenshot and a trace; `blog-home` (blog) passed;
`search` is configured but never ran; `tampered` has a run whose stored screenshot path
leads out of the artifacts folder."""

from __future__ import annotations

import argparse
import json
import struct
import sys
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from clickhouse_connect.driver.client import Client

from synthetics.model import AttemptResult, LabVital, RunResult, StepResult
from tests.support.rum_seed import VITAL_COLUMNS, vitals_rows

CONFIG = """
synthetics:
  enabled: false
  location: test-lab
  checks:
    - {name: checkout, base_url: "http://127.0.0.1:9/", site: shop, steps: [{goto: /}]}
    - {name: login, base_url: "http://127.0.0.1:9/", site: shop, steps: [{goto: /login}]}
    - {name: search, base_url: "http://127.0.0.1:9/", site: shop, steps: [{goto: /search}]}
    - {name: blog-home, base_url: "http://127.0.0.1:9/", site: blog, steps: [{goto: /}]}
"""
LAB = {("/", "LCP"): 1500.0, ("/", "TTFB"): 300.0, ("/product/:id", "LCP"): 2600.0}
CHECKOUT_DURATIONS = (1000.0, 2000.0, 3000.0, 4000.0)  # passed, flaky, passed, passed


def png(width: int = 48, height: int = 32) -> bytes:
    """A red PNG, so an <img> of it has a natural size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + b"\xe5\x39\x35" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _attempt(number: int, started: datetime, passed: bool, *, error: str = "",
             vitals: bool = True) -> AttemptResult:
    steps = [StepResult(1, "goto", "open home", "passed", 0.0, 400.0, url="http://shop/"),
             StepResult(2, "click", "add to cart", "passed" if passed else "failed", 400.0,
                        250.0 if passed else 5000.0, error="" if passed else error)]
    lab = [LabVital("http://shop/", group, metric, value)
           for (group, metric), value in LAB.items()] if vitals else []
    return AttemptResult(number, started, 650.0, passed, error=error,
                         failed_step=0 if passed else 2, steps=steps, vitals=lab)


def _run(check: str, site: str, run_id: str, started: datetime, duration_ms: float,
         attempts: list[AttemptResult]) -> RunResult:
    return RunResult(run_id, check, "test-lab", site, [], "schedule", started,
                     started + timedelta(milliseconds=duration_ms), attempts)


def runs(now: datetime, artifacts: Path) -> tuple[list[RunResult], dict[str, Any]]:
    out: list[RunResult] = []
    for i, duration in enumerate(CHECKOUT_DURATIONS):
        started = now - timedelta(minutes=40 - i * 10)
        attempts = [_attempt(1, started, True)]
        if i == 1:
            attempts = [_attempt(1, started, False, error="Timeout 5000ms exceeded"),
                        _attempt(2, started, True)]
        out.append(_run("checkout", "shop", f"checkout-{i}", started, duration, attempts))
    out.append(_run("login", "shop", "login-0", now - timedelta(minutes=30), 900.0,
                    [_attempt(1, now - timedelta(minutes=30), True, vitals=False)]))
    started = now - timedelta(minutes=5)
    folder = artifacts / "synthetics" / "login" / started.strftime("%Y-%m-%d") / "login-1"
    folder.mkdir(parents=True)
    (folder / "attempt-2-failure.png").write_bytes(png())
    (folder / "attempt-2-trace.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    failed = [_attempt(n, started, False, error="locator #login not found", vitals=False)
              for n in (1, 2)]
    failed[-1].screenshot = str((folder / "attempt-2-failure.png").relative_to(artifacts))
    failed[-1].trace = str((folder / "attempt-2-trace.zip").relative_to(artifacts))
    failed[-1].console_errors = ["login: widget failed"]
    out.append(_run("login", "shop", "login-1", started, 11000.0, failed))
    out.append(_run("blog-home", "blog", "blog-0", now - timedelta(minutes=20), 500.0,
                    [_attempt(1, now - timedelta(minutes=20), True, vitals=False)]))
    (artifacts.parent / "leak.png").write_bytes(png())
    tampered = _attempt(1, now - timedelta(minutes=15), False, error="x", vitals=False)
    tampered.screenshot = "../leak.png"
    out.append(_run("tampered", "", "tampered-0", now - timedelta(minutes=15), 100.0,
                    [tampered]))
    expected = {"screenshot": failed[-1].screenshot,
                "png_bytes": len(png()), "checkout_p75_ms": _p75(CHECKOUT_DURATIONS),
                "lab": {f"{g} {m}": v for (g, m), v in LAB.items()}}
    return out, expected


def _p75(values: tuple[float, ...]) -> float:
    # Linear interpolation between the closest ranks, as ClickHouse's quantile() does.
    ordered = sorted(values)
    rank = 0.75 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def field_bounds(client: Client) -> dict[str, list[float]]:
    """The raw samples one rank either side of rank n x 0.75 of each page group and vital:
    with 40 samples the t-digest p75 of the rollup interpolates between neighbours."""
    rows = client.query(
        "SELECT page_group, metric, arraySort(groupArray(value)) FROM vitals "
        "WHERE site = 'shop' GROUP BY page_group, metric").result_rows
    bounds = {}
    for group, metric, values in rows:
        rank = 0.75 * len(values)
        bounds[f"{group} {metric}"] = [float(values[max(0, int(rank) - 2)]),
                                       float(values[min(len(values) - 1, int(rank) + 1)])]
    return bounds


def main(argv: list[str]) -> int:
    from synthetics.writer import ResultsWriter
    from vitalscope.config import load_settings
    from vitalscope.runtime import Role, Runtime
    from vitalscope.sites import SiteRepository

    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.config.write_text(CONFIG)
    runtime = Runtime.open(load_settings(args.config, data=args.data), Role.CLI, migrate=True)
    try:
        client = runtime.require_clickhouse()
        for site in ("shop", "blog"):
            SiteRepository(client).add(site, [f"https://{site}.example"])
        now = datetime.now(UTC)
        client.insert("vitals", vitals_rows("shop", now, 200, age=(timedelta(minutes=40),
                                                                   timedelta(minutes=1)),
                                            slower=1.0, release="v1", tag="syn"),
                      column_names=VITAL_COLUMNS)
        results, expected = runs(now, runtime.datadir.artifacts_dir)
        writer = ResultsWriter(lambda: client, None)
        for result in results:
            writer.add(result)
        assert writer.flush_sync() == len(results)
        expected["field"] = field_bounds(client)
        args.out.write_text(json.dumps(expected))
    finally:
        runtime.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
