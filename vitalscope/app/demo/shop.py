"""A small demo shop with the SDK embedded. Some pages are slow on purpose, one misses its
cache, one throws, and /app/ is a single-page app, so every panel has something to show."""

from __future__ import annotations

import asyncio
import html

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

HERO_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="500">
<rect width="1200" height="500" fill="#0f766e"/><circle cx="950" cy="250" r="180"
fill="#fbbf24"/><text x="60" y="270" font-size="84" fill="#fff" font-family="sans-serif">
Vitalscope Demo Shop</text></svg>"""

PRODUCTS = {
    "1": ("Espresso cups", 24, "cache;desc=HIT, db;dur=4, app;dur=18", 0.0),
    "2": ("Pour-over kettle", 59, "cache;desc=MISS, db;dur=180, app;dur=240", 0.35),
    "3": ("Burr grinder", 149, "cdn-cache;desc=HIT, db;dur=9, app;dur=25", 0.0),
    "4": ("Slow roast beans", 18, "cache;desc=MISS, db;dur=650, app;dur=900", 0.9),
}


class DemoShop:
    def __init__(self, sdk_snippet: str) -> None:
        self.sdk_snippet = sdk_snippet

    def page(self, title: str, body: str, server_timing: str, status: int = 200) -> Response:
        document = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · Demo Shop</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;color:#0f172a}}
header,main{{padding:16px 32px}} header{{background:#134e4a;color:#fff}}
header a{{color:#fff;margin-right:16px}} .hero{{width:100%;max-width:1200px;height:auto}}
button{{font-size:18px;padding:8px 16px}} .banner{{background:#fef3c7;padding:24px}}</style>
{self.sdk_snippet}</head><body>
<header><a href="/">Home</a><a href="/product/1">Cups</a><a href="/product/2">Kettle</a>
<a href="/product/4">Beans</a><a href="/cart">Cart</a><a href="/app/">App</a></header>
<main>{body}</main></body></html>"""
        return HTMLResponse(document, status_code=status,
                            headers={"Server-Timing": server_timing, "Cache-Control": "no-store"})

    async def home(self, request: Request) -> Response:
        body = """<h1>Good coffee, measured</h1>
<img class="hero" id="hero" src="/hero.svg" alt="Demo shop hero" width="1200" height="500">
<div id="late"></div>
<script>
// A banner that arrives late and pushes the content down: a real layout shift.
setTimeout(function () {
  var b = document.createElement('div'); b.className = 'banner';
  b.textContent = 'Free shipping this week!';
  document.getElementById('late').before(b);
}, 400);
</script>
<p><a id="to-product" href="/product/1">See the espresso cups</a></p>"""
        return self.page("Home", body, "cache;desc=HIT, app;dur=12")

    async def product(self, request: Request) -> Response:
        product_id = request.path_params["product_id"]
        if product_id not in PRODUCTS:
            return self.page("Not found", "<h1>No such product</h1>", "app;dur=1", status=404)
        name, price, timing, delay = PRODUCTS[product_id]
        await asyncio.sleep(delay)  # the slow backend the Server-Timing header explains
        body = f"""<h1 id="product-name">{html.escape(name)}</h1><p>€{price}</p>
<button id="add-to-cart">Add to cart</button> <span id="cart-state"></span>
<p><a id="to-cart" href="/cart">Go to cart</a></p>
<script>
document.getElementById('add-to-cart').addEventListener('click', function () {{
  // A heavy click handler: the interaction INP measures.
  var end = performance.now() + 260; while (performance.now() < end) {{}}
  sessionStorage.setItem('cart', '{product_id}');
  document.getElementById('cart-state').textContent = 'Added!';
}});
</script>"""
        return self.page(name, body, timing)

    async def cart(self, request: Request) -> Response:
        body = """<h1>Your cart</h1><p id="cart-line">1 item</p>
<a id="checkout" href="/checkout">Checkout</a>"""
        return self.page("Cart", body, "cache;desc=HIT, app;dur=8")

    async def checkout(self, request: Request) -> Response:
        body = """<h1>Checkout</h1><form id="checkout-form" action="/thanks">
<input id="email" name="email" placeholder="email"> <button id="pay">Pay</button></form>"""
        return self.page("Checkout", body, "cache;desc=MISS, app;dur=35")

    async def thanks(self, request: Request) -> Response:
        return self.page("Thanks", "<h1 id='thanks'>Thank you for your order!</h1>",
                         "app;dur=20")

    async def broken(self, request: Request) -> Response:
        body = """<h1>Gift cards</h1><script>
// The gift-card widget starts once the page has loaded, but its script never arrived:
// a real TypeError, and the redeem button never appears.
window.addEventListener('load', function () { window.giftCards.render(); });
</script>"""
        return self.page("Gift cards", body, "cache;desc=HIT, app;dur=10")

    async def spa(self, request: Request) -> Response:
        body = """<h1 id="spa-title">Account</h1><nav>
<a href="/app/orders" data-route>Orders</a> <a href="/app/settings" data-route>Settings</a></nav>
<section id="view">Welcome back.</section>
<script>
document.querySelectorAll('[data-route]').forEach(function (link) {
  link.addEventListener('click', function (event) {
    event.preventDefault();
    history.pushState({}, '', link.getAttribute('href'));
    document.getElementById('view').textContent = 'Loading ' + link.textContent + '...';
    setTimeout(function () {
      document.getElementById('view').textContent = link.textContent + ' loaded.';
    }, 120);
  });
});
</script>"""
        return self.page("Account", body, "cache;desc=HIT, app;dur=15")

    async def hero(self, request: Request) -> Response:
        await asyncio.sleep(0.25)  # a hero image that takes its time: the LCP element
        return Response(HERO_SVG, media_type="image/svg+xml",
                        headers={"Cache-Control": "no-store"})

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/", self.home),
            Route("/product/{product_id}", self.product),
            Route("/cart", self.cart),
            Route("/checkout", self.checkout),
            Route("/thanks", self.thanks),
            Route("/gift-cards", self.broken),
            Route("/app/{rest:path}", self.spa),
            Route("/hero.svg", self.hero),
        ])
