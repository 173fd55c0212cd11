from __future__ import annotations

import pytest
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError

from vitalscope.storage.cluster import ClusterRenderError, insert_table, render_statement
from vitalscope.storage.migrator import load_functions, load_migrations, render


@pytest.fixture(scope="module")
def rendered() -> list[str]:
    everything = [load_functions(), *load_migrations()]
    return [s for statements in render(everything, "prod").values() for s in statements]


def _backfill(statement: str) -> bool:
    return statement.startswith("INSERT INTO ")


def test_every_statement_runs_on_cluster(rendered: list[str]) -> None:
    assert rendered
    assert all(" ON CLUSTER prod " in s or " ON CLUSTER prod(" in s.replace(" (", "(")
               or s.endswith(" ON CLUSTER prod") for s in rendered if not _backfill(s))


def test_a_backfill_empties_every_node_then_inserts_once_through_distributed_tables() -> None:
    tables = {"errors_tier_1h", "errors_site_1h"}
    assert render_statement("TRUNCATE TABLE errors_site_1h", "prod", tables) == [
        "TRUNCATE TABLE errors_site_1h_local ON CLUSTER prod"]
    (insert,) = render_statement(
        "INSERT INTO errors_site_1h\nSELECT site, bucket FROM errors_tier_1h GROUP BY site, "
        "bucket", "prod", tables)
    assert insert == ("INSERT INTO errors_site_1h SETTINGS insert_distributed_sync = 1 "
                      "SELECT site, bucket FROM errors_tier_1h GROUP BY site, bucket")


def test_tables_become_replicated_local_tables_with_distributed_fronts(rendered: list[str]) -> None:
    vitals_local = next(s for s in rendered if s.startswith("CREATE TABLE IF NOT EXISTS "
                                                            "vitals_local "))
    assert "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', " \
           "'{replica}')" in vitals_local
    assert "replicated_deduplication_window" in vitals_local
    assert "non_replicated_deduplication_window" not in vitals_local
    assert ("CREATE TABLE IF NOT EXISTS vitals ON CLUSTER prod AS vitals_local "
            "ENGINE = Distributed(prod, currentDatabase(), vitals_local, rand())") in rendered


def test_replacing_tables_keep_their_version_and_shard_by_key(rendered: list[str]) -> None:
    sites_local = next(s for s in rendered if s.startswith("CREATE TABLE IF NOT EXISTS "
                                                           "sites_local "))
    assert "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', " \
           "'{replica}', updated_at)" in sites_local
    assert any(s.endswith("sites_local, cityHash64(name))") for s in rendered)


def test_views_read_and_write_local_tables(rendered: list[str]) -> None:
    view = next(s for s in rendered if "vitals_1m_mv" in s)
    assert "TO vitals_1m_local AS" in view
    assert "FROM vitals_local" in view


def test_a_switched_view_reads_local_tables_and_functions_reach_every_node() -> None:
    out = render_statement("ALTER TABLE v_mv MODIFY QUERY SELECT a FROM vitals", "prod",
                           {"vitals"})
    assert out == ["ALTER TABLE v_mv ON CLUSTER prod MODIFY QUERY SELECT a FROM vitals_local"]
    out = render_statement("CREATE OR REPLACE FUNCTION f AS (x) -> x", "prod", set())
    assert out == ["CREATE OR REPLACE FUNCTION f ON CLUSTER prod AS (x) -> x"]
    out = render_statement("INSERT INTO t (a, b) SELECT a, b FROM t", "prod", {"t"})
    assert out == ["INSERT INTO t (a, b) SETTINGS insert_distributed_sync = 1 "
                   "SELECT a, b FROM t"]


def test_a_rebuilt_table_swaps_its_local_tables_and_drops_both_fronts() -> None:
    tables = {"vitals_dims_1d", "vitals_dims_1d_fine"}
    out = render_statement("EXCHANGE TABLES vitals_dims_1d AND vitals_dims_1d_fine", "prod",
                           tables)
    assert out == ["EXCHANGE TABLES vitals_dims_1d_local AND vitals_dims_1d_fine_local "
                   "ON CLUSTER prod"]
    out = render_statement("DROP TABLE IF EXISTS vitals_dims_1d_fine SYNC", "prod", tables)
    assert out == ["DROP TABLE IF EXISTS vitals_dims_1d_fine ON CLUSTER prod SYNC",
                   "DROP TABLE IF EXISTS vitals_dims_1d_fine_local ON CLUSTER prod SYNC"]
    assert render_statement("DROP TABLE t", "prod", {"t"}) == [
        "DROP TABLE t ON CLUSTER prod", "DROP TABLE t_local ON CLUSTER prod"]


def test_alter_reaches_local_and_distributed_tables() -> None:
    out = render_statement("ALTER TABLE vitals ADD COLUMN x UInt8", "prod", {"vitals"})
    assert out == ["ALTER TABLE vitals_local ON CLUSTER prod ADD COLUMN x UInt8",
                   "ALTER TABLE vitals ON CLUSTER prod ADD COLUMN x UInt8"]


def test_unknown_statements_are_refused() -> None:
    with pytest.raises(ClusterRenderError):
        render_statement("INSERT INTO vitals VALUES (1)", "prod", set())


def test_writers_insert_into_local_tables_on_a_cluster() -> None:
    assert insert_table("vitals", "prod") == "vitals_local"
    assert insert_table("vitals", None) == "vitals"


def test_the_real_parser_reads_every_rendered_statement(
        rendered: list[str], clickhouse: Client) -> None:
    # ON CLUSTER, Replicated engines and Distributed tables cannot run without a cluster
    # and Keeper; ClickHouse's own parser (chDB is the server's engine) at least reads each
    # statement, and formats it back with its cluster, engine and target intact.
    assert rendered
    for statement in rendered:
        formatted = clickhouse.command("SELECT formatQuerySingleLine({q:String})",
                                       parameters={"q": statement})
        assert isinstance(formatted, str), statement
        assert _backfill(statement) or " ON CLUSTER prod" in formatted, formatted
        for engine in ("ReplicatedMergeTree(", "ReplicatedReplacingMergeTree(",
                       "ReplicatedAggregatingMergeTree(", "Distributed(prod, "):
            assert (engine in statement) == (engine in formatted), formatted
    with pytest.raises(DatabaseError) as raised:
        clickhouse.command("SELECT formatQuerySingleLine({q:String})",
                           parameters={"q": rendered[0] + " )"})
    assert raised.value.code == 62  # SYNTAX_ERROR: the check does read the statement
