"""The live half's pure parts: browser discovery, capture classes, plans, templates, globs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pixelproof.config.load import load_map
from pixelproof.errors import BrowserError, UsageError
from pixelproof.evidence.sources.browser_capture import request_kind, trap_script
from pixelproof.evidence.sources.browser_launch import find_browser, launch_args
from pixelproof.runner.actions import glob_regex, with_fbclid
from pixelproof.runner.plan import expand, parse_shard, plan_journeys, template_values

MAP = """\
version: 1
environments:
  production: {{base_url: "http://127.0.0.1:9", pixels: {{main: "111111111111111"}},
               capi: {{capture: none, reason: test}}}}
events:
  Purchase: {{sources: [browser, server]}}
personas:
  jane: {{email: "jane+{{run.id}}.{{journey}}@example.com"}}
journeys:
  - name: buy
    persona: jane
    steps: [{{goto: /}}, {{expect: Purchase}}]
  - name: look
    steps: [{{goto: /}}]
  - name: listed
    environments: [production]
    steps: [{{goto: /}}, {{expect: Purchase}}]
"""


def test_an_explicit_browser_that_is_missing_is_a_browser_error(tmp_path: Path) -> None:
    with pytest.raises(BrowserError, match="no executable there") as caught:
        find_browser(tmp_path / "nope", None)
    assert "apt-get install chromium" in (caught.value.hint or "")


def test_discovery_prefers_playwrights_own_chromium(tmp_path: Path) -> None:
    bundled = tmp_path / "chrome"
    bundled.write_text("")
    assert find_browser(None, str(bundled)) == str(bundled)


def test_launch_flags_follow_design_and_take_extra_args() -> None:
    args = launch_args({"PIXELPROOF_BROWSER_ARGS": "'--host-resolver-rules=MAP * ~NOTFOUND'"})
    assert "--disable-quic" in args
    assert "--disable-background-networking" in args
    assert args[-1] == "--host-resolver-rules=MAP * ~NOTFOUND"
    assert ("--no-sandbox" in args) == (os.geteuid() == 0)


def test_gather_without_a_browser_exits_3_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "map.yaml").write_text(MAP.format())
    env = {**os.environ, "PIXELPROOF_BROWSER": str(tmp_path / "missing")}
    argv = [sys.executable, "-m", "pixelproof", "gather", "map.yaml", "--out", "run"]
    done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    assert "apt-get install chromium" in done.stderr


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://www.facebook.com/tr/?id=1&ev=PageView", "pixel"),
        ("https://www.facebook.com/tr?id=1", "pixel"),
        ("https://www.facebook.com/privacy_sandbox/pixel/register/trigger/?id=1", "pixel"),
        ("https://connect.facebook.net/en_US/fbevents.js", "script"),
        ("https://graph.facebook.com/v25.0/111/events?access_token=x", "graph"),
        ("https://graph.facebook.com/v25.0/me", None),
        ("https://sgtm.acme.test/g/collect?v=2", "container"),
        ("https://shop.acme.test/tr/cart", None),
    ],
)
def test_request_kinds(url: str, kind: str | None) -> None:
    assert request_kind(url, ("https://sgtm.acme.test/g/collect",)) == kind


def test_the_trap_never_predefines_fbq() -> None:
    script = trap_script()
    assert "defineProperty(window, 'fbq'" in script
    assert "window.fbq =" not in script


def test_globs_and_fbclid() -> None:
    assert glob_regex("**/thank-you/**").match("http://x/shop/thank-you/42")
    assert not glob_regex("http://x/*/a").match("http://x/b/c/a")
    assert with_fbclid("http://x/p?a=1#h", "IwX") == "http://x/p?a=1&fbclid=IwX#h"


def test_shards_and_production_safety(tmp_path: Path) -> None:
    (tmp_path / "map.yaml").write_text(MAP.format())
    loaded = load_map(tmp_path / "map.yaml")
    plan = plan_journeys(loaded, (), None)
    assert [(p.journey.name, p.skip is not None) for p in plan] == [
        ("buy", True),
        ("look", False),
        ("listed", False),
    ]
    assert [p.journey.name for p in plan_journeys(loaded, (), parse_shard("2/2"))] == ["look"]
    with pytest.raises(UsageError):
        parse_shard("0/2")
    values = template_values("RUN", loaded.map.journeys[0], loaded.map.personas)
    assert values["persona.email"] == "jane+RUN.buy@example.com"
    assert expand("{persona.email}/{x}", values) == "jane+RUN.buy@example.com/{x}"
