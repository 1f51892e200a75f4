"""`pixelproof init --from-url`: record the test shop's Pixel hits and draft a map that validates.

Browser tests use tests/live's shop (Meta's standard base code, our stand-in fbevents.js served
for connect.facebook.net through a host-resolver MAP rule, every other host unresolvable).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pixelproof.commands import init
from pixelproof.config.load import load_map
from pixelproof.config.steps import Click, Goto
from pixelproof.errors import IncompleteRunError, UsageError
from pixelproof.evidence.model import BrowserHit
from pixelproof.recording.draft import draft_map, param_type
from pixelproof.recording.session import Recording, Timeouts, record
from tests.live.conftest import free_port, require_chromium
from tests.live.site import PIXEL, Shop, browser_args, serve_shop

TR = "https://www.facebook.com/tr/?"


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Shop]:
    chromium = require_chromium()
    with serve_shop(tmp_path, free_port()) as running:
        monkeypatch.setenv("PIXELPROOF_BROWSER", chromium)
        monkeypatch.setenv("PIXELPROOF_BROWSER_ARGS", browser_args(running))
        yield running


def _steps(path: Path) -> list[object]:
    return list(load_map(path, environ={}).map.journeys[0].steps)


@pytest.mark.browser
def test_draft_names_pixel_events_params_and_replays_the_clicks(
    shop: Shop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "draft.yaml"
    assert init.run(from_url=f"{shop.base_url}/shop.html", click=["#buy"], output=target) == 0
    loaded = load_map(target, environ={})
    assert loaded.notes == ()
    env = loaded.environment
    assert env.base_url == shop.base_url
    assert env.pixels == {"main": PIXEL}
    events = loaded.map.events
    assert list(events) == ["PageView", "Purchase"]  # SubscribedButtonClick (automatic) left out
    params = {name: spec.type for name, spec in events["Purchase"].params.items()}
    assert params == {"value": "number", "currency": "currency", "order_id": "string"}
    assert all(spec.required is False for spec in events["Purchase"].params.values())
    assert events["Purchase"].event_id.required == ["browser"]
    assert events["PageView"].params == {}
    steps = _steps(target)
    assert [type(s).__name__ for s in steps] == ["Goto", "Expect", "Click", "Expect"]
    assert isinstance(steps[0], Goto)
    assert steps[0].goto == "/shop.html"
    assert isinstance(steps[2], Click)
    assert steps[2].click == "#buy"
    text = target.read_text()
    assert "SubscribedButtonClick: 1 hit (automatic)" in text
    assert "- expect: [PageView]" in text
    assert "- expect: [Purchase]" in text
    assert "# A DRAFT pixelproof event map" in text
    assert "none sent to Meta" in capsys.readouterr().err


@pytest.mark.browser
@pytest.mark.usefixtures("shop")
def test_hits_were_answered_locally_and_nothing_left_the_machine(shop: Shop) -> None:
    recording = asyncio.run(
        record(f"{shop.base_url}/shop.html", ("#buy",), executable=None, timeouts=Timeouts())
    )
    assert len(recording.hits) == 3  # PageView, the automatic click, Purchase
    assert recording.answered == len(recording.hits)  # the route fulfilled each one
    assert all(h.status == 200 and h.url.startswith(TR) for h in recording.hits)
    assert [h.step for h in recording.hits] == [0, 1, 1]
    assert [s.url for s in recording.scripts] == ["https://connect.facebook.net/en_US/fbevents.js"]
    assert recording.inits == (PIXEL,)
    # everything else went to the shop's loopback servers (other hosts do not resolve)
    assert "/shop.html" in shop.page_requests
    assert "/en_US/fbevents.js" in shop.page_requests


@pytest.mark.browser
def test_cli_writes_the_draft_to_stdout(shop: Shop, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pixelproof", "init", "--from-url", f"{shop.base_url}/shop.html"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert done.returncode == 0, done.stderr
    path = tmp_path / "from-stdout.yaml"
    path.write_text(done.stdout)
    assert list(load_map(path, environ={}).map.events) == ["PageView"]


@pytest.mark.browser
def test_unknown_selector_lists_what_was_found(shop: Shop) -> None:
    quick = Timeouts(click=0.5)
    with pytest.raises(UsageError) as caught:
        asyncio.run(
            record(f"{shop.base_url}/shop.html", ("#nope",), executable=None, timeouts=quick)
        )
    assert "--click '#nope': nothing on" in caught.value.message
    assert caught.value.hint is not None
    assert '#buy (button "Buy now")' in caught.value.hint
    assert "#hash" in caught.value.hint


@pytest.mark.browser
def test_no_pixel_hit_says_what_was_loaded(
    shop: Shop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "draft.yaml"
    assert init.run(from_url=f"{shop.base_url}/no-pixel-here", output=target) == 3
    err = capsys.readouterr().err
    assert "no Pixel hit seen" in err
    assert "loaded from connect.facebook.net: none" in err
    assert not target.exists()


@pytest.mark.browser
@pytest.mark.usefixtures("shop")
def test_site_down_is_incomplete(tmp_path: Path) -> None:
    with pytest.raises(IncompleteRunError, match="the page did not load"):
        init.run(from_url=f"http://127.0.0.1:{free_port()}/", output=tmp_path / "draft.yaml")
    assert not (tmp_path / "draft.yaml").exists()


def test_existing_output_is_refused_before_any_browser(tmp_path: Path) -> None:
    target = tmp_path / "map.yaml"
    target.write_text("mine\n")
    with pytest.raises(UsageError, match="exists"):
        init.run(from_url="http://127.0.0.1:1/", output=target)
    assert target.read_text() == "mine\n"


def test_not_an_http_url_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="not an http"):
        init.run(from_url="ftp://example.com/")


def test_click_needs_from_url() -> None:
    with pytest.raises(UsageError, match="--click needs --from-url"):
        init.run(click=["#buy"])


def _hit(step: int, query: str, pixel: str = PIXEL) -> BrowserHit:
    url = f"{TR}id={pixel}&v=2.9.252&ts=1700000000000&{query}"
    return BrowserHit(url=url, status=200, step=step, journey="recorded")


def test_draft_of_two_pixels_custom_names_and_repeats_validates(tmp_path: Path) -> None:
    other = "222222222222222"
    hits = (
        _hit(0, "ev=PageView&ec=0"),
        _hit(0, "ev=PageView&ec=0", other),
        _hit(1, "ev=Lead&ec=1&eid=a1&cd[value]=3&cd[content_ids]=%5B%22x%22%5D&cd[vip]=true"),
        _hit(1, "ev=Lead&ec=2&cd[value]=4"),
        _hit(1, "ev=My%20Event&ec=3&cd[n]=7"),
        _hit(1, "ev=SubscribedButtonClick&ec=4&es=automatic"),
    )
    recording = Recording(
        url="https://user:pw@shop.example/p/1?x=1",
        clicks=("#a",),
        hits=hits,
        scripts=(),
        inits=(PIXEL, other, "333333333333333"),
        status=200,
        answered=len(hits),
        browser="1",
    )
    draft = draft_map(recording, init.command_line(recording.url, recording.clicks))
    path = tmp_path / "draft.yaml"
    path.write_text(draft.text)
    loaded = load_map(path, environ={})
    assert "user" not in draft.text
    assert "pw@" not in draft.text
    assert loaded.environment.base_url == "https://shop.example"
    assert loaded.environment.pixels == {"main": PIXEL, "pixel2": other}
    assert loaded.map.pixels.roles["pixel2"].events == ["PageView"]
    assert list(loaded.map.events) == ["PageView", "Lead", "My_Event"]
    assert loaded.map.events["My_Event"].name == "My Event"
    lead = loaded.map.events["Lead"]
    assert {n: p.type for n, p in lead.params.items()} == {
        "value": "number",
        "content_ids": "list",
        "vip": "boolean",
    }
    assert lead.event_id.required == []  # one of two hits had an eid: noted, not required
    assert "# 1 of 2 hits carried an event ID (eid)" in draft.text
    assert "Lead: {count: 2}" in draft.text
    assert "also initialised, fired nothing explicit: 333333333333333" in draft.text
    assert draft.left_out == (("SubscribedButtonClick", "automatic", 1),)


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("value", ["abc"], "number"),
        ("num_items", ["2"], "integer"),
        ("order_id", ["123"], "string"),
        ("my_currency", ["eur"], "currency"),
        ("tags", [["a"]], "list"),
        ("shape", [{"a": 1}], "object"),
        ("flag", ["true", "false"], "boolean"),
        ("score", ["1", "2.5"], "number"),
        ("mixed", ["1", "x"], "string"),
        ("nothing", [], "string"),
    ],
)
def test_param_type(name: str, values: list[object], expected: str) -> None:
    assert param_type(name, values) == expected
