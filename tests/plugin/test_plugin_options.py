"""The plugin next to pytest-playwright: options, `--help`, lazy imports, the server half alone."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

# pytest-playwright's soft-assertion scope is not re-entrant: in-process runs go without it
IN_PROCESS = ("-W", "error", "-p", "no:cacheprovider", "-p", "no:playwright")
SERVER_ONLY = """
import json
import time
import urllib.request

from pixelproof.testing import ServerView, Tracking

PIXEL = "111111111111111"


def post(url: str, event_id: str, value: object) -> None:
    event = {
        "event_name": "Lead",
        "event_time": int(time.time()),
        "event_id": event_id,
        "action_source": "website",
        "custom_data": {"value": value, "currency": "eur"},
        "user_data": {"client_user_agent": "Mozilla/5.0", "fbp": "fb.1.1.1"},
    }
    body = json.dumps({"data": [event]}).encode()
    target = f"{url}/v25.0/{PIXEL}/events?access_token=T"
    request = urllib.request.Request(target, body, {"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=5).close()


def test_server_event_arrives(capi_events: ServerView) -> None:
    post(capi_events.url, "lead-1", "49.90")
    (lead,) = Tracking(None, capi_events).expect_event(
        "Lead", source="server", pixel=PIXEL, params={"value": 49.9, "currency": "EUR"}
    )
    assert lead.ref == "s1"


def test_the_next_test_starts_empty(capi_events: ServerView) -> None:
    assert capi_events.events() == ()
    assert capi_events.lines() == []
"""


def test_options_register_next_to_pytest_playwright(pytester: pytest.Pytester) -> None:
    config = pytester.parseconfig()
    assert config.pluginmanager.has_plugin("pixelproof")
    assert config.pluginmanager.has_plugin("playwright")
    assert config.getoption("--pixelproof-send") is False
    assert config.getoption("--pixelproof-sink-listen") == "127.0.0.1:0"
    assert config.getoption("--browser-channel") is None  # pytest-playwright's, untouched


def test_help_still_works_and_lists_the_options(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "pixelproof (Meta Pixel + Conversions API assertions):",
            "*--pixelproof-send*",
            "*--pixelproof-sink-listen=HOST:PORT*",
        ]
    )
    result.stdout.fnmatch_lines(["*--browser-channel*"])


def test_send_is_announced_in_the_header(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest("--pixelproof-send", *IN_PROCESS)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["pixelproof: --pixelproof-send: Pixel hits reach Meta*"])


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    code = (
        "import sys, pixelproof.pytest_plugin\n"
        "heavy = ('playwright', 'uvicorn', 'starlette', 'httpx', 'orjson', 'pixelproof.')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['pixelproof.pytest_plugin']"


def test_the_server_half_without_a_browser(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_server=SERVER_ONLY)
    result = pytester.runpytest(*IN_PROCESS)
    result.assert_outcomes(passed=2)


def test_a_taken_sink_port_is_a_clear_setup_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_sink(pixelproof_sink):\n    pass\n")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = pytester.runpytest(f"--pixelproof-sink-listen=127.0.0.1:{port}", *IN_PROCESS)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*pixelproof_sink: --pixelproof-sink-listen 127.0.0.1:{port}:*"])
