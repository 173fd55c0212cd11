"""Stage 4: deliver. One HTTP attempt to the receiver of an outbox item."""

from __future__ import annotations

from alerting.delivery.sender import Result, Sender
from alerting.pipeline.retry import OutboxItem
from alerting.receivers import ReceiverConfig


class DeliverStage:
    name = "deliver"

    def __init__(self, receivers: list[ReceiverConfig], sender: Sender) -> None:
        self.receivers = {r.name: r for r in receivers}
        self.sender = sender

    def process(self, item: OutboxItem, disabled: dict[str, object]) -> Result:
        receiver = self.receivers.get(item.receiver)
        if receiver is None:
            return Result("dead", 0, 0.0, f"receiver {item.receiver!r} is not configured")
        if item.receiver in disabled:
            return Result("disabled", 0, 0.0,
                          f"receiver {item.receiver!r} is disabled (it answered 410 Gone)")
        return self.sender.send(receiver, item.id, item.body.encode())
