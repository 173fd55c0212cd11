from __future__ import annotations

from pathlib import Path

import pytest

from vitalscope.config import ConfigError, load_settings


def test_defaults_are_the_embedded_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.data_dir == tmp_path / "data"
    assert settings.effective_clickhouse_url == f"chdb://{tmp_path / 'data' / 'clickhouse'}"
    assert settings.embedded_clickhouse and settings.embedded_redis
    assert settings.effective_public_url == "http://127.0.0.1:8000"


def test_environment_wins_over_yaml_and_flags_win_over_both(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "vitalscope.yaml"
    config.write_text("port: 9000\nhost: 0.0.0.0\nlog_level: warning\n")
    monkeypatch.setenv("VITALSCOPE_PORT", "9100")
    settings = load_settings(config)
    assert (settings.port, settings.host, settings.log_level) == (9100, "0.0.0.0", "warning")
    assert load_settings(config, port=9200).port == 9200


def test_config_file_from_environment_and_sites_as_code(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "vitalscope.yaml"
    config.write_text(
        "sites:\n"
        "  - name: shop\n"
        "    origins: ['https://Shop.Example:443', 'http://localhost:3000']\n"
    )
    monkeypatch.setenv("VITALSCOPE_CONFIG", str(config))
    settings = load_settings()
    assert settings.sites[0].origins == ["https://shop.example", "http://localhost:3000"]


def test_nested_setting_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITALSCOPE_CLICKHOUSE_DATABASE", "rum_prod")
    assert load_settings().clickhouse_database == "rum_prod"


def _error(config: Path | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    return caught.value.lines


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("VITALSCOPE_PORT", "eighty", "configuration error: port (from VITALSCOPE_PORT): "
                                      "Input should be a valid integer"),
        ("VITALSCOPE_PORT", "70000", "port (from VITALSCOPE_PORT): Input should be less than"),
        ("VITALSCOPE_PROT", "8000", "configuration error: VITALSCOPE_PROT: unknown setting"),
        ("VITALSCOPE_CLICKHOUSE_URL", "mysql://db",
         "clickhouse_url (from VITALSCOPE_CLICKHOUSE_URL): must start with chdb://"),
        ("VITALSCOPE_CLICKHOUSE_DATABASE", "x; DROP", "clickhouse_database"),
        ("VITALSCOPE_LOG_LEVEL", "loud", "log_level (from VITALSCOPE_LOG_LEVEL)"),
    ],
)
def test_bad_environment_is_one_line_naming_the_key(
        monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str) -> None:
    monkeypatch.setenv(variable, value)
    lines = _error()
    assert len(lines) == 1
    assert expected in lines[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("colour: blue\n", "colour (in {path}): unknown setting"),
        ("port: [1]\n", "port (in {path}): Input should be a valid integer"),
        ("sites:\n  - name: Shop!\n", "sites[0].name (in {path}): 'Shop!' is not a site name"),
        ("sites:\n  - name: a\n    origins: ['https://a.example/path']\n",
         "sites[0].origins (in {path}): 'https://a.example/path' has a path"),
        ("sites:\n  - name: a\n  - name: a\n", "sites: 'a' is declared twice"),
        ("port: 1\n  bad: [\n", "{path} at line 2"),
        ("- just\n- a list\n", "{path}: the top level must be a mapping"),
        ("collector:\n  nonsense: 1\n", "collector.nonsense (in {path}): unknown setting"),
        ("redis_maxmemory_mib: 64\ncollector:\n  stream_max_bytes: 40000000\n",
         "collector.stream_max_bytes (40000000) must be at most half of redis_maxmemory_mib"),
    ],
)
def test_bad_yaml_is_one_line_naming_the_key(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    lines = _error(config=path)
    assert len(lines) == 1
    assert expected.format(path=path) in lines[0]


def test_missing_config_file(tmp_path: Path) -> None:
    lines = _error(config=tmp_path / "nope.yaml")
    assert lines == [f"configuration error: config file {tmp_path / 'nope.yaml'} does not exist"]


def test_secrets_are_not_echoed_in_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITALSCOPE_REDIS_URL", "http://:hunter2@redis:6379")
    lines = _error()
    assert "redis_url" in lines[0]
    assert "hunter2" not in lines[0]


def test_the_stream_cap_fits_a_redis_of_your_own_unchecked() -> None:
    # Vitalscope cannot see another Redis's maxmemory: docs/collector.md says how to size it.
    settings = load_settings(redis_url="redis://redis:6379/0", redis_maxmemory_mib=64,
                             collector={"stream_max_bytes": 1 << 30})
    assert settings.collector.stream_max_bytes == 1 << 30
