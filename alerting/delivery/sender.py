"""One HTTP attempt to a receiver: the request its kind makes (alerting/receivers/),
signed with Standard Webhooks when the kind is, through the SSRF guard, redirects not
followed, with a timeout; the response classified into delivered / retry / dead / gone."""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass

import httpx

import vitalscope
from alerting.delivery.signing import signature_header
from alerting.delivery.ssrf import Guard, GuardedTransport, SSRFRefused
from alerting.receivers import ReceiverConfig, request
from vitalscope.config.alerting import AlertingSettings

RETRYABLE = {408, 425, 429}


@dataclass(frozen=True)
class Result:
    outcome: str  # delivered | retry | dead | gone | refused
    status_code: int
    latency_ms: float
    error: str
    retry_after: float | None = None


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def classify(status: int) -> str:
    if 200 <= status < 300:
        return "delivered"
    if status == 410:
        return "gone"
    if status in RETRYABLE or status >= 500:
        return "retry"
    return "dead"  # other 4xx and 3xx (redirects are not followed): retrying will not help


class Sender:
    def __init__(self, settings: AlertingSettings) -> None:
        self.client = httpx.Client(transport=GuardedTransport(Guard(settings.allow_networks)),
                                   follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def send(self, receiver: ReceiverConfig, webhook_id: str, body: bytes) -> Result:
        now = time.time()
        timestamp = int(now)
        made = request(receiver, body)
        headers = {**made.headers, "user-agent": f"Vitalscope/{vitalscope.__version__}"}
        if made.standard_webhooks:
            headers["webhook-id"] = webhook_id
            headers["webhook-timestamp"] = str(timestamp)
            if made.secrets:
                headers["webhook-signature"] = signature_header(
                    list(made.secrets), webhook_id, timestamp, made.body)
        started = time.perf_counter()
        try:
            # Streamed and never read: only the status and headers matter, and a receiver
            # cannot make us buffer a large answer.
            with self.client.stream("POST", made.url, content=made.body, headers=headers,
                                    timeout=receiver.timeout) as response:
                status = response.status_code
                retry_after = response.headers.get("retry-after")
        except SSRFRefused as exc:
            return Result("refused", 0, 0.0, str(exc))
        except httpx.TimeoutException:
            return Result("retry", 0, (time.perf_counter() - started) * 1000,
                          f"timed out after {receiver.timeout:g} s")
        except httpx.HTTPError as exc:
            # The message of a transport error names the OS reason, never the URL.
            return Result("retry", 0, (time.perf_counter() - started) * 1000,
                          f"{type(exc).__name__}: {exc}")
        latency = (time.perf_counter() - started) * 1000
        outcome = classify(status)
        error = "" if outcome == "delivered" else (
            f"HTTP {status}" + (" (redirect not followed)" if 300 <= status < 400 else ""))
        return Result(outcome, status, latency, error, parse_retry_after(retry_after, now))
