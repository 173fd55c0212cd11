"""The settings package does not run flow files: the composition root hands it the
synthetics feature's loader (vitalscope/app/settings.py), which refuses a broken flow."""

from __future__ import annotations

from pathlib import Path

import pytest

from vitalscope.app.settings import load_settings as load_at_start
from vitalscope.config import ConfigError, load_settings


def test_only_the_loader_given_at_start_runs_a_flow_file(tmp_path: Path) -> None:
    ran = tmp_path / "ran"
    flow = tmp_path / "flow.py"
    flow.write_text(f"from pathlib import Path\nPath({str(ran)!r}).touch()\n")
    synthetics = {"checks": [{"name": "a", "flow": str(flow), "base_url": "https://x.example"}]}

    settings = load_settings(synthetics=synthetics)
    assert settings.synthetics.checks[0].flow == flow.resolve()
    assert not ran.exists()

    with pytest.raises(ConfigError) as caught:
        load_at_start(synthetics=synthetics)
    assert ran.exists()
    assert "must define `async def flow(page, check)`" in caught.value.lines[0]
