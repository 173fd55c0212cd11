"""`vitalscope serve` with two ingest processes on its port (http.processes = 2): beacons
accepted by either are stored once, every other request is answered whichever process takes
the connection, /metrics counts over every process, a crashed ingest process is restarted
and SIGTERM leaves no process behind."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.collector.beacons import CHROME_UA, beacon
from tests.support.clickhouse_folder import query_data_folder_many
from tests.support.serve import ServeProcess, clean_env

KEY = "pk_test_procs_0001"
ORIGIN = "https://shop.example"
BEACONS = 40
WAIT_S = 120.0
SENT: list[dict[str, Any]] = []  # the beacons accepted, checked in storage at the end


def poll(what: str, check: Callable[[], bool], timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.1)


def ingest_pids(server: ServeProcess) -> set[int]:
    assert server.process is not None
    pid = server.process.pid
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return set()
    found = set()
    for child in children:
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"vitalscope.app.ingest_process" in command:
            found.add(int(child))
    return found


def per_process(server: ServeProcess, family: str, **labels: str) -> dict[int, float]:
    """One counter of each process's metrics snapshot (vitalscope/server/procs/metrics.py)."""
    values: dict[int, float] = {}
    for path in (server.data / "run" / "metrics").glob("*.json"):
        try:
            families = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        for name, _kind, _doc, samples in families:
            if name == family:
                values[int(path.stem)] = sum(value for sample, its, value in samples
                                             if sample == family + "_total" and its == labels)
    return values


# No keep-alive: each request on a connection of its own, which the kernel gives to one
# process or the other by its port.
FRESH = httpx.Client(timeout=30, limits=httpx.Limits(max_keepalive_connections=0))


def fresh(method: str, url: str, **kwargs: Any) -> httpx.Response:
    return FRESH.request(method, url, **kwargs)


def listening(server: ServeProcess, pids: set[int]) -> bool:
    """Both processes answer (each writes its metrics snapshot once started)."""
    return len(pids) == 2 and pids <= set(per_process(server, "vitalscope_ingest_accepted",
                                                      endpoint="beacon"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    folder = tmp_path_factory.mktemp("procs")
    config = folder / "vitalscope.yaml"
    config.write_text(json.dumps({
        "sites": [{"name": "shop", "origins": [ORIGIN], "key": KEY}],
        "collector": {"flush_interval_s": 0.3,
                      "client_rate_limit": {"per_second": 10000, "burst": 10000}},
    }))
    process = ServeProcess(folder / "data", env=clean_env(VITALSCOPE_HTTP__PROCESSES="2"),
                           extra_args=["--config", str(config)]).start()
    try:
        poll("two ingest processes started", lambda: listening(process, ingest_pids(process)))
        yield process
    finally:
        if process.process is not None and process.process.poll() is None:
            process.stop()


def test_beacons_taken_by_either_process_are_counted_once_over_all(
        server: ServeProcess) -> None:
    for _ in range(BEACONS):
        body = beacon()
        answer = fresh("POST", f"{server.url}/v1/beacon?k={KEY}", json=body,
                       headers={"Origin": ORIGIN, "User-Agent": CHROME_UA})
        assert answer.status_code == 204, answer.text
        SENT.append(body)
    pids = ingest_pids(server)

    def counted() -> dict[int, float]:
        return {pid: n for pid, n in per_process(
            server, "vitalscope_ingest_accepted", endpoint="beacon").items() if pid in pids}

    # Both processes took beacons (40 connections all hashed to one: odds 2**-39).
    poll("each process's beacons in its snapshot", lambda: sum(counted().values()) == BEACONS)
    assert all(n > 0 for n in counted().values()) and len(counted()) == 2
    total = f'vitalscope_ingest_accepted_total{{endpoint="beacon"}} {float(BEACONS)}'
    # Whichever process answers /metrics, it counts every process's beacons.
    for _ in range(6):
        poll("/metrics summed over the processes",
             lambda: total in fresh("GET", server.url + "/metrics").text)


def test_other_requests_are_answered_whichever_process_takes_them(
        server: ServeProcess) -> None:
    admin = {"Authorization": f"Bearer {server.admin_token()}"}
    created = fresh("POST", server.url + "/admin/v1/sites", headers=admin,
                    json={"name": "blog", "origins": [ORIGIN]})
    assert created.status_code == 201, created.text
    blog_key = created.json()["key"]
    for _ in range(12):
        sites = fresh("GET", server.url + "/admin/v1/sites", headers=admin)
        assert sites.status_code == 200
        assert {s["site"] for s in sites.json()} == {"shop", "blog"}
        assert fresh("GET", server.url + "/healthz").json() == {"status": "ok"}
        login = fresh("GET", server.url + "/login")
        assert login.status_code == 200 and "text/html" in login.headers["content-type"]
        assert len(login.headers.get_list("date")) == 1  # the ingest process's, not two
    pids = ingest_pids(server)
    forwarded = per_process(server, "vitalscope_forwarded_requests", outcome="answered")
    poll("both processes forwarded requests", lambda: all(
        per_process(server, "vitalscope_forwarded_requests", outcome="answered").get(pid, 0)
        > 0 for pid in pids))
    assert forwarded  # the counter is there at all

    # The new site reaches both processes (the sites snapshot in Redis).
    def blog_accepted() -> bool:
        answers = [fresh("POST", f"{server.url}/v1/beacon?k={blog_key}", json=beacon(),
                         headers={"Origin": ORIGIN, "User-Agent": CHROME_UA}).status_code
                   for _ in range(8)]
        return answers == [204] * 8

    poll("the new site's key accepted by every process", blog_accepted, 30)


def test_a_crashed_ingest_process_is_restarted(server: ServeProcess) -> None:
    before = ingest_pids(server)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    poll("a new ingest process in place of the killed one", lambda: listening(
        server, pids := ingest_pids(server)) and victim not in pids)
    assert f"(pid {victim}) exited with signal 9; restarting" in server.logs()
    answer = fresh("POST", f"{server.url}/v1/beacon?k={KEY}", json=(body := beacon()),
                   headers={"Origin": ORIGIN, "User-Agent": CHROME_UA})
    assert answer.status_code == 204
    SENT.append(body)


def test_sigterm_stops_every_process_and_each_beacon_is_stored_once(
        server: ServeProcess) -> None:
    pids = ingest_pids(server)
    assert len(pids) == 2

    def drained() -> bool:
        # A loaded machine can fail readiness for a slow ClickHouse check: then no figures.
        queue = fresh("GET", server.url + "/readyz").json().get("queue")
        return bool(queue and queue["oldest_age_s"] == 0 and queue["pending"] == 0)

    poll("every beacon flushed", drained)
    assert server.stop(signal.SIGTERM) == 0
    poll("no ingest process left", lambda: not any(Path(f"/proc/{p}").exists() for p in pids),
         10)
    logs = server.logs()
    assert "stopped cleanly" in logs and "Traceback" not in logs
    assert not (server.data / "run").exists()
    ids = [e["id"] for body in SENT for e in body["e"] if e["t"] == "vital"]
    rows = query_data_folder_many(server.data, {"vitals": (
        "SELECT count() AS n, uniqExact(event_id) AS ids FROM vitals "
        "WHERE event_id IN {ids:Array(String)}", {"ids": ids})})
    assert rows["vitals"] == [{"n": len(ids), "ids": len(ids)}]
