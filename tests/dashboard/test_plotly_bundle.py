"""The Plotly bundle the dashboard serves is the one its lock names, at the plotly.js version
the Python plotly package (whose figures the pages build) bundles."""

from __future__ import annotations

from plotly.offline import get_plotlyjs_version

from dashboard.web.plotly_bundle import find_bundle, locked_version


def test_the_locked_basic_bundle_matches_the_python_plotly_version_and_is_installed() -> None:
    assert locked_version() == get_plotlyjs_version()
    bundle = find_bundle()
    assert bundle is not None, "scripts/setup.sh installs dashboard/web/vendor"
    assert bundle.version == locked_version()
    assert bundle.path.read_bytes().startswith(b"/**") or bundle.path.stat().st_size > 500_000
    assert bundle.url == f"/dashboard/vendor/plotly-basic-{bundle.version}.min.js"
