"""RUM ingest: beacons and server timings in, durably queued, batch-inserted into ClickHouse."""
