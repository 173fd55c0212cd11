"""`vitalscope demo`: the embedded platform, the demo shop, real-browser traffic, two
synthetic checks, a rule of every kind and a webhook sink, all in one process."""

from __future__ import annotations

import asyncio
import html
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from vitalscope.app.cli.common import load
from vitalscope.app.cli.serve import open_runtime, serve_runtime
from vitalscope.app.demo.config import DEMO_SITE, demo_overrides, sink_secret
from vitalscope.app.demo.shop import DemoShop
from vitalscope.app.demo.sink import WebhookSink
from vitalscope.app.demo.traffic import VISITS, drive
from vitalscope.datadir import DataDir
from vitalscope.runtime import Role, Runtime
from vitalscope.server.runner import CompanionServer, MainServer, bind, local_url
from vitalscope.sites import SiteRepository
from vitalscope.storage.sql import named_query

STATUS_EVERY_S = 15.0
console = Console(highlight=False, soft_wrap=True)


@dataclass
class DemoOptions:
    config: Path | None
    data: Path | None
    host: str | None
    port: int | None
    duration: float | None
    rounds: int
    check_interval_s: int


def _bind_near(preferred: int) -> socket.socket:
    """The port next to the main one when free (stable URLs across reruns), else any."""
    try:
        return bind("127.0.0.1", preferred) if preferred else bind("127.0.0.1", 0)
    except Exception:
        return bind("127.0.0.1", 0)


def sdk_snippet(collector_url: str, key: str) -> str:
    return (f'<script defer src="{html.escape(collector_url)}/sdk.js" '
            f'data-site="{html.escape(key)}"></script>')


def run_demo(options: DemoOptions) -> None:
    base = load(options.config, data=options.data, host=options.host, port=options.port)
    shop_sock = _bind_near(base.port + 1 if base.port else 0)
    sink_sock = _bind_near(base.port + 2 if base.port else 0)
    shop_url, sink_url = local_url(shop_sock), local_url(sink_sock)
    secret = sink_secret(DataDir(base.data_dir))
    overrides = demo_overrides(shop_url, sink_url, base.effective_public_url, secret,
                               options.check_interval_s)
    if "VITALSCOPE_LOG_LEVEL" not in os.environ:
        overrides["log_level"] = "warning"  # the demo prints its own story
    settings = load(options.config, data=options.data, host=options.host, port=options.port,
                    **overrides)
    runtime = open_runtime(Role.SERVE, settings)
    site = SiteRepository(runtime.require_clickhouse(), settings.clickhouse_cluster).get(DEMO_SITE)
    assert site is not None  # created from the demo configuration just above
    shop = DemoShop(sdk_snippet(settings.effective_public_url, site.public_key))
    sink = WebhookSink(secret, say=lambda line: console.print(line, markup=False))

    async def companion(server: MainServer) -> None:
        shop_server = CompanionServer(shop.app(), "warning", server.limits)
        sink_server = CompanionServer(sink.app(), "warning", server.limits)
        tasks = [asyncio.create_task(shop_server.serve(sockets=[shop_sock])),
                 asyncio.create_task(sink_server.serve(sockets=[sink_sock]))]
        try:
            await _show(server, runtime, shop_url, sink_url, sink, options)
        finally:
            shop_server.should_exit = sink_server.should_exit = True
            await asyncio.gather(*tasks, return_exceptions=True)

    try:
        serve_runtime(runtime, companion)
    finally:
        shop_sock.close()
        sink_sock.close()


async def _show(server: MainServer, runtime: Runtime, shop_url: str, sink_url: str,
                sink: WebhookSink, options: DemoOptions) -> None:
    started = time.monotonic()
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event for this
        await asyncio.sleep(0.05)
    url = runtime.settings.effective_public_url
    console.print("\n[bold green]Vitalscope demo is running[/]")
    console.print(f"  Dashboard     {url}/dashboard/   (login token: {runtime.admin_token})")
    console.print(f"  Demo shop     {shop_url}/")
    console.print(f"  Webhook sink  {sink_url}/hooks/vitalscope   (received: {sink_url}/received)")
    total = options.rounds * len(VISITS)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("real-browser visits", total=total)
        try:
            visits = await drive(shop_url, options.rounds,
                                 runtime.settings.synthetics.browser_executable,
                                 lambda: progress.advance(task))
        except Exception as exc:  # the demo goes on without traffic; say why
            console.print(f"[yellow]real-browser traffic stopped: {exc}[/]")
            visits = 0
    console.print(f"  {visits} real-browser visits made; synthetic checks run every "
                  f"{options.check_interval_s} s; alerts arrive below.")
    console.print("  Press Ctrl-C to stop." if options.duration is None else
                  f"  Stopping after {options.duration:.0f} s (--duration).")
    deadline = None if options.duration is None else started + options.duration
    while deadline is None or time.monotonic() < deadline:
        await asyncio.sleep(STATUS_EVERY_S if deadline is None
                            else min(STATUS_EVERY_S, max(0.0, deadline - time.monotonic())))
        console.print(await asyncio.to_thread(_status_line, runtime, sink))
    server.should_exit = True


def _status_line(runtime: Runtime, sink: WebhookSink) -> str:
    client = runtime.new_clickhouse_client()
    try:
        page_views, vitals, errors = client.query(
            named_query("vitalscope.app.demo.rum_counts"), parameters={"site": DEMO_SITE}
        ).result_rows[0]
        checks = client.query(named_query("vitalscope.app.demo.check_results")).result_rows
    finally:
        client.close()
    results = ", ".join(f"{name} {status}" for name, status, _ in checks) or "none yet"
    return (f"  status: {page_views} page views, {vitals} vitals, {errors or 0} JS errors · "
            f"checks: {results} · signed alerts received: {len(sink.received)}")
