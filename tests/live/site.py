"""A tiny shop for the live tests: the fixture page, the stand-in Pixel script, a backend.

- `GET /shop.html`: fixtures/pages/shop.html (Meta's standard base code) with a checkout
  script: `#buy` fires `fbq('track', 'Purchase', …, {eventID})` and POSTs the order.
- `POST /order`: ~0.3 s later the "backend" posts the same Purchase to the CAPI sink, with the
  browser's `_fbp`, its user agent and the same event ID (so pairing deduplicates).
- An HTTPS server answers `https://connect.facebook.net/en_US/fbevents.js` with OUR stand-in
  (src/pixelproof/demo/site/fbevents.js); the browser reaches it through a host-resolver MAP
  rule, every other host is unresolvable: nothing leaves the machine.
"""

from __future__ import annotations

import hashlib
import json
import ssl
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pixelproof.demo import standin_script

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "fixtures" / "pages"
PIXEL = "111111111111111"
CHECKOUT = """<script>
document.getElementById('buy').addEventListener('click', function () {
  var order = 'order-' + Math.floor(Math.random() * 1e9);
  fbq('track', 'Purchase', {value: 19.99, currency: 'USD', order_id: order}, {eventID: order});
  fetch('/order', {method: 'POST', body: JSON.stringify({order: order})}).then(function () {
    document.body.insertAdjacentHTML('beforeend', '<p id="thanks">Thank you</p>');
  });
});
</script>
</body>"""


@dataclass
class Shop:
    """The running site; `sink_port` is where the backend posts its CAPI events."""

    sink_port: int = 0
    capi_delay: float = 0.3
    posted: list[dict[str, object]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    base_url: str = ""
    script_port: int = 0
    page_requests: list[str] = field(default_factory=list)

    def shop_html(self) -> bytes:
        html = (PAGES / "shop.html").read_text("utf-8")
        return html.replace("</body>", CHECKOUT).encode()

    def send_capi(self, order: str, fbp: str | None, ua: str, url: str) -> None:
        event = {
            "event_name": "Purchase",
            "event_time": int(time.time()),
            "event_id": order,
            "action_source": "website",
            "event_source_url": url,
            "user_data": {
                "client_user_agent": ua,
                "fbp": fbp,
                "em": [hashlib.sha256(b"jane@example.com").hexdigest()],
            },
            "custom_data": {"value": 19.99, "currency": "USD", "order_id": order},
        }
        body = json.dumps({"data": [event]}).encode()
        target = f"http://127.0.0.1:{self.sink_port}/v25.0/{PIXEL}/events?access_token=TEST"
        request = urllib.request.Request(
            target, data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                self.posted.append({"status": answer.status, "event_id": order})
        except OSError as exc:
            self.errors.append(str(exc))


def _cookie(header: str | None, name: str) -> str | None:
    for part in (header or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _handler(shop: Shop) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            shop.page_requests.append(self.path)
            if self.path.startswith("/shop.html"):
                self._send(200, shop.shop_html(), "text/html; charset=utf-8")
            elif self.path == "/en_US/fbevents.js":
                script = standin_script()
                self._send(200, script, "application/javascript")
            else:
                self._send(404, b"not found", "text/plain")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            data = json.loads(self.rfile.read(length) or b"{}")
            fbp = _cookie(self.headers.get("Cookie"), "_fbp")
            ua = self.headers.get("User-Agent", "")
            url = self.headers.get("Referer", shop.base_url)
            args = (str(data.get("order")), fbp, ua, url)
            timer = threading.Timer(shop.capi_delay, shop.send_capi, args)
            timer.daemon = True
            timer.start()
            self._send(200, b"{}", "application/json")

    return Handler


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=connect.facebook.net",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return cert, key


@contextmanager
def serve_shop(folder: Path, sink_port: int) -> Iterator[Shop]:
    """The shop on 127.0.0.1 (HTTP, port 0) and the script host (HTTPS, port 0)."""
    shop = Shop(sink_port=sink_port)
    site = ThreadingHTTPServer(("127.0.0.1", 0), _handler(shop))
    script = ThreadingHTTPServer(("127.0.0.1", 0), _handler(shop))
    cert, key = _certificate(folder)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    script.socket = tls.wrap_socket(script.socket, server_side=True)
    shop.base_url = f"http://127.0.0.1:{site.server_address[1]}"
    shop.script_port = int(script.server_address[1])
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (site, script)]
    for thread in threads:
        thread.start()
    try:
        yield shop
    finally:
        for server in (site, script):
            server.shutdown()
            server.server_close()


def browser_args(shop: Shop) -> str:
    """`PIXELPROOF_BROWSER_ARGS`: the script host mapped locally, every other host unresolvable."""
    rules = (
        f"MAP connect.facebook.net 127.0.0.1:{shop.script_port}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    )
    return f"'--host-resolver-rules={rules}' --ignore-certificate-errors"
