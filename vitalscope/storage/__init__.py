"""ClickHouse storage: client, migrations and named queries."""
