"""Plotly for the dashboard's charts: the `plotly.js-basic` bundle (scatter and bar, the only
trace types the pages draw; 1.1 MB instead of the full 4.7 MB), installed by the setup from
dashboard/web/vendor's npm lock. Dash's Graph component uses `window.Plotly` when a page
already has it, so the full bundle is then never fetched. The URL carries the version, so
browsers may keep the file for a year. Without the file (the setup's npm step not run) the
dashboard falls back to the full bundle Dash serves, and logs it once."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("vitalscope.dashboard")
VENDOR = Path(__file__).with_name("vendor")
PACKAGE = VENDOR / "node_modules" / "plotly.js-basic-dist-min"
FILE_NAME = "plotly-basic.min.js"
ROUTE = "/dashboard/vendor/plotly-basic-{version}.min.js"
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class PlotlyBundle:
    path: Path
    version: str

    @property
    def url(self) -> str:
        return ROUTE.format(version=self.version)


def locked_version() -> str:
    """The version dashboard/web/vendor/package.json pins."""
    manifest = json.loads((VENDOR / "package.json").read_text())
    return str(manifest["dependencies"]["plotly.js-basic-dist-min"])


def find_bundle() -> PlotlyBundle | None:
    path = PACKAGE / FILE_NAME
    if not path.is_file():
        log.warning("the dashboard serves Dash's full Plotly bundle: %s is missing (run "
                    "scripts/setup.sh, which installs dashboard/web/vendor)", path)
        return None
    return PlotlyBundle(path, json.loads((PACKAGE / "package.json").read_text())["version"])
