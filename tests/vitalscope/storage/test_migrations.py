from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import pytest
from clickhouse_connect.driver.client import Client

from vitalscope.config import Settings
from vitalscope.storage.clickhouse import connect
from vitalscope.storage.migrator import (
    Migration,
    MigrationError,
    Migrator,
    load_functions,
    load_migrations,
    split_statements,
)

TABLES = {"sites", "page_views", "vitals", "server_timings", "js_errors", "vitals_1m",
          "vitals_1m_mv", "server_timings_1m", "server_timings_1m_mv", "schema_migrations"}


def test_migrations_create_the_schema_once(clickhouse: Client) -> None:
    tables = {row[0] for row in clickhouse.query("SHOW TABLES").result_rows}
    assert tables >= TABLES
    assert Migrator(clickhouse).apply() == []
    recorded = clickhouse.query("SELECT version, name FROM schema_migrations FINAL").result_rows
    assert [r for r in recorded if r[0] == 1] == [(1, "initial")]


def test_every_run_restores_the_server_wide_functions(clickhouse: Client) -> None:
    """A database restored on another server has no functions (they are not in its backup):
    the next migration run, with nothing pending, makes them again."""
    names = [s.split()[4] for s in load_functions().statements()]
    assert names == ["vitalscope_lh_quantiles", "vitalscope_lh_counts"]
    for name in names:
        clickhouse.command(f"DROP FUNCTION {name}")
    with pytest.raises(Exception, match="vitalscope_lh_quantiles"):
        clickhouse.query("SELECT vitalscope_lh_quantiles(map(1, 1))")
    assert Migrator(clickhouse).apply() == []
    # A row's UInt32 counts (0091-0093) as a Map summed in UInt64: two rows at the UInt32
    # maximum do not wrap.
    summed = clickhouse.query(
        "SELECT sumMap(vitalscope_lh_counts(b, c)) FROM (SELECT CAST([0, 1001], 'Array(UInt16)') "
        "AS b, CAST([4294967295, 1], 'Array(UInt32)') AS c FROM numbers(2))").result_rows[0][0]
    assert summed == {0: 2 * 4294967295, 1001: 2}
    # Counts 2, 1, 1 in buckets 0, 1001, 2001: rank floor(level * 4) is 2 (p50), 3 (p75+).
    counts = "map(toUInt16(0), toUInt64(2), 1001, 1, 2001, 1)"
    p50, p75, p90, p95 = clickhouse.query(
        f"SELECT vitalscope_lh_quantiles({counts})").result_rows[0][0]
    assert p50 == pytest.approx(1.005 ** 1000 / 1000)
    assert p75 == p90 == p95 == pytest.approx(1.005 ** 2000 / 1000)
    assert all(math.isnan(q) for q in clickhouse.query(
        "SELECT vitalscope_lh_quantiles(CAST(map(), 'Map(UInt16, UInt64)'))").result_rows[0][0])


def test_a_half_applied_migration_is_repeated_safely(settings: Settings) -> None:
    client = connect(settings, create_database=True)
    first = load_migrations()[0]
    client.command(first.statements()[0])  # as if the previous run died after one statement
    assert next(m.file_name for m in Migrator(client).apply()) == first.file_name
    assert Migrator(client).pending() == []
    client.command(f"DROP DATABASE {settings.clickhouse_database}")


def test_an_edited_migration_is_refused(clickhouse: Client) -> None:
    original = load_migrations()
    edited = [Migration(original[0].version, original[0].name, original[0].sql + "\n-- edit"),
              *original[1:]]
    with pytest.raises(MigrationError, match=r"0001_initial\.sql was changed after it was applied"):
        Migrator(clickhouse, migrations=edited).pending()


def test_migration_files_follow_the_convention() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == sorted({m.version for m in migrations})
    for migration in migrations:
        for statement in migration.statements():
            assert not statement.rstrip().endswith(";")


def test_split_statements_ignores_comment_lines() -> None:
    sql = "-- a; comment\nSELECT 1;\n-- another\nSELECT 2\n"
    assert split_statements(sql) == ["SELECT 1", "SELECT 2"]


