"""Rendering single-node migration SQL for a ClickHouse cluster.

Migrations are written once, for one node. On a cluster each table becomes a Replicated
`<name>_local` table on every node plus a Distributed `<name>` over them, DDL runs
`ON CLUSTER`, and materialized views read and write the local tables so each shard rolls up
its own rows. Writers insert into the local tables (`insert_table`), which keeps
`insert_deduplication_token` working per replica; readers query the Distributed names.
A migration that fills a new table from existing ones (`TRUNCATE TABLE x` then `INSERT INTO
x SELECT ...`) empties the local tables on every node, then runs the INSERT once, from the
node that migrates: it reads every shard and writes through the Distributed table. A table
rebuilt with other settings (`EXCHANGE TABLES x AND y`) swaps the local tables on every node;
the Distributed tables name their local tables, so `x` reads the rebuilt one from then on.
"""

from __future__ import annotations

import re

LOCAL_SUFFIX = "_local"

_CREATE_TABLE = re.compile(r"^CREATE TABLE IF NOT EXISTS (\w+)\s*\(", re.IGNORECASE)
_CREATE_MV = re.compile(
    r"^CREATE MATERIALIZED VIEW IF NOT EXISTS (\w+) TO (\w+) AS\b", re.IGNORECASE
)
_ALTER = re.compile(r"^ALTER TABLE (\w+)\s+(.*)$", re.IGNORECASE | re.DOTALL)
_MODIFY_QUERY = re.compile(r"^ALTER TABLE (\w+) MODIFY QUERY\s+(SELECT\b.*)$",
                           re.IGNORECASE | re.DOTALL)
_CREATE_FUNCTION = re.compile(r"^CREATE OR REPLACE FUNCTION (\w+) AS\b", re.IGNORECASE)
_ENGINE = re.compile(r"ENGINE\s*=\s*(\w*MergeTree)(?:\(([^)]*)\))?", re.IGNORECASE)
_ORDER_BY = re.compile(r"ORDER BY\s+(\([^)]*\)|\w+)", re.IGNORECASE)
_FROM = re.compile(r"\b(FROM|JOIN)\s+(\w+)\b", re.IGNORECASE)
_TRUNCATE = re.compile(r"^TRUNCATE TABLE (\w+)$", re.IGNORECASE)
_INSERT_SELECT = re.compile(r"^INSERT INTO (\w+)\s+(\([^)]*\)\s+)?(SELECT\b.*)$",
                            re.IGNORECASE | re.DOTALL)
_DROP_TABLE = re.compile(r"^DROP TABLE (IF EXISTS )?(\w+)( SYNC)?$", re.IGNORECASE)
_EXCHANGE = re.compile(r"^EXCHANGE TABLES (\w+) AND (\w+)$", re.IGNORECASE)
_COLUMN_CHANGE = re.compile(r"^\s*(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b", re.IGNORECASE)


class ClusterRenderError(ValueError):
    pass


def insert_table(table: str, cluster: str | None) -> str:
    """The table a writer inserts into: the local replicated table on a cluster."""
    return table + LOCAL_SUFFIX if cluster else table


def _replicated_engine(engine: str, args: str | None) -> str:
    path = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'"
    extra = f", {args.strip()}" if args and args.strip() else ""
    return f"ENGINE = Replicated{engine}({path}{extra})"


def _sharding_key(statement: str, engine: str) -> str:
    # Rows that replace each other must meet on one shard; everything else spreads evenly.
    if engine.lower() == "mergetree" or engine.lower() == "aggregatingmergetree":
        return "rand()"
    match = _ORDER_BY.search(statement)
    return f"cityHash64{match.group(1)}" if match and match.group(1).startswith("(") else (
        f"cityHash64({match.group(1)})" if match else "rand()"
    )


def _local_sources(select: str, tables: set[str]) -> str:
    return _FROM.sub(
        lambda m: f"{m.group(1)} {m.group(2)}{LOCAL_SUFFIX}" if m.group(2) in tables
        else m.group(0),
        select,
    )


def render_statement(statement: str, cluster: str, tables: set[str]) -> list[str]:
    """One single-node statement as the statements a cluster needs. `tables` collects the
    names of tables created so far, so views can be pointed at their local tables."""
    on = f" ON CLUSTER {cluster}"
    text = statement.strip()
    if match := _CREATE_TABLE.match(text):
        name = match.group(1)
        engine = _ENGINE.search(text)
        if engine is None:
            raise ClusterRenderError(
                f"table {name}: only MergeTree-family engines can be replicated")
        local = name + LOCAL_SUFFIX
        body = text[match.end():]
        body = body.replace(engine.group(0), _replicated_engine(engine.group(1), engine.group(2)))
        body = body.replace("non_replicated_deduplication_window",
                            "replicated_deduplication_window")
        tables.add(name)
        return [
            f"CREATE TABLE IF NOT EXISTS {local}{on} ({body}",
            f"CREATE TABLE IF NOT EXISTS {name}{on} AS {local} "
            f"ENGINE = Distributed({cluster}, currentDatabase(), {local}, "
            f"{_sharding_key(text, engine.group(1))})",
        ]
    if match := _CREATE_MV.match(text):
        view, target = match.group(1), match.group(2)
        return [f"CREATE MATERIALIZED VIEW IF NOT EXISTS {view}{on} TO {target}{LOCAL_SUFFIX} AS"
                f"{_local_sources(text[match.end():], tables)}"]
    if match := _MODIFY_QUERY.match(text):
        # A view keeps its name on a cluster; its new query reads the local tables too.
        return [f"ALTER TABLE {match.group(1)}{on} MODIFY QUERY "
                f"{_local_sources(match.group(2), tables)}"]
    if match := _CREATE_FUNCTION.match(text):
        return [f"CREATE OR REPLACE FUNCTION {match.group(1)}{on} AS{text[match.end():]}"]
    if match := _ALTER.match(text):
        name, rest = match.group(1), match.group(2)
        rendered = [f"ALTER TABLE {name}{LOCAL_SUFFIX}{on} {rest}"]
        if _COLUMN_CHANGE.match(rest):
            rendered.append(f"ALTER TABLE {name}{on} {rest}")
        return rendered
    if match := _DROP_TABLE.match(text):
        if_exists, name, sync = match.group(1) or "", match.group(2), match.group(3) or ""
        return [f"DROP TABLE {if_exists}{name}{on}{sync}",
                f"DROP TABLE {if_exists}{name}{LOCAL_SUFFIX}{on}{sync}"]
    if match := _EXCHANGE.match(text):
        return [f"EXCHANGE TABLES {match.group(1)}{LOCAL_SUFFIX} AND "
                f"{match.group(2)}{LOCAL_SUFFIX}{on}"]
    if match := _TRUNCATE.match(text):
        return [f"TRUNCATE TABLE {match.group(1)}{LOCAL_SUFFIX}{on}"]
    if match := _INSERT_SELECT.match(text):
        # Synchronous: the migration is done when every shard has its rows.
        return [f"INSERT INTO {match.group(1)} {match.group(2) or ''}"
                f"SETTINGS insert_distributed_sync = 1 {match.group(3)}"]
    raise ClusterRenderError(f"cannot render for a cluster: {text[:80]!r}")
