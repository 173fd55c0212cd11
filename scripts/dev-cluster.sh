#!/usr/bin/env bash
# A distributed Vitalscope on this machine, on loopback, for tests and local development:
#   bash scripts/dev-cluster.sh up DIR     start it, wait until every process is ready, print
#                                          collectors=, dashboard=, token=, workers=, env_file=
#   bash scripts/dev-cluster.sh down DIR   stop everything `up DIR` started (also after an
#                                          `up` that failed half-way)
# It starts the ClickHouse HTTP endpoint over chDB (`vitalscope dev clickhouse-http`, a
# development tool: production runs a ClickHouse server), Redis with Sentinel (a master, 2
# replicas, 3 sentinels), runs the migrations, then 2 `vitalscope collector`, 2
# `vitalscope worker` and 1 `vitalscope dashboard`. Every
# VITALSCOPE_* variable set when `up` runs reaches every process (e.g. VITALSCOPE_CONFIG for
# rules and checks); `source DIR/env` makes CLI commands (`vitalscope sites add`) act on this
# deployment. Logs are in DIR/logs. PYTHON picks the interpreter (default: .venv/bin/python).
set -Eeuo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
READY_TIMEOUT_S="${DEV_CLUSTER_READY_TIMEOUT_S:-240}"

usage() {
  echo "usage: $0 up DIR | down DIR" >&2
  exit 2
}

[ $# -eq 2 ] || usage
ACTION=$1
DIR=$2
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
PIDS="$DIR/pids"    # "name pid" lines, written as each process starts: what `down` stops
LOGS="$DIR/logs"

# N distinct free ports, one per line: every socket stays bound until all are picked (ports
# picked one at a time could repeat, and two roles then race for one port).
free_ports() {
  "$PYTHON" -c '
import socket, sys
held = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in held:
    s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in held))' "$1"
}

# Starts "$@" in the background with its output in logs/NAME.log and records its pid.
start() {
  local name=$1
  shift
  "$@" </dev/null >"$LOGS/$name.log" 2>&1 &
  echo "$name $!" >>"$PIDS"
}

down() {
  [ -f "$PIDS" ] || { stop_redis; return 0; }
  local name pid
  # Roles first, the stores they write to last (reverse start order).
  tac "$PIDS" | while read -r name pid; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  local deadline=$((SECONDS + 30))
  tac "$PIDS" | while read -r name pid; do
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "dev-cluster: $name ($pid) ignored SIGTERM for 30 s; killing it (its threads'" \
        "stacks are at the end of $LOGS/$name.log)" >&2
      kill -USR1 "$pid" 2>/dev/null || true  # vitalscope/server/stack_dump.py
      sleep 1
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -f "$PIDS"
  stop_redis  # the stores last: Redis after every role that writes to it
}

# Polls BASE_URL/PATH until it answers 2xx and the process NAME has said it listens on
# BASE_URL (an answer alone could come from another process holding that port); fails early
# when NAME exits.
wait_ready() {
  local name=$1 base=$2 path=$3 pid
  pid=$(awk -v n="$name" '$1 == n { print $2 }' "$PIDS")
  local deadline=$((SECONDS + READY_TIMEOUT_S))
  until grep -qF "listening on $base" "$LOGS/$name.log" \
      && curl -fs -o /dev/null --max-time 5 "$base$path"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "dev-cluster: $name exited before it was ready; last lines of $LOGS/$name.log:" >&2
      tail -n 20 "$LOGS/$name.log" >&2
      return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "dev-cluster: $name not ready at $base$path after ${READY_TIMEOUT_S} s" >&2
      return 1
    fi
    sleep 0.5
  done
}

