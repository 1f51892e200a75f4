"""Standard events, parameter facts, `_fbp`/`_fbc` format, client agents, Graph versions."""

from __future__ import annotations

from datetime import date

import pytest

from pixelproof.meta import graph_versions as gv
from pixelproof.meta import standard


@pytest.mark.parametrize("value", [49.9, 0, "49.90", "-3", "+12", " 7 "])
def test_numeric_values_include_numeric_strings(value: object) -> None:
    assert standard.is_numeric(value)


@pytest.mark.parametrize("value", ["49,90", "1e3", "", None, True, float("nan"), [], "€10"])
def test_non_numeric_values(value: object) -> None:
    assert not standard.is_numeric(value)
    assert standard.number_of(value) is None


def test_currency_any_case_and_the_pixels_own_list() -> None:
    assert standard.is_currency("usd")
    assert standard.is_currency("EUR")
    assert not standard.is_currency("EURO")
    assert not standard.is_currency(978)
    assert standard.is_currency("KES")
    assert not standard.pixel_accepts_currency("KES")
    assert standard.pixel_accepts_currency("eur")


def test_standard_events_and_metas_own_requirement() -> None:
    assert "Purchase" in standard.STANDARD_EVENTS
    assert "purchase" not in standard.STANDARD_EVENTS
    assert standard.REQUIRED_BY_META["Purchase"] == ("value", "currency")


@pytest.mark.parametrize(
    "value",
    [
        "fb.1.1795992568581.1239569942",
        "fb.3.1795992568581.1716998771",
        "fb.1.1795992568581.IwAR2xYz_-AbC",
        "fb.1.1795992568581.IwAR2xYz.AQ",
        "fb.1.1795992568581.1239569942.Bg",
    ],
)
def test_well_formed_cookie_ids(value: str) -> None:
    parsed, problem = standard.parse_cookie_id(value)
    assert problem is None
    assert parsed is not None
    assert parsed.created_ms == 1795992568581


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("fb.1.1795992568.1239569942", "seconds"),
        ("fb.1.17959925685.1239569942", "11 digits"),
        ("1239569942", "not fb."),
        ("fb.12.1795992568581.1", "not fb."),
        ("fb.1.1795992568581", "not fb."),
    ],
)
def test_malformed_cookie_ids(value: str, says: str) -> None:
    _, problem = standard.parse_cookie_id(value)
    assert problem is not None
    assert says in problem


@pytest.mark.parametrize(
    "agent",
    [
        "python-requests/2.32.3",
        "Go-http-client/2.0",
        "fbbizsdk-python-v26.0.3",
        "curl/8.5.0",
        "GuzzleHttp/7",
        "Shopify-Captain-Hook",
        "okhttp/4.12.0",
        "axios/1.7.2",
    ],
)
def test_server_agents_are_recognised(agent: str) -> None:
    assert standard.is_server_agent(agent)


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) pixelproof/r1.purchase",
        "",
    ],
)
def test_browsers_are_not_server_agents(agent: str) -> None:
    assert not standard.is_server_agent(agent)


def test_graph_version_lifecycle_against_the_capture_date() -> None:
    capture = date(2026, 11, 29)
    assert gv.status("v16.0", capture).lifecycle is gv.Lifecycle.PAST_END
    assert gv.status("v25.0", capture).lifecycle is gv.Lifecycle.CURRENT
    assert gv.status("v9.0", capture).lifecycle is gv.Lifecycle.PAST_END
    assert gv.status("v99.0", capture).lifecycle is gv.Lifecycle.UNKNOWN
    assert gv.status("latest", capture).lifecycle is gv.Lifecycle.UNKNOWN
    eol = gv.end_of_life("v21.0")
    assert eol == date(2027, 1, 21)  # two years after v22.0 shipped
    assert gv.status("21", date(2026, 12, 1)).lifecycle is gv.Lifecycle.NEAR_END
    assert gv.canonical("25") == "v25.0"