def test_migration_file_names_are_checked(tmp_path: Path) -> None:
    (tmp_path / "1_bad.sql").write_text("SELECT 1")
    with pytest.raises(MigrationError, match=r"NNNN_what_it_does\.sql"):
        load_migrations(tmp_path)


VITAL_COLUMNS = ["site", "metric", "ts", "received_at", "event_id", "page_view_id", "value",
                 "rating", "page_group", "device"]


def _vital_rows(count: int, site: str = "shop") -> list[list[object]]:
    # Recent: vitals_1m keeps 3 days since 0070 (and vitals 90), a fixed date would expire.
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return [[site, "LCP", now, now, f"e{i}", f"pv{i}", 1000.0 + i,
             "good" if i < count // 2 else "poor", "/product/:id", "mobile"]
            for i in range(count)]


def test_a_retried_batch_is_stored_once_also_in_the_rollup(clickhouse: Client) -> None:
    settings = {"insert_deduplication_token": "flush-42",
                "deduplicate_blocks_in_dependent_materialized_views": 1}
    for _ in range(3):
        clickhouse.insert("vitals", _vital_rows(10), column_names=VITAL_COLUMNS,
                          settings=settings)
    assert clickhouse.command("SELECT count() FROM vitals") == 10
    samples, good, poor, p75 = clickhouse.query(
        "SELECT sum(samples), sum(good), sum(poor), "
        "quantilesMerge(0.5, 0.75, 0.9, 0.95, 0.99)(value_quantiles)[2] FROM vitals_1m"
    ).result_rows[0]
    assert (samples, good, poor) == (10, 5, 5)
    exact = clickhouse.command("SELECT quantileExact(0.75)(value) FROM vitals")
    assert isinstance(exact, str | int), exact  # one value: a number, or its text
    assert abs(p75 - float(exact)) <= 1.0
    clickhouse.insert("vitals", _vital_rows(10), column_names=VITAL_COLUMNS,
                      settings={"insert_deduplication_token": "flush-43"})
    assert clickhouse.command("SELECT count() FROM vitals") == 20


def _granules(plan: list[str]) -> tuple[int, int]:
    """(selected, total) granules of the primary key step of an EXPLAIN indexes = 1."""
    lines = [line.strip() for line in plan]
    start = lines.index("PrimaryKey")
    for line in lines[start:]:
        if line.startswith("Granules:"):
            selected, total = line.removeprefix("Granules:").split("/")
            return int(selected), int(total)
    raise AssertionError("no granule count in plan:\n" + "\n".join(lines))


def test_primary_key_prunes_granules_of_the_typical_dashboard_query(clickhouse: Client) -> None:
    # Three sites, five metrics, a thousand page groups: enough rows for many granules.
    clickhouse.command("""
        INSERT INTO vitals (site, metric, ts, received_at, event_id, page_view_id, value,
                            rating, page_group, device)
        SELECT ['shop', 'blog', 'docs'][number % 3 + 1],
               ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'][intDiv(number, 3) % 5 + 1],
               toDateTime64('2026-11-20 00:00:00', 3, 'UTC') + intDiv(number, 50),
               now64(3), toString(number), toString(number), number % 5000,
               'good', concat('/page/', toString(number % 1000)), 'desktop'
        FROM numbers(300000)
    """)
    plan = [row[0] for row in clickhouse.query(
        "EXPLAIN indexes = 1 "
        "SELECT quantileExact(0.75)(value) FROM vitals "
        "WHERE site = {site:String} AND metric = {metric:String} "
        "AND page_group = {group:String} "
        "AND ts >= {start:DateTime64(3)} AND ts < {end:DateTime64(3)}",
        parameters={"site": "shop", "metric": "LCP", "group": "/page/42",
                    "start": "2026-11-20 00:00:00", "end": "2026-11-21 00:00:00"},
    ).result_rows]
    selected, total = _granules(plan)
    assert total > 10
    assert selected <= total // 10, "\n".join(plan)
