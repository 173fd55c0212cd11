"""Configured passwords and tokens below the minimum strength stop start-up with one line
that names the setting and never the secret."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.support.serve import clean_env, run_cli
from vitalscope.config import ConfigError, load_settings
from vitalscope.config.strength import estimated_bits

WEAK_TOKENS = ["short-token", "a" * 40, "0123456789abcdef0123456789", "Password1234Password1234"]
WEAK_PASSWORDS = ["hunter2", "aaaaaaaaaaaaaaaa", "abcdefghijklmnop", "password1234"]


@pytest.mark.parametrize("token", WEAK_TOKENS)
def test_a_weak_admin_token_is_refused_without_echoing_it(
        token: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITALSCOPE_ADMIN_TOKEN", token)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert len(caught.value.lines) == 1
    line = caught.value.lines[0]
    assert line.startswith("configuration error: admin_token (from VITALSCOPE_ADMIN_TOKEN): ")
    assert token not in line and token[:8] not in line


@pytest.mark.parametrize("password", WEAK_PASSWORDS)
def test_a_weak_password_is_refused_without_echoing_it(password: str, tmp_path: Path) -> None:
    config = tmp_path / "vitalscope.yaml"
    config.write_text(f"dashboard:\n  username: alice\n  password: {password}\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert len(caught.value.lines) == 1
    assert caught.value.lines[0].startswith(
        f"configuration error: dashboard.password (in {config}): too ")
    assert password not in str(caught.value)


def test_generated_and_documented_secrets_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(200):
        monkeypatch.setenv("VITALSCOPE_ADMIN_TOKEN", secrets.token_hex(24))  # openssl -hex 24
        load_settings()
    monkeypatch.setenv("VITALSCOPE_ADMIN_TOKEN", secrets.token_urlsafe(32))  # generated
    monkeypatch.setenv("VITALSCOPE_DASHBOARD__USERNAME", "alice")
    monkeypatch.setenv("VITALSCOPE_DASHBOARD__PASSWORD", "correct horse battery staple")
    assert load_settings().dashboard.password is not None
    assert estimated_bits("aaaa") < estimated_bits("abzq") < estimated_bits("abzq!Z9")


def test_serve_refuses_to_start_with_a_weak_token(tmp_path: Path) -> None:
    weak = "letmein-letmein-letmein!"
    done = run_cli("serve", "--data", str(tmp_path / "data"), "--port", "0",
                   env=clean_env(VITALSCOPE_ADMIN_TOKEN=weak))
    assert done.returncode != 0
    output = (done.stdout + done.stderr).strip()
    assert weak not in output and "Traceback" not in output
    assert [line for line in output.splitlines() if line.startswith("configuration error")] == [
        output.splitlines()[-1]]
    assert "admin_token (from VITALSCOPE_ADMIN_TOKEN): too guessable" in output
