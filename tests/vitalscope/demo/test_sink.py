from __future__ import annotations

import base64
import json
import time

import httpx
import pytest

from alerting.delivery.signing import signature_header
from tests.support.asgi_server import serving
from vitalscope.app.demo.sink import WebhookSink, describe, verify

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
OTHER = "whsec_" + base64.b64encode(b"o" * 32).decode()


def _headers(body: bytes, secrets: list[str], at: int | None = None) -> dict[str, str]:
    stamp = at or int(time.time())
    return {"webhook-id": "msg_1", "webhook-timestamp": str(stamp),
            "webhook-signature": signature_header(secrets, "msg_1", stamp, body)}


def test_the_sink_verifies_what_alerting_signs() -> None:
    body = b'{"schema":"vitalscope.alerts/v1"}'
    assert verify(SECRET, _headers(body, [SECRET]), body)
    assert verify(SECRET, _headers(body, [OTHER, SECRET]), body)  # rotation: one matches


@pytest.mark.parametrize("tamper", ["body", "secret", "old", "missing"])
def test_the_sink_refuses_what_does_not_verify(tamper: str) -> None:
    body = b'{"a":1}'
    headers = _headers(body, [SECRET], at=int(time.time()) - 3600 if tamper == "old" else None)
    if tamper == "body":
        body = b'{"a":2}'
    if tamper == "missing":
        del headers["webhook-signature"]
    assert not verify(OTHER if tamper == "secret" else SECRET, headers, body)


def test_the_sink_keeps_verified_alerts_and_counts_the_rest() -> None:
    said: list[str] = []
    sink = WebhookSink(SECRET, say=said.append)
    payload = {"type": "alert", "status": "firing", "alerts": [
        {"status": "firing", "rule": "demo-synthetic", "summary": "gift cards broken"}]}
    body = json.dumps(payload).encode()
    with serving(sink.app()) as url:
        ok = httpx.post(url + "/hooks/vitalscope", content=body,
                        headers=_headers(body, [SECRET]))
        forged = httpx.post(url + "/hooks/vitalscope", content=body,
                            headers=_headers(body, [OTHER]))
        listing = httpx.get(url + "/received").json()
    assert (ok.status_code, forged.status_code) == (204, 401)
    assert listing["rejected"] == 1
    assert listing["received"][0]["payload"] == payload
    assert said[0] == "webhook sink: signature ok · [firing] demo-synthetic: gift cards broken"


def test_describe_reads_test_notifications() -> None:
    assert describe({"type": "test", "receiver": "ops"}) == ["test notification for receiver ops"]
    assert describe([1]) == ["(not a vitalscope.alerts/v1 notification)"]


def test_the_shop_explains_itself_with_server_timing() -> None:
    from vitalscope.app.demo.shop import DemoShop

    with serving(DemoShop('<script src="x"></script>').app()) as url:
        home = httpx.get(url + "/")
        assert home.headers["server-timing"].startswith("cache;desc=HIT")
        assert '<script src="x"></script>' in home.text
        assert "cache;desc=MISS" in httpx.get(url + "/product/2").headers["server-timing"]
        assert "giftCards.render" in httpx.get(url + "/gift-cards").text
        assert httpx.get(url + "/hero.svg").headers["content-type"].startswith("image/svg+xml")
        assert httpx.get(url + "/product/99").status_code == 404
