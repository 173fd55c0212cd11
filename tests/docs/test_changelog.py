"""Every released version has its changelog entry: the SDK's URLs are immutable per version,
so what a version changed must be findable before it ships."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]


def _section(title: str) -> str:
    text = (ROOT / "CHANGELOG.md").read_text()
    start = text.index(f"## {title}")
    following = text.find("\n## ", start + 1)
    return text[start:] if following == -1 else text[start:following]


def _versions(section: str) -> list[str]:
    return re.findall(r"^### (\d+\.\d+\.\d+) - \d{4}-\d{2}-\d{2}$", section, re.MULTILINE)


def test_the_sdk_version_in_package_json_has_a_changelog_entry() -> None:
    version = json.loads((ROOT / "sdk-js" / "package.json").read_text())["version"]
    assert version in _versions(_section("Browser SDK")), (
        f"sdk-js {version} has no '### {version} - YYYY-MM-DD' entry in CHANGELOG.md")


def test_the_server_version_in_pyproject_has_a_changelog_entry() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version in _versions(_section("Server")), (
        f"vitalscope {version} has no '### {version} - YYYY-MM-DD' entry in CHANGELOG.md")


def test_the_readme_points_to_the_changelog_and_the_contributor_guide() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "CHANGELOG.md" in readme and "CONTRIBUTING.md" in readme
