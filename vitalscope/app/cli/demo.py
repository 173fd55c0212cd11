"""`vitalscope demo`."""

from __future__ import annotations

from pathlib import Path

import click

from vitalscope.app.cli.common import settings_options, user_errors


@click.command()
@click.option("--duration", type=float, default=None,
              help="Stop after this many seconds (CI); default: run until Ctrl-C.")
@click.option("--visits", "rounds", type=click.IntRange(0, 100), default=3,
              help="Rounds of real-browser visits over every demo page (default 3).")
@click.option("--check-interval", "check_interval_s", type=click.IntRange(5, 3600), default=30,
              help="Seconds between synthetic check runs (default 30).")
@click.option("--port", type=int, default=None, help="Port (default 8000).")
@click.option("--host", default=None, help="Address (default 127.0.0.1).")
@settings_options
@user_errors
def demo(duration: float | None, rounds: int, check_interval_s: int, port: int | None,
         host: str | None, config: Path | None, data: Path | None) -> None:
    """See the whole product working: the embedded platform, a demo shop with the SDK,
    real-browser traffic, a passing and a failing synthetic check, a rule of every kind and
    a local webhook sink printing the signed alerts it receives. Safe to run again on the
    same data folder; Ctrl-C stops it cleanly."""
    from vitalscope.app.demo.run import DemoOptions, run_demo  # Playwright loads only here

    run_demo(DemoOptions(config, data, host, port, duration, rounds, check_interval_s))
