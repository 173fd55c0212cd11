"""`vitalscope sdk snippet`: the script tag a site embeds, with its SRI hash."""

from __future__ import annotations

from pathlib import Path

import click

from collector.sdk_assets import SdkAssets, SdkNotBuilt, snippet
from vitalscope.app.cli.common import fail, load, settings_options


@click.group("sdk")
def sdk() -> None:
    """The browser SDK this server serves."""


@sdk.command("snippet")
@click.option("--site", "site_key", required=True, help="Public ingest key of the site (pk_...).")
@click.option("--url", "base_url", default=None,
              help="URL under which browsers reach the collector. Default: public_url.")
@click.option("--attribution", is_flag=True,
              help="The build that also reports why a metric is poor (about 2 KB more).")
@click.option("--early-errors", is_flag=True,
              help="Also print the inline snippet (put it first in <head>) that queues errors "
                   "thrown before the SDK loads, with the CSP hash it needs.")
@settings_options
def snippet_command(site_key: str, base_url: str | None, attribution: bool, early_errors: bool,
                    config: Path | None, data: Path | None) -> None:
    """Print the <script> tag for a site: the immutable SDK URL with its integrity hash."""
    settings = load(config, data=data)
    if not site_key.strip() or any(c in site_key for c in "\"'<> "):
        fail(f"--site {site_key!r} is not an ingest key")
    try:
        build = SdkAssets().current()
    except SdkNotBuilt as exc:
        fail(str(exc))
    click.echo(snippet(base_url or settings.effective_public_url, site_key, build, attribution,
                       early_errors))
