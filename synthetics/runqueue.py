"""Run requests through Redis, so any worker can run any check: the scheduler (or a manual
run) marks the check busy and appends a request to a stream; executors of every worker read
it in a consumer group, run it, and release the check. A check that is still queued or
running is not requested again: missed runs coalesce and no check runs twice at once."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from vitalscope.redisstore import keys
from vitalscope.redisstore.lease import extend_if_held, release_if_held

STREAM = keys.SYNTHETICS_RUNS
GROUP = "executors"
STREAM_MAX_LEN = 10_000
RESULT_TTL_S = 600
# How long a queued request may wait for a free slot before its busy mark lapses.
QUEUE_SLACK_S = 120.0


def busy_key(check: str) -> str:
    return keys.synthetics_check_busy(check)


def result_key(run_id: str) -> str:
    return keys.synthetics_result(run_id)


@dataclass(frozen=True)
class RunRequest:
    entry_id: str
    check: str
    run_id: str
    trigger: str
    reply: bool


class RunQueue:
    def __init__(self, client: aioredis.Redis) -> None:
        self.client = client
        self._group_ready = False

    async def request(self, check: str, max_duration_s: float, trigger: str = "schedule",
                      reply: bool = False) -> str | None:
        """Queues a run unless the check is queued or running already (then None)."""
        run_id = uuid.uuid4().hex
        ttl_ms = int((max_duration_s + QUEUE_SLACK_S) * 1000)
        if not await self.client.set(busy_key(check), run_id, nx=True, px=ttl_ms):
            return None
        await self.client.xadd(
            STREAM, {"check": check, "run_id": run_id, "trigger": trigger,
                     "reply": "1" if reply else "0"},
            maxlen=STREAM_MAX_LEN, approximate=True)
        return run_id

    async def request_waiting(self, check: str, max_duration_s: float, trigger: str,
                              wait_s: float) -> str | None:
        """Queues a run, waiting up to `wait_s` for a run in progress to end first."""
        deadline = time.monotonic() + wait_s
        while True:
            run_id = await self.request(check, max_duration_s, trigger, reply=True)
            if run_id is not None or time.monotonic() > deadline:
                return run_id
            await asyncio.sleep(0.2)

    async def _ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            await self.client.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    async def take(self, consumer: str, count: int, block_ms: int = 1000) -> list[RunRequest]:
        await self._ensure_group()
        answer: Any = await self.client.xreadgroup(
            GROUP, consumer, {STREAM: ">"}, count=count, block=block_ms)
        requests = []
        for _stream, entries in answer or []:
            for entry_id, fields in entries:
                data = {_text(k): _text(v) for k, v in fields.items()}
                requests.append(RunRequest(_text(entry_id), data.get("check", ""),
                                           data.get("run_id", ""), data.get("trigger", ""),
                                           data.get("reply") == "1"))
        return requests

    async def started(self, request: RunRequest, max_duration_s: float) -> None:
        """The busy mark now lasts as long as the run can."""
        await extend_if_held(self.client, busy_key(request.check), request.run_id,
                             max_duration_s + QUEUE_SLACK_S)

    async def done(self, request: RunRequest, result: dict[str, Any] | None) -> None:
        if request.reply and result is not None:
            key = result_key(request.run_id)
            await self.client.rpush(key, json.dumps(result))
            await self.client.expire(key, RESULT_TTL_S)
        await self.client.xack(STREAM, GROUP, request.entry_id)
        await self.client.xdel(STREAM, request.entry_id)
        await release_if_held(self.client, busy_key(request.check), request.run_id)

    async def drop_stale(self, consumer: str, min_idle_s: float) -> list[RunRequest]:
        """Requests taken by a worker that died before finishing them. They are dropped, not
        run: their busy mark has lapsed by now, so the scheduler has queued the check again,
        and running the old request too could run the check twice at once."""
        await self._ensure_group()
        answer: Any = await self.client.xautoclaim(
            STREAM, GROUP, consumer, min_idle_time=int(min_idle_s * 1000), start_id="0-0",
            count=100)
        dropped = []
        for entry_id, fields in answer[1] if answer else []:
            if not fields:
                continue
            data = {_text(k): _text(v) for k, v in fields.items()}
            dropped.append(RunRequest(_text(entry_id), data.get("check", ""),
                                      data.get("run_id", ""), data.get("trigger", ""),
                                      data.get("reply") == "1"))
            await self.client.xack(STREAM, GROUP, entry_id)
            await self.client.xdel(STREAM, entry_id)
        return dropped

    async def wait_result(self, run_id: str, timeout_s: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            # Short blocking pops: the client's socket timeout is a couple of seconds.
            popped = await self.client.blpop([result_key(run_id)], timeout=1)
            if popped:
                value: dict[str, Any] = json.loads(popped[1])
                return value
        return None

    async def lock(self, check: str, max_duration_s: float, wait_s: float) -> str | None:
        """Marks a check busy for a run outside the queue (the CLI without a server)."""
        run_id = uuid.uuid4().hex
        deadline = time.monotonic() + wait_s
        while not await self.client.set(busy_key(check), run_id, nx=True,
                                         px=int((max_duration_s + QUEUE_SLACK_S) * 1000)):
            if time.monotonic() > deadline:
                return None
            await asyncio.sleep(0.2)
        return run_id

    async def unlock(self, check: str, run_id: str) -> None:
        await release_if_held(self.client, busy_key(check), run_id)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
