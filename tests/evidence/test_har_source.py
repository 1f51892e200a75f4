"""HAR reading (Playwright and Chrome flavours), streamed; malformed and hostile HARs."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pixelproof.errors import InputError
from pixelproof.evidence.model import BrowserHit, ScriptLoadRecord
from pixelproof.evidence.sources.har import HarSource
from pixelproof.meta.event import ObservedEvent, Trigger
from pixelproof.meta.pixel import parse_browser_hits

HAR = Path(__file__).resolve().parents[2] / "fixtures" / "har"


def _events(path: Path) -> tuple[HarSource, list[ObservedEvent]]:
    source = HarSource(path)
    records = list(source.records())
    hits = [r for r in records if isinstance(r, BrowserHit)]
    return source, list(parse_browser_hits(hits))


def test_playwright_har_gives_every_transport_and_trigger() -> None:
    source, events = _events(HAR / "shop-playwright.har")
    assert source.problems == []
    assert not source.truncated
    assert all(e.problems == () for e in events)
    transports = {e.transport for e in events}
    assert {"get", "form_post", "beacon"} <= transports
    triggers = [e.trigger for e in events]
    for t in (
        Trigger.EXPLICIT,
        Trigger.AUTOMATIC,
        Trigger.HASH,
        Trigger.HISTORY,
        Trigger.PRIVACY_SANDBOX,
    ):
        assert t in triggers
    long = next(e for e in events if e.transport == "form_post")
    assert long.event_id == "order-44"
    contents = long.custom_data["contents"]
    assert isinstance(contents, list)
    assert len(contents) == 40
    beacon = next(e for e in events if e.transport == "beacon")
    assert (beacon.name, beacon.event_id) == ("AddToCart", "atc-7")
    search = next(e for e in events if e.name == "Search")
    assert search.custom_data["search_string"] == "mug & cup+more 100% café"
    assert events[-1].trigger == Trigger.EXPLICIT
    assert events[-1].params["ec"] == "0"
    assert all(e.time is not None and e.fbp for e in events)


def test_omitted_bodies_are_rebuilt_or_explained() -> None:
    _, events = _events(HAR / "shop-playwright-omit.har")
    long = next(e for e in events if e.transport == "form_post")
    assert long.event_id == "order-44"
    assert any("rebuilt" in p for p in long.problems)
    beacon = next(e for e in events if e.transport == "beacon")
    assert beacon.name is None
    assert any("not recorded" in p for p in beacon.problems)


def test_noscript_har() -> None:
    _, events = _events(HAR / "noscript-playwright.har")
    assert [(e.name, e.trigger) for e in events] == [("PageView", Trigger.NOSCRIPT)]


def _chrome_style(entry: dict[str, Any]) -> dict[str, Any]:
    """Chrome DevTools keeps queryString raw (open question C19); simulate it."""
    raw = entry["request"]["url"].partition("?")[2]
    entry["request"]["queryString"] = [
        {"name": p.partition("=")[0], "value": p.partition("=")[2]} for p in raw.split("&") if p
    ]
    return entry


def test_query_string_lists_are_never_trusted(tmp_path: Path) -> None:
    har = json.loads((HAR / "shop-playwright.har").read_text())
    har["log"]["entries"] = [_chrome_style(e) for e in har["log"]["entries"]]
    chrome = tmp_path / "chrome.har"
    chrome.write_text(json.dumps(har))
    _, ours = _events(HAR / "shop-playwright.har")
    _, theirs = _events(chrome)
    assert [(e.name, e.custom_data, e.event_id) for e in ours] == [
        (e.name, e.custom_data, e.event_id) for e in theirs
    ]


def test_script_loads_are_kept() -> None:
    records = list(HarSource(HAR / "shop-playwright.har").records())
    scripts = [r for r in records if isinstance(r, ScriptLoadRecord)]
    assert scripts
    assert scripts[0].url.endswith("fbevents.js")


def test_truncated_har_is_partial_evidence(tmp_path: Path) -> None:
    data = (HAR / "shop-playwright.har").read_bytes()
    cut = tmp_path / "cut.har"
    cut.write_bytes(data[: len(data) // 2])
    source, events = _events(cut)
    assert source.truncated
    assert events
    assert source.problems


@pytest.mark.parametrize("text", ["", "garbage", "[1,2]", '{"not": "a har"}', "\ufeff<html>"])
def test_not_a_har_is_an_input_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "x.har"
    path.write_text(text)
    with pytest.raises(InputError):
        list(HarSource(path).records())
    with pytest.raises(InputError):
        list(HarSource(tmp_path / "missing.har").records())


def test_hostile_entries_are_skipped_with_reasons(tmp_path: Path) -> None:
    tr = "https://www.facebook.com/tr/?id=1&ev=Lead"
    entries = [
        1,
        {},
        {"request": {"url": 5}},
        {
            "request": {"url": tr, "headers": "x", "postData": {"text": 3}},
            "startedDateTime": "yesterday",
            "response": {"status": 200.0},
        },
        {"request": {"url": tr + "&access_token=SECRETTOKEN123", "method": 7}},
    ]
    path = tmp_path / "h.har"
    path.write_text(json.dumps({"log": {"entries": entries}}))
    source = HarSource(path)
    records = list(source.records())
    assert len(records) == 2
    assert len(source.problems) == 3
    assert any("startedDateTime" in p for p in records[0].problems)  # type: ignore[union-attr]
    second = records[1]
    assert isinstance(second, BrowserHit)
    assert "SECRET" not in second.url


entry = st.fixed_dictionaries(
    {
        "request": st.fixed_dictionaries(
            {
                "url": st.builds(
                    lambda q: "https://www.facebook.com/tr/?" + q, st.text(max_size=100)
                ),
                "method": st.sampled_from(["GET", "POST", "", "get"]),
                "postData": st.fixed_dictionaries(
                    {
                        "text": st.text(max_size=100),
                        "mimeType": st.sampled_from(
                            ["", "multipart/form-data", "application/x-www-form-urlencoded"]
                        ),
                    }
                ),
            }
        ),
        "startedDateTime": st.text(max_size=30),
    }
)


@given(st.lists(entry, max_size=5), st.integers(0, 400))
def test_any_har_gives_events_or_reasons(entries: list[dict[str, Any]], cut: int) -> None:
    text = json.dumps({"log": {"entries": entries}})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.har"
        path.write_text(text[: len(text) - cut] if cut else text)
        try:
            source, events = _events(path)
        except InputError:
            return
        for event in events:
            assert event.ref.startswith("b")
        assert source.entries <= len(entries)
