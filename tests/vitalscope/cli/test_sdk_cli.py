"""`vitalscope sdk snippet` without a server: the tag from the build on disk, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.serve import run_cli

MANIFEST = Path(__file__).resolve().parents[3] / "sdk-js" / "dist" / "manifest.json"


def test_snippet_from_the_build_and_a_bad_key(tmp_path: Path) -> None:
    manifest = json.loads(MANIFEST.read_text())
    printed = run_cli("sdk", "snippet", "--site", "pk_shop", "--attribution",
                      "--data", str(tmp_path / "data"))
    assert printed.returncode == 0, printed.stderr
    integrity = manifest["files"]["sdk.attribution.js"]["integrity"]
    assert printed.stdout.strip() == (
        f'<script defer src="http://127.0.0.1:8000/sdk/{manifest["version"]}/sdk.attribution.js" '
        f'integrity="{integrity}" crossorigin="anonymous" data-site="pk_shop"></script>')

    bad = run_cli("sdk", "snippet", "--site", 'pk"><script>', "--data", str(tmp_path / "data"))
    assert bad.returncode == 1
    assert bad.stderr.strip() == """error: --site 'pk"><script>' is not an ingest key"""
