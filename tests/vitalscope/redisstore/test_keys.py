"""Every Redis key is built in vitalscope/redisstore/keys.py: a key spelled out anywhere else
(the flusher and the dashboard cache each spelling the site generation, say) can drift from
its other spellings without any test noticing."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("collector", "alerting", "synthetics", "dashboard", "vitalscope")
KEY_MODULE = ROOT / "vitalscope" / "redisstore" / "keys.py"
# A string literal starting with the key prefix, in Python (plain or f-string), Lua or SQL.
LITERAL = re.compile(r"""(?<![\w`])[fbr]?["']vs:""")


def _literals(path: Path) -> list[str]:
    return [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
            for number, line in enumerate(path.read_text().splitlines(), 1)
            if LITERAL.search(line)]


def test_no_redis_key_is_spelled_outside_the_key_module() -> None:
    found = [hit for package in PACKAGES for path in sorted((ROOT / package).rglob("*"))
             if path.suffix in {".py", ".lua", ".sql", ".js"} and path != KEY_MODULE
             for hit in _literals(path)]
    assert found == [], "Redis keys built outside vitalscope/redisstore/keys.py:\n" + "\n".join(
        found)


def test_the_scan_sees_the_key_module_literals() -> None:
    # Proves the pattern matches how keys are written, plain and f-strings alike.
    hits = _literals(KEY_MODULE)
    assert any('"vs:ingest:stream"' in hit for hit in hits)
    assert any('f"vs:site:{site}:generation"' in hit for hit in hits)
