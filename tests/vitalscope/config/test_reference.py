from __future__ import annotations

from pathlib import Path

from vitalscope.config.reference import entries, render_reference, undocumented

DOC = Path(__file__).parents[3] / "docs" / "configuration.md"


def test_every_setting_is_documented() -> None:
    assert undocumented() == []


def test_reference_in_docs_is_current() -> None:
    assert DOC.read_text() == render_reference(), (
        "docs/configuration.md is stale: run `vitalscope config reference > "
        "docs/configuration.md`"
    )


def test_reference_names_environment_variables() -> None:
    by_key = {e.key: e for e in entries()}
    assert by_key["clickhouse_url"].env == "VITALSCOPE_CLICKHOUSE_URL"
    assert by_key["sites[].origins"].env is None
    assert "VITALSCOPE_DATA" in render_reference()
