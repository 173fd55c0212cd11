"""Telling an outage (retry the same insert until it passes) from an insert ClickHouse
refuses for what it holds (retrying cannot help: the rows are split until the bad ones are
found, see bisect.py).

Only a known outage is transient. Everything else (parse errors, type mismatches, too many
partitions in one block, codes this list does not know) is about the rows: the batch is split,
so at worst the rows of an unknown outage end up as dead letters, which can be replayed."""

from __future__ import annotations

import re

from clickhouse_connect.driver.exceptions import DataError

# ClickHouse codes of a server that is unwell, unreachable, overloaded or misconfigured.
TRANSIENT_CODES = frozenset({
    # The server is busy or short of resources.
    159,  # TIMEOUT_EXCEEDED
    160,  # TOO_SLOW
    173,  # CANNOT_ALLOCATE_MEMORY
    201,  # QUOTA_EXCEEDED
    202,  # TOO_MANY_SIMULTANEOUS_QUERIES
    203,  # NO_FREE_CONNECTION
    236,  # ABORTED
    241,  # MEMORY_LIMIT_EXCEEDED
    243,  # NOT_ENOUGH_SPACE
    252,  # TOO_MANY_PARTS, only "Too many parts" (see _PARTS_PER_BLOCK)
    364,  # RECEIVED_ERROR_TOO_MANY_REQUESTS
    394,  # QUERY_WAS_CANCELLED
    425,  # SYSTEM_ERROR
    439,  # CANNOT_SCHEDULE_TASK
    # The network between the server and its peers.
    95,   # CANNOT_READ_FROM_SOCKET
    96,   # CANNOT_WRITE_TO_SOCKET
    198,  # DNS_ERROR
    209,  # SOCKET_TIMEOUT
    210,  # NETWORK_ERROR
    279,  # ALL_CONNECTION_TRIES_FAILED
    1000,  # POCO_EXCEPTION
    # Replication and Keeper: a replica goes read-only until Keeper is back.
    225,  # NO_ZOOKEEPER
    242,  # TABLE_IS_READ_ONLY
    244,  # UNEXPECTED_ZOOKEEPER_ERROR
    254,  # NO_ACTIVE_REPLICAS
    285,  # TOO_FEW_LIVE_REPLICAS
    286,  # UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE
    289,  # REPLICA_IS_NOT_IN_QUORUM
    319,  # UNKNOWN_STATUS_OF_INSERT
    369,  # ALL_REPLICAS_ARE_STALE
    415,  # ALL_REPLICAS_LOST
    999,  # KEEPER_EXCEPTION
    # An operator's fix: true of every row alike, and the same rows land once it is fixed.
    16,   # NO_SUCH_COLUMN_IN_TABLE (a schema not migrated yet)
    60,   # UNKNOWN_TABLE
    81,   # UNKNOWN_DATABASE
    164,  # READONLY
    192,  # UNKNOWN_USER
    193,  # WRONG_PASSWORD
    194,  # REQUIRED_PASSWORD
    195,  # IP_ADDRESS_NOT_ALLOWED
    291,  # DATABASE_ACCESS_DENIED
    497,  # ACCESS_DENIED
    516,  # AUTHENTICATION_FAILED
})
TOO_MANY_PARTS = 252
# Code 252 also names a block whose rows span more partitions than
# max_partitions_per_insert_block: that one is about the rows, and splitting fixes it.
_PARTS_PER_BLOCK = re.compile(r"partitions for single insert block", re.IGNORECASE)
_CODE = re.compile(r"Code: (\d+)")
# Label values of vitalscope_flush_insert_failures (kept from earlier versions).
REJECTED = "data"
TRANSIENT = "unavailable"


def code_of(exc: BaseException) -> int | None:
    match = _CODE.search(str(exc))
    return int(match.group(1)) if match is not None else None


def classify(exc: BaseException) -> str:
    """TRANSIENT: retry the same insert later. REJECTED: split the rows."""
    if isinstance(exc, DataError):  # clickhouse-connect could not serialise the rows
        return REJECTED
    code = code_of(exc)
    if code is None:
        # No ClickHouse code: the connection, a timeout, an HTTP error without a body.
        return TRANSIENT
    if code == TOO_MANY_PARTS:
        return REJECTED if _PARTS_PER_BLOCK.search(str(exc)) else TRANSIENT
    return TRANSIENT if code in TRANSIENT_CODES else REJECTED


def reason(exc: BaseException) -> str:
    text = re.sub(r"\s+", " ", str(exc)).strip()
    return f"{type(exc).__name__}: {text[:500]}"
