"""Prometheus metrics of the alert evaluator (served at /metrics by every role): which
worker holds the evaluation lease, and how many evaluations it ran."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

EVALUATIONS = Counter("vitalscope_alert_evaluations", "Alert evaluation cycles this process "
                      "ran (only the holder of the alerts lease evaluates).")
LEADER = Gauge("vitalscope_alerts_leader", "1 while this process holds the alert evaluation "
               "lease, else 0.")
