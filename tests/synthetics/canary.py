"""Servers of the guard-rail tests: a canary that counts every connection made to it (TCP on
two loopback addresses the checks do not allow, UDP for WebRTC), and a site on 127.0.0.1
whose pages point every kind of request at the canary, and whose redirect answers
differently on the second visit."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CANARY_REPLY = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\n"
                b"Access-Control-Allow-Origin: *\r\nConnection: close\r\n\r\nCANARY")


class Canary:
    """Listens on 127.0.0.2:<port> and 127.0.0.1:<port> (TCP) and 127.0.0.2:<port> (UDP)."""

    def __init__(self) -> None:
        self.connections = 0
        self.datagrams = 0
        self.lock = threading.Lock()
        self.tcp = [self._listen("127.0.0.2"), self._listen("127.0.0.1")]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.2", 0))
        self.udp.settimeout(0.2)
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._accept, args=(s,), daemon=True)
                        for s in self.tcp]
        self.threads.append(threading.Thread(target=self._receive, daemon=True))

    @staticmethod
    def _listen(address: str) -> socket.socket:
        sock = socket.socket()
        sock.bind((address, 0))
        sock.listen(64)
        sock.settimeout(0.2)
        return sock

    @property
    def hosts(self) -> list[str]:
        """host:port of the TCP canaries."""
        return [f"{s.getsockname()[0]}:{s.getsockname()[1]}" for s in self.tcp]

    @property
    def udp_host(self) -> str:
        return f"127.0.0.2:{self.udp.getsockname()[1]}"

    @property
    def total(self) -> int:
        with self.lock:
            return self.connections + self.datagrams

    def start(self) -> Canary:
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(5)
        for sock in [*self.tcp, self.udp]:
            sock.close()

    def _accept(self, server: socket.socket) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with self.lock:
                self.connections += 1
            try:
                conn.settimeout(1)
                conn.recv(65536)
                conn.sendall(CANARY_REPLY)
            except OSError:
                pass
            finally:
                conn.close()

    def _receive(self) -> None:
        while not self.stopping.is_set():
            try:
                self.udp.recvfrom(65536)
            except TimeoutError:
                continue
            with self.lock:
                self.datagrams += 1


def everything_page(canary: Canary) -> str:
    """Every way a page can make the browser connect somewhere, aimed at the canary; the page
    says "all attempted" once each attempt has settled."""
    far, near = (f"http://{h}" for h in canary.hosts)
    ws = f"ws://{canary.hosts[0]}"
    return f"""<!doctype html><html><head><title>Everything</title>
<link rel="stylesheet" href="{far}/style.css">
<style>@font-face {{ font-family: f; src: url({far}/font.woff2); }}
body {{ background: url({near}/bg.png); font-family: f; }}</style>
</head><body><h1>Everything</h1><img src="{far}/pixel.png" alt="">
<iframe src="{far}/frame"></iframe><iframe src="/bounce?n=frame"></iframe>
<p id="done"></p>
<script>
const settle = (p, ms = 3000) => Promise.race([
  p.then(() => 0, () => 0), new Promise(r => setTimeout(r, ms))]);
const socket = url => new Promise(resolve => {{
  try {{ const s = new WebSocket(url); s.onclose = s.onerror = resolve; }}
  catch (e) {{ resolve(); }} }});
const script = src => new Promise(resolve => {{
  const s = document.createElement('script'); s.src = src;
  s.onload = s.onerror = resolve; document.head.appendChild(s); }});
const xhr = url => new Promise(resolve => {{
  const x = new XMLHttpRequest(); x.open('GET', url); x.onloadend = resolve; x.send(); }});
const source = url => new Promise(resolve => {{
  const e = new EventSource(url); e.onerror = () => {{ e.close(); resolve(); }}; }});
const worker = () => new Promise(resolve => {{
  const w = new Worker('/worker.js'); w.onmessage = resolve; w.onerror = resolve; }});
const webrtc = async () => {{
  const pc = new RTCPeerConnection({{iceServers: [{{urls: 'stun:{canary.udp_host}'}}]}});
  pc.createDataChannel('x');
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise(r => {{ pc.onicegatheringstatechange = () =>
    pc.iceGatheringState === 'complete' && r(); }});
  pc.close(); }};
navigator.sendBeacon('{far}/beacon', 'x');
Promise.all([
  fetch('{far}/fetch'), fetch('{near}/fetch', {{mode: 'no-cors'}}),
  fetch('/bounce?n=fetch'), xhr('{far}/xhr'), script('{far}/script.js'),
  source('{far}/events'), socket('{ws}/socket'), socket('ws://{canary.hosts[1]}/socket'),
  worker(), webrtc(),
].map(p => settle(p))).then(() => {{
  document.getElementById('done').textContent = 'all attempted'; }});
</script></body></html>"""


def worker_script(canary: Canary) -> str:
    far = f"http://{canary.hosts[0]}"
    return f"""
const settle = p => Promise.race([p.then(() => 0, () => 0),
                                  new Promise(r => setTimeout(r, 3000))]);
const socket = url => new Promise(resolve => {{
  try {{ const s = new WebSocket(url); s.onclose = s.onerror = resolve; }}
  catch (e) {{ resolve(); }} }});
try {{ importScripts('{far}/import.js'); }} catch (e) {{}}
Promise.all([fetch('{far}/worker-fetch'), socket('ws://{canary.hosts[0]}/worker-socket'),
             fetch('/bounce?n=worker')].map(settle))
  .then(() => postMessage('done'));
"""


class Site:
    """The check's own site on 127.0.0.1: `/start` redirects to `/fickle`, which redirects to
    `/landing` on its first visit and to the canary on every later one; `/bounce` always
    redirects to the canary; `/everything` and `/worker.js` aim at the canary."""

    def __init__(self, canary: Canary) -> None:
        self.fickle_visits = 0
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                status, headers, body = site.answer(self.path)
                self.send_response(status)
                for key, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

        self.canary = canary
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        html = {"Content-Type": "text/html; charset=utf-8"}
        far = f"http://{self.canary.hosts[0]}"
        if path == "/start":
            return 302, {"Location": "/fickle"}, b""
        if path == "/fickle":
            self.fickle_visits += 1
            target = "/landing" if self.fickle_visits == 1 else f"{far}/latest/meta-data/"
            return 302, {"Location": target}, b""
        if path == "/landing":
            return 200, html, b"<!doctype html><title>Landing</title><h1>Landing</h1>"
        if path.startswith("/bounce"):
            return 302, {"Location": f"{far}{path}"}, b""
        if path == "/everything":
            return 200, html, everything_page(self.canary).encode()
        if path == "/worker.js":
            return 200, {"Content-Type": "text/javascript"}, \
                worker_script(self.canary).encode()
        return 404, html, b"not found"

    def start(self) -> Site:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
