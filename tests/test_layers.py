"""The layers hold (ARCHITECTURE.md, "Layers"): the import-linter contracts of pyproject.toml
pass, and the kernel contract names every module of the kernel, including ones added later."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import grimp

import vitalscope

ROOT = Path(__file__).parents[1]
# The composition root: the only children of `vitalscope` outside the kernel.
COMPOSITION_ROOT = {"vitalscope.app", "vitalscope.__main__"}


def _contract(contract_id: str) -> dict[str, Any]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contract: dict[str, Any] = next(
        c for c in config["contracts"] if c["id"] == contract_id)
    return contract


def _kernel() -> set[str]:
    return set(_contract("kernel")["source_modules"])


def test_the_import_contracts_are_kept() -> None:
    done = subprocess.run([Path(sys.executable).with_name("lint-imports")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_kernel_contract_names_every_kernel_module() -> None:
    children = {f"vitalscope.{m.name}" for m in pkgutil.iter_modules(vitalscope.__path__)}
    assert children >= COMPOSITION_ROOT
    assert _kernel() == children - COMPOSITION_ROOT, (
        "list every module of vitalscope/ but the composition root in the `kernel` contract's "
        "source_modules (pyproject.toml)")


def test_the_kernel_package_itself_imports_only_the_kernel() -> None:
    # `vitalscope/__init__.py` runs before any kernel module; the contract cannot name it
    # without naming the composition root under it.
    graph = grimp.build_graph("vitalscope")
    kernel = _kernel()
    imported = graph.find_modules_directly_imported_by("vitalscope")
    assert {".".join(name.split(".")[:2]) for name in imported} <= kernel, imported
