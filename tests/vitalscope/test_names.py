"""Names (sites, rules, receivers, checks) follow one pattern, defined in vitalscope/names.py:
a copy elsewhere could drift, and a name one entry point accepts another would refuse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vitalscope.names import NAME, SITE_NAME

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("collector", "alerting", "synthetics", "dashboard", "vitalscope")
# How the name patterns start; no other pattern in the code starts like this.
COPY = re.compile(r"\[a-z0-9\]\[a-z0-9_")


def test_the_name_pattern_is_defined_once() -> None:
    names = ROOT / "vitalscope" / "names.py"
    copies = [f"{path.relative_to(ROOT)}:{number}" for package in PACKAGES
              for path in sorted((ROOT / package).rglob("*.py")) if path != names
              for number, line in enumerate(path.read_text().splitlines(), 1)
              if COPY.search(line)]
    assert copies == []
    assert len(COPY.findall(names.read_text())) == 2


@pytest.mark.parametrize(("name", "rule_or_check", "site"), [
    ("shop", True, True), ("shop-eu_2", True, True), ("shop.eu", True, False),
    ("Shop", False, False), ("-shop", False, False), ("a" * 63, True, True),
    ("a" * 64, False, False), ("", False, False), ("shop eu", False, False),
])
def test_names(name: str, rule_or_check: bool, site: bool) -> None:
    assert bool(NAME.fullmatch(name)) is rule_or_check
    assert bool(SITE_NAME.fullmatch(name)) is site
