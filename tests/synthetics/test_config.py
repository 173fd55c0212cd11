"""Checks as code: the YAML forms of steps, defaults, and invalid checks refused at start with
the check's name, the step number and the problem, one line each."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from synthetics.model import CheckPlan
from vitalscope.app.settings import load_settings
from vitalscope.config import ConfigError


def _load(tmp_path: Path, synthetics: dict[str, object]) -> list[str]:
    config = tmp_path / "vitalscope.yaml"
    config.write_text(yaml.safe_dump({"synthetics": synthetics}))
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    return caught.value.lines


def test_short_and_full_step_forms_and_defaults() -> None:
    settings = load_settings(synthetics={"default_retries": 2, "location": "eu", "checks": [{
        "name": "shop",
        "base_url": "https://shop.example",
        "steps": [
            {"goto": "/"},
            {"action": "click", "selector": "#buy", "name": "buy"},
            {"fill": {"selector": "#q", "value": "mug"}},
            {"wait_for": {"network_idle": True}},
            {"goto": "https://cdn.shop.example:8443/x"},
            {"assert_status": 200},
        ]}]})
    check = settings.synthetics.checks[0]
    assert [s.action for s in check.steps] == ["goto", "click", "fill", "wait_for", "goto",
                                               "assert_status"]
    assert [s.describe() for s in check.steps] == [
        "goto /", "buy", "fill #q", "wait_for network idle",
        "goto https://cdn.shop.example:8443/x", "assert_status 200"]
    plan = CheckPlan.of(check, settings)
    assert plan.hosts == ("shop.example", "cdn.shop.example:8443")
    assert (plan.retries, plan.location, plan.timeout_s) == (2, "eu", 30)
    assert check.absolute_url("/cart") == "https://shop.example/cart"


def test_every_problem_is_one_line_naming_check_and_step(tmp_path: Path) -> None:
    lines = _load(tmp_path, {"checks": [
        {"name": "checkout", "base_url": "https://shop.example", "steps": [
            {"goto": "/"},
            {"click": None},
            {"fill": {"selector": "#q"}},
            {"frobnicate": "#x"},
            {"wait_for": {"selector": "#a", "url": "*/b"}},
            {"assert_status": 999},
            {"click": "#a", "url": "https://elsewhere.example/"},
        ]},
        {"name": "search", "interval_s": 60, "cron": "*/5 * * * *",
         "steps": [{"goto": "/relative"}]},
        {"name": "nightly", "cron": "61 * * * *", "steps": [{"goto": "https://x.example/"}]},
    ]})
    bodies = [line.split(": ", 2)[2] for line in lines]
    assert bodies == [
        "check 'checkout', step 2 (click): click needs selector",
        "check 'checkout', step 3 (fill): fill needs value",
        "check 'checkout', step 4: a step needs `action: ...` or exactly one of goto, click, "
        "fill, press, select, wait_for, assert_text, assert_visible, assert_url, "
        "assert_status, screenshot",
        "check 'checkout', step 5 (wait_for): wait_for needs exactly one of selector, url, "
        "network_idle",
        "check 'checkout', step 6 (assert_status): Input should be less than or equal to 599, "
        "got 999",
        "check 'checkout', step 7 (click): click does not use url",
        "check 'search': give either interval_s or cron, not both",
        "check 'nightly': cron '61 * * * *' is not valid: Error validating expression '61': "
        "the last value (61) is higher than the maximum value (59), got '61 * * * *'",
    ], lines
    assert all(line.startswith("configuration error: synthetics.checks[") for line in lines)


def test_flow_files_are_checked_at_start(tmp_path: Path) -> None:
    not_async = tmp_path / "sync_flow.py"
    not_async.write_text("def flow(page, check):\n    pass\n")
    broken = tmp_path / "broken_flow.py"
    broken.write_text("import no_such_module\n")
    lines = _load(tmp_path, {"checks": [
        {"name": "a", "flow": str(tmp_path / "missing.py"), "base_url": "https://x.example"},
        {"name": "b", "flow": str(not_async), "base_url": "https://x.example"},
        {"name": "c", "flow": str(broken), "base_url": "https://x.example"},
        {"name": "d", "steps": [{"goto": "https://x.example/"}], "flow": str(not_async)},
    ]})
    assert f"check 'a': flow file {tmp_path / 'missing.py'} does not exist" in lines[0]
    assert "must define `async def flow(page, check)`" in lines[1]
    assert "fails to load: ModuleNotFoundError" in lines[2]
    assert "check 'd': " in lines[3]
    assert len(lines) == 4


def test_check_names_are_unique(tmp_path: Path) -> None:
    check = {"name": "shop", "steps": [{"goto": "https://shop.example/"}]}
    lines = _load(tmp_path, {"checks": [check, check]})
    assert lines == [f"configuration error: synthetics (in {tmp_path / 'vitalscope.yaml'}): "
                     "checks: 'shop' is declared twice"]
