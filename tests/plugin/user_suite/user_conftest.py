"""A user's conftest (copied as `conftest.py` into the subprocess suite): the shop under test
posts its Conversions API events to the pixelproof sink, and Chromium is the system one."""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from pixelproof.testing import WatchedSink
from tests.live.site import Shop, browser_args, serve_shop

CHROMIUM = os.environ.get("PIXELPROOF_BROWSER", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def shop(pixelproof_sink: WatchedSink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """The app under test, started with the sink as its Graph base URL."""
    port = urlsplit(pixelproof_sink.url).port or 0
    with serve_shop(tmp_path_factory.mktemp("shop"), port) as running:
        yield running


@pytest.fixture(scope="session")
def base_url(shop: Shop) -> str:
    return shop.base_url


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], shop: Shop
) -> dict[str, Any]:
    """pytest-playwright's launch options + the system Chromium and an offline resolver."""
    flags = ["--no-sandbox"] if os.geteuid() == 0 else []
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*flags, *shlex.split(browser_args(shop))],
    }
