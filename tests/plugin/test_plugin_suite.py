"""A user's Playwright suite, run in a subprocess against the live test shop and the sink.

The subprocess is a fresh pytest: the plugin is loaded through its entry point, pytest-playwright
drives the system Chromium through a `browser_type_launch_args` override, and `-W error` keeps
the user suite's warnings from being swallowed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.live.conftest import require_chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SUITE = Path(__file__).resolve().parent / "user_suite"
RUN_TIMEOUT_S = 60


def run_suite(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, name: str, *args: str
) -> pytest.RunResult:
    monkeypatch.setenv("PIXELPROOF_BROWSER", require_chromium())
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest((SUITE / "user_conftest.py").read_text())
    pytester.makepyfile(**{f"test_{name}": (SUITE / f"{name}.py").read_text()})
    return pytester.runpytest_subprocess(
        "-W", "error", "-p", "no:cacheprovider", "--tb=short", *args, timeout=RUN_TIMEOUT_S
    )


def test_a_deduplicated_purchase_passes(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_suite(pytester, monkeypatch, "passing")
    assert result.ret == 0, result.stdout.str()
    result.assert_outcomes(passed=6)


def test_with_send_hits_go_out_and_are_still_captured(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The browser resolves no outside host, so "sent" hits fail at DNS: captured all the same.
    result = run_suite(pytester, monkeypatch, "passing", "--pixelproof-send", "-k", "dedup")
    result.assert_outcomes(passed=1, deselected=5)
    result.stdout.fnmatch_lines(["pixelproof: --pixelproof-send: Pixel hits reach Meta*"])


def test_failures_say_what_did_arrive(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_suite(pytester, monkeypatch, "failing")
    result.assert_outcomes(failed=6)
    result.stdout.fnmatch_lines(
        [
            "*TrackingAssertionError: no browser CompleteRegistration within 0.5 s",
            "*arrived (1 browser, 0 server):",
            "*b1 *browser*PageView*pixel 111111111111111*event_id -*{}",
            "*no batch reached the sink at http://127.0.0.1:*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*no browser Purchase (params {'value': 29.99, 'currency': 'EUR'}) within 1 s",
            "*closest: b3 Purchase: value: expected 29.99, sent '19.99';"
            " currency: expected 'EUR', sent 'USD'",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*Purchase is not deduplicated within 1.5 s: b2 ↔ s1: event IDs differ:"
            " browser 'ord-A', server 'ord-B'",
            "*Meta keeps one copy only when pixel, event name and event ID are equal*",
            "*s1 *server*Purchase*event_id ord-B*",
        ]
    )
    result.stdout.fnmatch_lines(["*no server Purchase within 0.3 s"])
    result.stdout.fnmatch_lines(
        ["*expected no browser Purchase within 3 s, got 1:", "*b3 *browser*Purchase*"]
    )
    result.stdout.fnmatch_lines(
        ["*expected 1 × browser AddToCart, got 2: b2, b3", "*b3 *browser*AddToCart*atc*"]
    )
