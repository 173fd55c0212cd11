"""A small shop served on 127.0.0.1 for the synthetic checks of the tests: home, product, add
to cart, cart, checkout, thanks; plus pages that misbehave (flaky, endless loop, popups,
redirects)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import parse_qs, urlsplit


def _page(title: str, body: str) -> bytes:
    return (f"<!doctype html><html><head><title>{title}</title></head>"
            f"<body><h1>{title}</h1>{body}</body></html>").encode()


PAGES = {
    "/": _page("Shop", '<p>Welcome to the mug shop.</p><a id="product" href="/product/1">Blue mug'
                       "</a>"),
    "/product/1": _page(
        "Blue mug",
        '<p>A blue mug.</p><img src="/missing.png" alt=""><button id="add">Add to cart</button>'
        '<p id="status"></p><a id="cart" href="/cart">Cart</a>'
        "<script>console.error('shop: recommendations unavailable');"
        "document.getElementById('add').onclick = async () => {"
        "  await fetch('/api/cart', {method: 'POST', body: 'mug-1'});"
        "  document.getElementById('status').textContent = 'Added to cart'; };</script>"),
    "/checkout": _page(
        "Checkout",
        '<form method="post" action="/order"><input id="email" name="email">'
        '<select id="shipping" name="shipping"><option value="standard">Standard</option>'
        '<option value="express">Express</option></select>'
        '<button id="pay" type="submit">Pay</button></form>'),
    "/loop": _page("Busy", '<button id="spin" onclick="for (;;) {}">Spin</button>'),
    "/popup": _page("Popups", '<a id="next" href="/">Home</a>'
                              "<script>window.open('/'); window.open('/product/1');</script>"),
}


class _Exchange(Protocol):
    """What the shop's routes use of the request handler defined inside `Shop`."""

    path: str
    headers: Message

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None
              ) -> None: ...


class Shop:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.active: Counter[str] = Counter()
        self.max_active: Counter[str] = Counter()
        self.lock = threading.Lock()
        shop = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None
                      ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                shop.get(self)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                shop.post(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Shop:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def get(self, handler: _Exchange) -> None:
        parts = urlsplit(handler.path)
        path, query = parts.path, parse_qs(parts.query)
        with self.lock:
            self.hits[path] += 1
            hits = self.hits[path]
        if path in PAGES:
            handler._send(200, PAGES[path])
        elif path == "/cart":
            # The cart lives in a cookie: each browser context (each run) has its own.
            cookies = handler.headers.get("Cookie") or ""
            items = next((int(c.split("=")[1]) for c in cookies.split("; ")
                          if c.startswith("cart=")), 0)
            handler._send(200, _page("Cart", f'<p id="items">{items} item(s)</p>'
                                             '<a id="checkout" href="/checkout">Checkout</a>'))
        elif path == "/thanks":
            handler._send(200, _page("Thanks", "<p>Thank you for your order</p>"))
        elif path.startswith("/flaky/"):
            # Fails the first time a key is asked for, passes afterwards.
            body = '<p id="ready">ready</p>' if hits > 1 else "<p>warming up</p>"
            handler._send(200, _page("Flaky", body))
        elif path.startswith("/slow/"):
            # Holds the request; counts how many are in flight at once, per key.
            with self.lock:
                self.active[path] += 1
                self.max_active[path] = max(self.max_active[path], self.active[path])
            time.sleep(float(query.get("s", ["1"])[0]))
            with self.lock:
                self.active[path] -= 1
            handler._send(200, _page("Slow", '<p id="done">done</p>'))
        elif path == "/external":
            port = self.server.server_address[1]
            handler._send(200, _page("External", f'<img src="http://localhost:{port}/x.png">'))
        elif path == "/redirect":
            handler._send(302, b"", {"Location": query["to"][0]})
        else:
            handler._send(404, _page("Not found", ""))

    def post(self, handler: _Exchange, body: str) -> None:
        path = urlsplit(handler.path).path
        if path == "/api/cart":
            cookies = handler.headers.get("Cookie") or ""
            items = next((int(c.split("=")[1]) for c in cookies.split("; ")
                          if c.startswith("cart=")), 0)
            handler._send(200, b"ok", {"Set-Cookie": f"cart={items + 1}; Path=/"})
        elif path == "/order":
            handler._send(303, b"", {"Location": "/thanks"})
        else:
            handler._send(404)
