"""A notification: the alerts of one group, for one receiver, at one moment."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from alerting.model import Alert


def new_webhook_id() -> str:
    return "msg_" + uuid.uuid4().hex


@dataclass
class Notification:
    receiver: str
    group_key: str
    group_labels: dict[str, str]
    alerts: list[Alert]
    kind: str = "alert"  # alert | keepalive | test
    id: str = field(default_factory=new_webhook_id)
    created_at: float = field(default_factory=time.time)

    @property
    def status(self) -> str:
        if self.kind == "test":
            return "test"
        return "firing" if any(a.state == "firing" for a in self.alerts) else "resolved"