# --- Redis -------------------------------------------------------------------------------
# A master with 2 replicas and 3 sentinels (scripts/lib/redis-ha.sh; docs/redis-ha.md): every
# role reaches the master through `redis+sentinel://` and follows a failover.
start_redis() {
  local out
  out=$(bash "$ROOT/scripts/lib/redis-ha.sh" up sentinel "$DIR/redis")
  REDIS_URL=$(printf '%s\n' "$out" | sed -n 's/^redis_url=//p')
  [ -n "$REDIS_URL" ] || { echo "dev-cluster: redis-ha printed no redis_url" >&2; return 1; }
}

stop_redis() {
  [ -f "$DIR/redis/redis-ha.json" ] || return 0
  bash "$ROOT/scripts/lib/redis-ha.sh" down "$DIR/redis" >/dev/null 2>&1 || true
}
# ------------------------------------------------------------------------------------------

up() {
  if [ -s "$PIDS" ]; then
    echo "dev-cluster: $DIR already has a running cluster (run: $0 down $DIR)" >&2
    exit 1
  fi
  mkdir -p "$LOGS" "$DIR/data"
  : >"$PIDS"
  trap 'echo "dev-cluster: up failed; stopping what it started" >&2; down' ERR

  # ClickHouse, 2 collectors, 2 workers, a dashboard.
  local -a ports
  mapfile -t ports < <(free_ports 6)
  local ch_port=${ports[0]}
  start clickhouse "$PYTHON" -m vitalscope dev clickhouse-http --path "$DIR/clickhouse" \
    --port "$ch_port"
  start_redis
  wait_ready clickhouse "http://127.0.0.1:$ch_port" /ping

  local token
  token=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(32))')
  # Every VITALSCOPE_* of the caller, then this deployment's own.
  {
    env | grep '^VITALSCOPE_' | grep -v -e '^VITALSCOPE_CLICKHOUSE_URL=' \
      -e '^VITALSCOPE_REDIS_URL=' -e '^VITALSCOPE_ADMIN_TOKEN=' -e '^VITALSCOPE_DATA=' \
      | sed -e "s/'/'\\\\''/g" -e "s/=/='/" -e "s/\$/'/" -e 's/^/export /' || true
    echo "export VITALSCOPE_CLICKHOUSE_URL='http://127.0.0.1:$ch_port'"
    echo "export VITALSCOPE_REDIS_URL='$REDIS_URL'"
    echo "export VITALSCOPE_ADMIN_TOKEN='$token'"
    echo "export VITALSCOPE_DATA='$DIR/data'"
  } >"$DIR/env"
  chmod 600 "$DIR/env"
  # shellcheck disable=SC1091
  source "$DIR/env"

  "$PYTHON" -m vitalscope migrate >"$LOGS/migrate.log" 2>&1 || {
    echo "dev-cluster: migrations failed:" >&2
    tail -n 20 "$LOGS/migrate.log" >&2
    false
  }

  local role i port collectors="" workers="" dashboard="" next=1
  local -a ready=()
  for role in collector collector worker worker dashboard; do
    i=$(grep -c "^$role" "$PIDS" || true)
    port=${ports[next]}
    next=$((next + 1))
    start "$role$((i + 1))" "$PYTHON" -m vitalscope "$role" --port "$port"
    ready+=("$role$((i + 1)) http://127.0.0.1:$port")
    case $role in
      collector) collectors="${collectors:+$collectors,}http://127.0.0.1:$port" ;;
      worker) workers="${workers:+$workers,}$(awk -v n="worker$((i + 1))" '$1 == n { print $2 }' "$PIDS")" ;;
      dashboard) dashboard="http://127.0.0.1:$port" ;;
    esac
  done
  local entry
  for entry in "${ready[@]}"; do
    wait_ready "${entry%% *}" "${entry#* }" /readyz
  done
  trap - ERR

  echo "collectors=$collectors"
  echo "dashboard=$dashboard"
  echo "token=$token"
  echo "workers=$workers"
  echo "env_file=$DIR/env"
}

case $ACTION in
  up) up ;;
  down) down ;;
  *) usage ;;
esac
