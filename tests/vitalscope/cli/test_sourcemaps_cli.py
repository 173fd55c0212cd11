"""`vitalscope sourcemaps upload|list` without a running server: straight into the data
folder's ClickHouse, with the same checks as the admin API."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.serve import run_cli

MAP = {"version": 3, "file": "app.min.js", "sources": ["../src/app.js"], "names": [],
       "mappings": "AAAA"}


def test_maps_are_uploaded_listed_and_bad_ones_refused_without_a_server(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli("sites", "add", "shop", "--data", str(data)).returncode == 0
    build = tmp_path / "dist"
    (build / "js").mkdir(parents=True)
    (build / "js" / "app.min.js.map").write_text(json.dumps(MAP))
    (build / "js" / "app.min.js").write_text("console.log(1)\n")

    done = run_cli("sourcemaps", "upload", "--site", "shop", "--release", "v1",
                   "--url-prefix", "~/assets/", str(build), "--json", "--data", str(data))
    assert done.returncode == 0, done.stderr
    assert sorted((f["kind"], f["url"]) for f in json.loads(done.stdout)) == [
        ("map", "~/assets/js/app.min.js"), ("source", "~/assets/js/app.min.js")]

    listed = run_cli("sourcemaps", "list", "--site", "shop", "--release", "v1", "--json",
                     "--data", str(data))
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["kind"], r["size"]) for r in rows] == [
        ("map", len(json.dumps(MAP))), ("source", 15)]
    assert all("body" not in r for r in rows)

    (build / "js" / "app.min.js.map").write_text('{"version": 3, "sources": []')
    broken = run_cli("sourcemaps", "upload", "--site", "shop", "--release", "v2",
                     "--url-prefix", "~/assets/", str(build), "--data", str(data))
    assert broken.returncode == 1
    assert "app.min.js.map: map: not JSON" in broken.stderr and "Traceback" not in broken.stderr

    unknown = run_cli("sourcemaps", "upload", "--site", "nope", "--release", "v1",
                      "--url-prefix", "~/assets/", str(build), "--data", str(data))
    assert unknown.returncode == 1 and "no site named nope" in unknown.stderr

    prefix = run_cli("sourcemaps", "upload", "--site", "shop", "--release", "v1",
                     "--url-prefix", "assets", str(build), "--data", str(data))
    assert prefix.returncode == 1 and "--url-prefix" in prefix.stderr
