"""The distributed deployment, run for real by `scripts/dev-cluster.sh` on loopback: the
ClickHouse HTTP endpoint over chDB, Redis, 2 collectors, 2 workers, a dashboard (and a
second dashboard here). One cluster for the module; the tests run in order, the last one
kills a worker."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import clickhouse_connect
import httpx
import pytest
import redis
from clickhouse_connect.driver.client import Client

from tests.collector.beacons import CHROME_UA, beacon
from tests.collector.queue import wait_drained
from tests.support.ingest_metrics import metric_value
from tests.support.ports import free_port
from tests.support.serve import VITALSCOPE, clean_env, run_cli
from vitalscope.redisstore import keys
from vitalscope.redisstore.client import sync_client

ROOT = Path(__file__).parents[2]
SCRIPT = ROOT / "scripts" / "dev-cluster.sh"
ORIGIN = "https://shop.example"
EVALUATION_INTERVAL_S = 2
DECLARED_KEY = "pk_test_declared_0001"
# How uvicorn and redis-server say a port was taken (lower-cased).
PORT_TAKEN = "address already in use"
CONFIG = {
    # A site declared in the configuration: `vitalscope migrate` creates it (no role does).
    "sites": [{"name": "declared", "key": DECLARED_KEY}],
    "collector": {
        "flush_interval_s": 0.3,
        "claim_idle_s": 3,
        "client_rate_limit": {"per_second": 100000, "burst": 100000},
        # Far away: a site reaching the collectors within seconds came by the generation bump.
        "sites_refresh_s": 3600,
    },
    "alerting": {"evaluation_interval": EVALUATION_INTERVAL_S},
    "synthetics": {"lease_ttl_s": 3},
    "dashboard": {"cache_ttl_s": 600},
}


@dataclass
class Cluster:
    folder: Path
    collectors: list[str]
    dashboard: str
    token: str
    workers: list[int]
    env: dict[str, str]
    site_key: str = ""
    second_dashboard: str = ""
    second_process: subprocess.Popen[bytes] | None = None
    accepted: list[str] = field(default_factory=list)  # vital event ids answered 204

    def worker_url(self, pid: int) -> str:
        names = dict(line.split()[::-1] for line in
                     (self.folder / "pids").read_text().splitlines())
        log = (self.folder / "logs" / f"{names[str(pid)]}.log").read_text()
        match = re.search(r"worker listening on (http://\S+)", log)
        assert match, log
        return match.group(1)

    def redis(self) -> redis.Redis:
        # The deployment's Redis is a Sentinel service: the product's one home of clients.
        return sync_client(self.env["VITALSCOPE_REDIS_URL"])

    def clickhouse(self) -> Client:
        return clickhouse_connect.get_client(
            dsn=self.env["VITALSCOPE_CLICKHOUSE_URL"], database="vitalscope",
            autogenerate_session_id=False)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _env_file(path: Path) -> dict[str, str]:
    env = clean_env()
    for line in path.read_text().splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = shlex.split(value)[0]
    return env


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("cluster")
    config = folder / "vitalscope.yaml"
    config.write_text(json.dumps(CONFIG))
    env = clean_env(PYTHON=sys.executable, VITALSCOPE_CONFIG=str(config))
    started = time.monotonic()
    run = folder / "run"
    up = _up(run, env)
    if up.returncode != 0 and PORT_TAKEN in (up.stdout + up.stderr).lower():
        # A free port picked for a role can be taken by another test before the role binds
        # it (nothing can reserve a port for a child process); `up` stopped what it started.
        print(f"dev-cluster up lost a port race, once more:\n{up.stderr}")
        run = folder / "run-again"
        up = _up(run, env)
    print(f"dev-cluster up: {time.monotonic() - started:.0f} s")
    pids = [int(line.split()[1]) for line in
            (run / "pids").read_text().splitlines()] if up.returncode == 0 else []
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        values = dict(line.split("=", 1) for line in up.stdout.splitlines() if "=" in line)
        assert set(values) == {"collectors", "dashboard", "token", "workers", "env_file"}
        made = Cluster(run, values["collectors"].split(","), values["dashboard"],
                       values["token"], [int(p) for p in values["workers"].split(",")],
                       _env_file(Path(values["env_file"])))
        # A second dashboard replica, starting while the first tests run.
        port = free_port()
        made.second_dashboard = f"http://127.0.0.1:{port}"
        with open(folder / "dashboard2.log", "w") as log:
            second = subprocess.Popen([*VITALSCOPE, "dashboard", "--port", str(port)],
                                      stdout=log, stderr=subprocess.STDOUT, env=made.env)
        made.second_process = second
        try:
            yield made
        finally:
            second.terminate()
            assert second.wait(timeout=60) == 0
    finally:
        down = subprocess.run(["bash", str(SCRIPT), "down", str(run)], env=env,
                              capture_output=True, text=True, timeout=120, check=False)
        assert down.returncode == 0, down.stderr
        # Every role stopped on SIGTERM; one that did not left its stacks in its log.
        assert "ignored SIGTERM" not in down.stderr, down.stderr + _stuck_logs(run)
        for pid in pids:  # everything `up` started is gone
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)


def _up(run: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), "up", str(run)], env=env, capture_output=True,
                          text=True, timeout=600, check=False)


def _stuck_logs(run: Path) -> str:
    return "".join(f"\n== {log.name}\n{log.read_text()[-20_000:]}"
                   for log in sorted((run / "logs").glob("*.log"))
                   if "most recent call first" in log.read_text())


def _post(client: httpx.Client, key: str, body: dict[str, object]) -> int:
    return client.post(f"/v1/beacon?k={key}", content=json.dumps(body), headers={
        "Origin": ORIGIN, "User-Agent": CHROME_UA, "Content-Type": "text/plain"}).status_code


def _vital_ids(body: dict[str, object]) -> list[str]:
    events = body["e"]
    assert isinstance(events, list)
    return [e["id"] for e in events if e["t"] == "vital"]


def _stored_once(cluster: Cluster) -> None:
    wait_drained(cluster.redis(), timeout=120)
    rows = cluster.clickhouse().query(
        "SELECT event_id, count() FROM vitals WHERE site = 'shop' GROUP BY event_id").result_rows
    counts: dict[str, int] = {str(event_id): int(n) for event_id, n in rows}
    assert set(counts) == set(cluster.accepted), "accepted vitals missing or unexpected"
    assert all(n == 1 for n in counts.values()), "a vital stored twice"


def _overview_samples(base: str, cluster: Cluster) -> tuple[int, dict[str, object]]:
    answer = httpx.get(f"{base}/api/v1/overview", params={"site": "shop", "range": "24h"},
                       headers=cluster.auth, timeout=60)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    return sum(m["samples"] for m in data["metrics"]), data


def test_beacons_through_both_collectors_are_stored_once_and_shown(cluster: Cluster) -> None:
    added = run_cli("sites", "add", "shop", "--origin", ORIGIN, "--json", env=cluster.env)
    assert added.returncode == 0, added.stderr
    cluster.site_key = json.loads(added.stdout)["key"]
    for url in cluster.collectors:
        with httpx.Client(base_url=url, timeout=10) as client:
            # The CLI announced the site: each collector takes it within seconds, not at its
            # hour-long timed refresh.
            deadline = time.monotonic() + 15
            while True:
                body = beacon()
                status = _post(client, cluster.site_key, body)
                if status == 204:
                    cluster.accepted += _vital_ids(body)
                    break
                assert status == 403 and time.monotonic() < deadline, status
                time.sleep(0.2)
            for _ in range(20):
                body = beacon()
                assert _post(client, cluster.site_key, body) == 204
                cluster.accepted += _vital_ids(body)
    with httpx.Client(base_url=cluster.collectors[0], timeout=10) as client:
        declared = beacon()
        assert _post(client, DECLARED_KEY, declared) == 204
    _stored_once(cluster)
    deadline = time.monotonic() + 60
    while (shown := _overview_samples(cluster.dashboard, cluster)[0]) != len(cluster.accepted):
        assert time.monotonic() < deadline, (shown, len(cluster.accepted))
        time.sleep(0.5)


def test_dashboard_replicas_show_the_same_numbers_from_one_cache(cluster: Cluster) -> None:
    second, url = cluster.second_process, cluster.second_dashboard
    assert second is not None
    deadline = time.monotonic() + 180
    while True:
        assert second.poll() is None, (cluster.folder.parent / "dashboard2.log").read_text()
        try:
            if httpx.get(url + "/readyz", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "second dashboard not ready"
        time.sleep(0.5)
    store = cluster.redis()
    generation = int(store.get(keys.site_generation("shop")) or 0)
    pattern = keys.dashboard_result("shop", generation, "*", "*")
    first_samples, first = _overview_samples(cluster.dashboard, cluster)
    cached = sorted(store.scan_iter(match=pattern))
    assert cached, "the first dashboard cached nothing"
    ttl_before = {key: store.pttl(key) for key in cached}
    second_samples, second_answer = _overview_samples(url, cluster)
    assert (second_samples, second_answer["metrics"]) == (first_samples, first["metrics"])
    assert first_samples == len(cluster.accepted)
    # The replica read those entries instead of querying and writing its own: a write
    # would have set each TTL back to the full 600 s.
    assert int(store.get(keys.site_generation("shop")) or 0) == generation
    assert sorted(store.scan_iter(match=pattern)) == cached
    for key, before in ttl_before.items():
        assert 0 < store.pttl(key) <= before, key


def _metrics(url: str) -> str:
    return httpx.get(url + "/metrics", timeout=10).text


def _evaluations(url: str) -> float:
    return metric_value(_metrics(url), "vitalscope_alert_evaluations_total")


def _leases(url: str) -> tuple[float, float]:
    text = _metrics(url)
    return (metric_value(text, "vitalscope_alerts_leader"),
            metric_value(text, "vitalscope_synthetics_scheduler_active"))


class _Load(threading.Thread):
    """Beacons to both collectors, round robin, until stopped; ids of the accepted ones."""

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(daemon=True)
        self.cluster = cluster
        self.stop = threading.Event()
        self.accepted: list[str] = []
        self.refused: list[int] = []

    def run(self) -> None:
        clients = [httpx.Client(base_url=url, timeout=10) for url in self.cluster.collectors]
        try:
            i = 0
            while not self.stop.is_set():
                body = beacon()
                status = _post(clients[i % len(clients)], self.cluster.site_key, body)
                i += 1
                if status == 204:
                    self.accepted += _vital_ids(body)
                else:
                    self.refused.append(status)
        finally:
            for client in clients:
                client.close()


def _wait(condition: str, check: object, timeout: float = 60) -> None:
    assert callable(check)
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, condition
        time.sleep(0.3)


def test_a_worker_killed_under_load_loses_nothing_and_its_leases_move(
        cluster: Cluster) -> None:
    urls = {pid: cluster.worker_url(pid) for pid in cluster.workers}
    _wait("one worker holds the alerts lease",
          lambda: sorted(_leases(u)[0] for u in urls.values()) == [0, 1])
    leader = next(pid for pid, url in urls.items() if _leases(url)[0] == 1)
    survivor = next(pid for pid in urls if pid != leader)
    # One evaluator at a time: the leader evaluates on every tick, the other never.
    start = _evaluations(urls[leader])
    _wait("the leader evaluates", lambda: _evaluations(urls[leader]) >= start + 2)
    assert _evaluations(urls[survivor]) == 0

    load = _Load(cluster)
    load.start()
    try:
        _wait("beacons flowing", lambda: len(load.accepted) >= 200)
        os.kill(leader, signal.SIGKILL)
        seen = len(load.accepted)
        _wait("beacons still flowing", lambda: len(load.accepted) >= seen + 200)
    finally:
        load.stop.set()
        load.join(timeout=60)
    assert load.refused == []
    cluster.accepted += load.accepted
    _stored_once(cluster)  # the dead worker's unacknowledged entries were claimed, once

    _wait("the survivor takes both leases", lambda: _leases(urls[survivor]) == (1, 1))
    before = _evaluations(urls[survivor])
    _wait("the survivor evaluates", lambda: _evaluations(urls[survivor]) >= before + 2)
    # The dead worker's lease entry now names the survivor's holder, not a stale one.
    assert cluster.redis().pttl(keys.ALERTS_LEADER) > 0
