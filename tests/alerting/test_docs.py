"""The receiver-side verification shown in docs/alerting.md works on a real delivery."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from alerting.engine import Evaluator
from alerting.notification import Notification
from tests.alerting.conftest import NOW, SECRET, Receiver, alerting_settings
from vitalscope.config.alerting import AlertingSettings

DOC = Path(__file__).parents[2] / "docs" / "alerting.md"


def test_documented_verification_accepts_a_delivery_and_rejects_a_tampered_one(
        receiver: Receiver, make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    section = DOC.read_text().split("## Verifying signatures", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), str(DOC), "exec"), namespace)
    verify = namespace["verify"]
    assert callable(verify)

    evaluator = make_evaluator(alerting_settings(receiver.url, []))
    evaluator.pipeline.enqueue(Notification(receiver="hook", group_key="g", group_labels={},
                                            alerts=[], kind="test"), NOW)
    evaluator.deliver_due(NOW)
    (request,) = receiver.requests()
    headers = {k.lower(): v for k, v in request["headers"].items()}
    body = request["body"].encode()
    assert verify(SECRET, headers, body) is True
    assert verify(SECRET, headers, body + b" ") is False
    assert verify("another-secret-of-24-bytes-or-more", headers, body) is False
