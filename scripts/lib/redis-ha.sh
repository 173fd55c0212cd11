#!/usr/bin/env bash
# Redis with high availability on loopback for local development and tests
# (tests/support/redis_ha.py; settings and what a failover can lose: docs/redis-ha.md).
#   bash scripts/lib/redis-ha.sh up sentinel DIR   # master + 2 replicas + 3 sentinels
#   bash scripts/lib/redis-ha.sh up cluster DIR    # Redis Cluster of 3 masters
#   bash scripts/lib/redis-ha.sh down DIR          # stops what `up` started in DIR
# `up` prints name=value lines: kind, redis_url (for VITALSCOPE_REDIS_URL), pids; it returns
# once the setup takes writes, and the servers keep running until `down`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}" exec "$python" -m tests.support.redis_ha "$@"
