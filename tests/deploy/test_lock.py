"""What CI tests is what a user installs: the environment running these tests holds exactly the
versions of the lock, and the lock satisfies the ranges pyproject.toml publishes."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^ ;\\]+)\s*(?:;(?P<marker>[^\\]+))?")


def _locked(path: Path) -> dict[str, str]:
    """Name -> version of every pin in a lock file that applies to this interpreter."""
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        match = _PIN.match(line)
        if match is None:
            continue
        marker = match.group("marker")
        if marker and not Marker(marker.strip()).evaluate():
            continue
        pins[canonicalize_name(match.group("name"))] = match.group("version")
    return pins


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_installed_package_is_the_locked_version() -> None:
    locked = _locked(ROOT / "requirements" / "dev.txt")
    installed = {canonicalize_name(dist.metadata["Name"]): dist.version
                 for dist in metadata.distributions(path=sys.path)}
    installed.pop(canonicalize_name("vitalscope"))
    assert installed == locked


def test_runtime_lock_is_the_dev_lock_without_dev_tools() -> None:
    runtime = _locked(ROOT / "requirements" / "runtime.txt")
    dev = _locked(ROOT / "requirements" / "dev.txt")
    assert runtime, "the runtime lock pins nothing"
    assert {name: dev.get(name) for name in runtime} == runtime
    assert "pytest" not in runtime and "pytest" in dev


def test_locked_versions_satisfy_the_published_ranges() -> None:
    project = _pyproject()
    dev = _locked(ROOT / "requirements" / "dev.txt")
    declared = list(project["project"]["dependencies"])
    declared += project["dependency-groups"]["dev"]
    for text in declared:
        requirement = Requirement(text)
        version = dev.get(canonicalize_name(requirement.name))
        assert version is not None, f"{requirement.name} is not locked"
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{requirement.name}=={version} is outside {requirement.specifier}")


def test_every_pin_carries_hashes() -> None:
    for lock in ("runtime.txt", "dev.txt"):
        text = (ROOT / "requirements" / lock).read_text()
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        for entry in entries:
            if _PIN.match(entry):
                assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_setup_and_image_install_from_the_lock() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert "pip sync" in setup and "--require-hashes" in setup
    assert "requirements/runtime.txt" in setup and "requirements/dev.txt" in setup
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes requirements/runtime.txt" in dockerfile
    assert "pip install ." not in dockerfile
