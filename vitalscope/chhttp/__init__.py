"""A ClickHouse HTTP endpoint over chDB, for tests and local development only.

chDB is the real ClickHouse engine but cannot listen; this endpoint speaks the subset of the
ClickHouse HTTP interface that clickhouse-connect uses (`/ping`, the query in the URL or the
body, `param_*`, settings as URL parameters, `database`, `session_id`, compressed request and
response bodies, the `X-ClickHouse-*` headers, errors with their exception code), so several
processes can share one chDB folder as they would share a ClickHouse server. Every call on
chDB is serialised in one process. It has no authentication, no TLS and no resource limits
beyond a body cap: production runs a ClickHouse server. `vitalscope dev clickhouse-http`
runs it; docs/deployment.md ("A local cluster") says what it is for.
"""

from vitalscope.chhttp.server import ClickHouseHTTPServer

__all__ = ["ClickHouseHTTPServer"]
