"""Lists that must stay literals (SQL, JavaScript, test data) agree with the metric catalogue:
any list of three or more metric names anywhere in the code is the whole catalogue (or the
metrics with attribution, or those web-vitals reports to the SDK), and the SDK's entry files
and the lab script measure exactly its metrics (through web-vitals, or read by the SDK
itself)."""

from __future__ import annotations

import re
from pathlib import Path

from collector.wire import MAX_DURATION_MS
from vitalscope.vitals import LAB_METRICS, METRIC_NAMES, METRICS

ROOT = Path(__file__).resolve().parents[3]
SDK = ROOT / "sdk-js"
FOLDERS = ("vitalscope", "collector", "dashboard", "alerting", "synthetics", "bench", "tests",
           "sdk-js/src", "sdk-js/test", "sdk-js/types", "sdk-js/scripts", "docs")
SUFFIXES = {".py", ".sql", ".js", ".mjs", ".ts", ".yaml", ".yml", ".json"}
_NAME = "|".join(METRIC_NAMES)
# Quoted names (Python, SQL, JS, YAML flow lists, error messages), 3 or more in a row.
QUOTED = re.compile(rf"""(['"])(?:{_NAME})\1(?:\s*(?:,|or)\s*(['"])(?:{_NAME})\2){{2,}}""")
# onLCP, onINP, onCLS ... (the SDK's imports and its list of web-vitals functions).
CALLBACKS = re.compile(rf"\bon(?:{_NAME})\b(?:\s*,\s*on(?:{_NAME})\b){{2,}}")
# Lists that are rightly part of the catalogue, with why.
PARTIAL = {
    # A page load without an interaction reports every vital but INP.
    ("tests/e2e/sdk/test_sdk_browser.py", frozenset(METRIC_NAMES) - {"INP"}),
}
START = re.compile(r"start\(options, \[([^\]]*)\]")


def _sources() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*")
                  if p.suffix in SUFFIXES and p.is_file()
                  and not {"node_modules", "dist", "__pycache__"} & set(p.parts)
                  and Path(__file__).parent not in p.parents)


def test_every_list_of_metric_names_is_the_whole_catalogue() -> None:
    callbacks = {m.sdk for m in METRICS if m.sdk}
    whole = [frozenset(METRIC_NAMES), frozenset(m.name for m in METRICS if m.sdk_attribution),
             frozenset(m.name for m in METRICS if m.sdk)]
    found = 0
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for match in QUOTED.finditer(text):
            found += 1
            listed = re.findall(rf"\b({_NAME})\b", match.group(0))
            assert len(set(listed)) == len(listed), (path, match.group(0))
            named = frozenset(listed)
            assert named in whole or (str(path.relative_to(ROOT)), named) in PARTIAL, (
                path, match.group(0))
        for match in CALLBACKS.finditer(text):
            found += 1
            assert set(re.findall(r"on\w+", match.group(0))) == callbacks, (path, match.group(0))
    assert found >= 10  # the scan sees the copies: SQL seeds, SDK entries, test data


def test_the_sdk_entry_files_report_the_catalogue() -> None:
    entries = {name: (SDK / "src" / name).read_text(encoding="utf-8")
               for name in ("index.js", "auto.js", "attribution.js", "auto-attribution.js")}
    for name, text in entries.items():
        started = START.search(text)
        assert started, name
        assert started.group(1).split(", ") == [m.sdk for m in METRICS if m.sdk], name
        for metric in METRICS:
            if metric.sdk is None:
                continue
            imported = re.search(rf"import \{{[^}}]*\b{metric.sdk}\b[^}}]*\}} from '([^']+)'",
                                 text)
            assert imported, (name, metric.sdk)
            if "attribution" not in name:
                assert imported.group(1) == "web-vitals", (name, metric.sdk)
            else:
                build = "attribution/" if metric.sdk_attribution else ""
                assert imported.group(1) == f"web-vitals/{build}{metric.sdk}.js", name
    core = (SDK / "src" / "core.js").read_text(encoding="utf-8")
    for metric in METRICS:
        if metric.sdk is None:
            assert f"vital({{ name: '{metric.name}'," in core, metric.name


def test_the_sdk_maps_attribution_and_caps_values_as_the_catalogue() -> None:
    mapping = (SDK / "src" / "attribution-map.js").read_text(encoding="utf-8")
    assert re.findall(r"name == '(\w+)'", mapping) == [m.name for m in METRICS
                                                      if m.sdk_attribution]
    core = (SDK / "src" / "core.js").read_text(encoding="utf-8")
    cap = re.search(r"m\.value <= \(m\.name == '(\w+)' \? (\d+) : (\w+)\)", core)
    assert cap, "core.js drops values the wire refuses"
    capped = [(m.name, m.max_value) for m in METRICS if m.max_value is not None]
    assert capped == [(cap.group(1), float(cap.group(2)))]
    assert float(cap.group(3)) == MAX_DURATION_MS


def test_the_lab_script_measures_the_lab_metrics() -> None:
    script = (ROOT / "synthetics" / "labvitals.js").read_text(encoding="utf-8")
    assert set(re.findall(r"lab\.values\.(\w+) =", script)) == set(LAB_METRICS)


def test_the_wire_format_document_lists_the_catalogue() -> None:
    doc = (ROOT / "docs" / "beacon-v1.md").read_text(encoding="utf-8")
    names = re.search(r"^\| `n` \| ([^|]*) \|", doc, re.M)
    assert names and re.findall(r"`(\w+)`", names.group(1)) == list(METRIC_NAMES)
    rated = re.search(r"Google's thresholds \(([^)]*)\)", doc)
    assert rated, "docs/beacon-v1.md states the thresholds the collector rates with"
    assert [(n, float(g), float(p)) for n, g, p in
            re.findall(r"(\w+) ([\d.]+)/([\d.]+)", rated.group(1))] == [
        (m.name, m.good, m.poor) for m in METRICS]
