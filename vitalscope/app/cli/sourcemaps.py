"""`vitalscope sourcemaps upload|list`: a release's source maps, through the running
server's admin API or directly into ClickHouse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import click

from vitalscope.app.cli.admin_client import AdminClient, AdminError, run_against_state
from vitalscope.app.cli.common import fail, load, settings_options, user_errors
from vitalscope.runtime import Runtime
from vitalscope.sites import SiteRepository
from vitalscope.sourcemaps.checks import URL_PREFIX, BadSourcemap, Kind
from vitalscope.sourcemaps.store import SourcemapStore


def _store(runtime: Runtime, site: str) -> SourcemapStore:
    client = runtime.require_clickhouse()
    if SiteRepository(client, runtime.settings.clickhouse_cluster).get(site) is None:
        fail(f"no site named {site}")
    return SourcemapStore(client, runtime.settings.sourcemaps,
                          runtime.settings.clickhouse_cluster)


def release_files(folder: Path, url_prefix: str) -> list[tuple[Path, str, Kind]]:
    """(file, script URL, kind) of every map under the folder and the script it maps (the
    map's `file`, else its name without `.map`, next to it)."""
    found: list[tuple[Path, str, Kind]] = []
    base = url_prefix.rstrip("/")
    for map_path in sorted(folder.rglob("*.map")):
        script = map_path.with_suffix("")
        try:
            named = json.loads(map_path.read_bytes()).get("file")
        except (ValueError, AttributeError):
            named = None  # the server says what is wrong with it
        if isinstance(named, str) and named and "/" not in named:
            script = map_path.with_name(named)
        url = f"{base}/{script.relative_to(folder).as_posix()}"
        found.append((map_path, url, "map"))
        if script.is_file():
            found.append((script, url, "source"))
    return found


@click.group()
def sourcemaps() -> None:
    """Source maps of a site's releases (symbolicate the stacks of its JS errors)."""


@sourcemaps.command("upload")
@click.option("--site", required=True, help="Site the release belongs to.")
@click.option("--release", required=True, help="Release, as the SDK's data-release sends it.")
@click.option("--url-prefix", required=True,
              help="URL the folder is served at: https://shop.example/static/ or ~/static/ "
                   "(any host).")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of the uploads.")
@settings_options
@user_errors
def upload(site: str, release: str, url_prefix: str, folder: Path, as_json: bool,
           config: Path | None, data: Path | None) -> None:
    """Upload every *.map under FOLDER and the minified script beside each."""
    if not URL_PREFIX.fullmatch(url_prefix):
        fail("--url-prefix: https://host/path/ or ~/path/, without query or fragment")
    files = release_files(folder, url_prefix)
    if not files:
        fail(f"no *.map file under {folder}")
    settings = load(config, data=data)

    def via_server(client: AdminClient) -> list[dict[str, Any]]:
        done = []
        for path, url, kind in files:
            query = urlencode({"site": site, "release": release, "url": url, "kind": kind})
            try:
                done.append(client.request(
                    "PUT", f"/admin/v1/sourcemaps?{query}", content=path.read_bytes(),
                    timeout=120.0))
            except AdminError as exc:
                fail(f"{path}: {exc}")
        return done

    def direct(runtime: Runtime) -> list[dict[str, Any]]:
        store = _store(runtime, site)
        done = []
        for path, url, kind in files:
            try:
                done.append(store.put(site, release, url, kind, path.read_bytes()))
            except BadSourcemap as exc:
                fail(f"{path}: {exc}")
        return done

    uploaded = run_against_state(settings, via_server, direct)
    if as_json:
        click.echo(json.dumps(uploaded))
        return
    for item in uploaded:
        click.echo(f"{item['kind']:<6} {item['url']}  {item['size']} bytes")
    click.echo(f"Uploaded {len(uploaded)} files for {site} release {release}.")


@sourcemaps.command("list")
@click.option("--site", required=True)
@click.option("--release", required=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@settings_options
@user_errors
def list_(site: str, release: str, as_json: bool, config: Path | None,
          data: Path | None) -> None:
    """List a release's files (URL, kind, size, SHA-256)."""
    settings = load(config, data=data)
    query = urlencode({"site": site, "release": release})
    rows: list[dict[str, Any]] = run_against_state(
        settings, lambda c: c.request("GET", f"/admin/v1/sourcemaps?{query}"),
        lambda runtime: _store(runtime, site).files(site, release))
    if as_json:
        click.echo(json.dumps(rows))
        return
    for row in rows:
        click.echo(f"{row['kind']:<6} {row['url']}  {row['size']} bytes  {row['sha256'][:12]}")
    if not rows:
        click.echo(f"No files for {site} release {release}.")
