"""Live tests: a real Chromium, a local shop and the in-process sink; nothing leaves the machine.

The browser is `PIXELPROOF_BROWSER` or /usr/bin/chromium. Without one these tests skip —
unless `PIXELPROOF_REQUIRE_BROWSER=1` (CI sets it), where they fail.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live.site import Shop, browser_args, serve_shop

RUN_TIMEOUT_S = 60


def find_chromium() -> str | None:
    for candidate in (os.environ.get("PIXELPROOF_BROWSER"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def require_chromium() -> str:
    """The browser, else skip — or fail when `PIXELPROOF_REQUIRE_BROWSER=1` (CI)."""
    found = find_chromium()
    if found is None:
        message = "no Chromium: set PIXELPROOF_BROWSER or apt-get install chromium"
        if os.environ.get("PIXELPROOF_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def chromium() -> str:
    return require_chromium()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


MAP = """\
version: 1
name: live shop
environment: staging
site: {{base_url: "{base}"}}
pixel: {{id: "111111111111111"}}
capi: {{sink: {{listen: "127.0.0.1:{sink}"}}}}
timing: {{browser_within: 2s, server_within: 2s, quiet: 0.2s, journey_settle: 1s}}
events:
  PageView: {{sources: [browser]}}
  Purchase:
    sources: [browser, server]
    params: {{value: number, currency: currency}}
journeys:
{journeys}
"""
PURCHASE = """\
  - name: purchase
    steps:
      - goto: /shop.html
      - expect: PageView
      - {id: buy, click: "#buy"}
      - expect: Purchase
"""


@dataclass
class Live:
    """A shop, its map and a way to run pixelproof against them."""

    shop: Shop
    folder: Path
    chromium: str
    sink_port: int

    def write_map(self, journeys: str = PURCHASE, name: str = "map.yaml") -> Path:
        path = self.folder / name
        text = MAP.format(base=self.shop.base_url, sink=self.sink_port, journeys=journeys)
        path.write_text(text)
        return path

    def env(self) -> dict[str, str]:
        return {
            "PIXELPROOF_BROWSER": self.chromium,
            "PIXELPROOF_BROWSER_ARGS": browser_args(self.shop),
            "COLUMNS": "120",
        }

    def run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pixelproof", *map(str, args)],
            env={**os.environ, **self.env()},
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_S,
            cwd=self.folder,
        )


def _live(folder: Path, chromium: str) -> Iterator[Live]:
    port = free_port()
    with serve_shop(folder, port) as shop:
        yield Live(shop, folder, chromium, port)


@pytest.fixture
def live(tmp_path: Path, chromium: str) -> Iterator[Live]:
    yield from _live(tmp_path, chromium)


@pytest.fixture(scope="module")
def live_module(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[Live]:
    yield from _live(tmp_path_factory.mktemp("live"), chromium)
