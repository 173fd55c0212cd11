"""One evaluation cycle: every rule kind evaluated with its one batched query, states
advanced, history written, the notification pipeline fed. Tests and the benchmark call
`cycle(now)` with an explicit time; the service calls it on a schedule."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import redis
from clickhouse_connect.driver.client import Client

from alerting.errorgroups import ErrorGroupNotes
from alerting.evaluators import EVALUATORS, Queries
from alerting.history import Attempt, write_attempts, write_events
from alerting.model import Alert, Observation
from alerting.pipeline import Pipeline
from alerting.pipeline.retry import OutboxItem
from alerting.rulestore import RuleStore
from alerting.state import StateStore, advance
from vitalscope.config.alerting import AlertingSettings, RuleConfig
from vitalscope.config.sourcemaps import SourcemapSettings

log = logging.getLogger("vitalscope.alerting")


@dataclass
class CycleReport:
    now: float
    rules: int
    queries: int
    seconds: float
    events: list[Alert] = field(default_factory=list)
    firing: list[Alert] = field(default_factory=list)
    enqueued: list[OutboxItem] = field(default_factory=list)
    failed_kinds: list[str] = field(default_factory=list)


class Evaluator:
    def __init__(self, settings: AlertingSettings, redis_client: redis.Redis, client: Client,
                 cluster: str | None = None, *, public_url: str = "",
                 sourcemaps: SourcemapSettings | None = None) -> None:
        self.settings = settings
        self.client = client
        self.cluster = cluster
        self.rules = RuleStore(settings, redis_client)
        self.states = StateStore(redis_client)
        self.pipeline = Pipeline(settings, redis_client, record=self._record)
        self.error_groups = ErrorGroupNotes(public_url, sourcemaps or SourcemapSettings(),
                                            cluster)

    def _record(self, attempts: list[Attempt]) -> None:
        try:
            write_attempts(self.client, self.cluster, attempts)
        except Exception:
            # The outbox already settled; only the log row is lost.
            log.exception("writing %d delivery attempt(s) to ClickHouse failed", len(attempts))

    def evaluate(self, rules: list[RuleConfig], now: float
                 ) -> tuple[list[Observation], set[str], Queries, list[str]]:
        queries = Queries(self.client)
        by_kind: dict[str, list[RuleConfig]] = {}
        for rule in rules:
            by_kind.setdefault(rule.kind, []).append(rule)
        observations: list[Observation] = []
        evaluated: set[str] = set()
        failed: list[str] = []
        for kind, kind_rules in by_kind.items():
            try:
                observations += EVALUATORS[kind].evaluate(queries, kind_rules, now)
            except Exception as exc:
                # One kind failing (e.g. synthetic_runs missing) leaves the others working
                # and its alerts as they were.
                log.warning("evaluating %d %s rule(s) failed: %s", len(kind_rules), kind,
                            str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__)
                failed.append(kind)
                continue
            evaluated |= {r.name for r in kind_rules}
        try:
            self.error_groups.annotate(queries, observations, now)
        except Exception as exc:
            # Links and frames explain an alert; without them it still goes out.
            log.warning("annotating error-group alerts failed: %s",
                        str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__)
        return observations, evaluated, queries, failed

    def cycle(self, now: float | None = None) -> CycleReport:
        now = time.time() if now is None else now
        started = time.perf_counter()
        rules = self.rules.all()
        observations, evaluated, queries, failed = self.evaluate(rules, now)
        previous = self.states.load()
        transition = advance(previous, observations, evaluated, {r.name: r for r in rules},
                             now)
        write_events(self.client, self.cluster, transition.events, now)
        self.states.save(transition, previous)
        enqueued = self.pipeline.dispatch(transition.firing + transition.resolved, now)
        return CycleReport(now, len(rules), queries.count, time.perf_counter() - started,
                           transition.events, transition.firing, enqueued, failed)

    def flush_groups(self, now: float | None = None) -> list[OutboxItem]:
        """Between evaluations: groups whose group_wait or group_interval ended are
        notified on time rather than at the next evaluation."""
        firing = [a for a in self.states.load().values() if a.state == "firing"]
        return self.pipeline.dispatch(firing, time.time() if now is None else now)

    def deliver_due(self, now: float | None = None,
                    stop: threading.Event | None = None) -> list[Attempt]:
        return self.pipeline.deliver_due(time.time() if now is None else now, stop=stop)

    def close(self) -> None:
        self.pipeline.close()
