"""Every example map loads: DESIGN §4 (with the two §13 corrections), its short forms,
`event_maps/`, and the starter `init` writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pixelproof.config.load import LoadedMap, load_map
from pixelproof.config.starter import STARTER
from pixelproof.errors import MapError

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent / "maps"
EXAMPLES = sorted((ROOT / "event_maps").glob("*.yaml"))
Load = Callable[..., LoadedMap]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_maps_load_without_problems(path: Path) -> None:
    loaded = load_map(path, environ={})
    assert loaded.notes == ()
    assert path.read_text().startswith(
        "# yaml-language-server: $schema=../schema/event-map.schema.json\n"
    )


def test_the_three_example_maps_exist() -> None:
    assert {p.name for p in EXAMPLES} >= {"demo-shop.yaml", "ecommerce.yaml", "leadgen.yaml"}


def test_design_example_loads_with_everything_expanded() -> None:
    loaded = load_map(HERE / "design-example.yaml", environ={"META_ACCESS_TOKEN": "tok"})
    m = loaded.map
    assert loaded.environment_name == "staging"
    assert loaded.environment.pixels == {"main": "111111111111111"}
    assert loaded.environment.capi is not None
    assert loaded.environment.capi.capture == "sink"
    purchase = m.events["web_purchase"]
    assert purchase.name == "Purchase"
    assert purchase.dedup == "event_id"
    assert purchase.event_id.required == ["browser", "server"]
    assert purchase.event_id.unique == "per_order"
    assert purchase.params["currency"].type == "currency"
    assert purchase.params["currency"].required is True
    assert purchase.params["order_id"].required == ["server"]
    assert purchase.server.within == 90.0
    assert m.events["ViewContent"].event_id.required == ["browser", "server"]
    assert m.events["store_purchase"].journeys == "none"
    assert m.timing.quiet == 1.0
    assert m.consent is not None
    assert m.consent.states["reject"].marketing == "denied"
    assert m.graph is not None
    assert m.graph.access_token is not None
    assert m.graph.access_token.get_secret_value() == "tok"
    assert m.site.headers == {}  # ${PREVIEW_BYPASS} unset: the header is dropped


def test_design_example_production_environment() -> None:
    loaded = load_map(HERE / "design-example.yaml", env="production", environ={})
    assert loaded.environment.kind == "production"
    assert loaded.environment.pixels == {"main": "222222222222222", "agency": "333333333333333"}
    assert [n.severity for n in loaded.notes] == ["note"]  # capture: none is explained
    assert "server half not observed" in loaded.notes[0].message


def test_design_example_verbatim_differs_from_section_13_in_exactly_two_places() -> None:
    """DESIGN §4's sample predates §13: a state without `marketing`, a Meta name in emq."""
    with pytest.raises(MapError) as caught:
        load_map(HERE / "design-example-verbatim.yaml", environ={})
    messages = [p.message for p in caught.value.problems]
    assert messages == [
        "missing key 'marketing'",
        "'Purchase' is a Meta name, not an event key",
    ]


SHORT_FORMS = """\
version: 1
environment: production
site: {base_url: "https://shop.test"}
pixel: {id: "111111111111111", owner: "@web"}
test_event_code: "${CODE:-}"
capi: {logs: [capi.jsonl, {path: more.jsonl, pixel: "111111111111111"}]}
consent: {accept: {click: "#ok"}, reject: {click: "#no"}}
events:
  Purchase:
    sources: [browser, server]
    consent: required
    event_id: shared
    params: {value: number}
  Lead: {sources: [browser], event_id: none}
journeys:
  - name: buy
    environments: [production]
    persona: {email: "a+{uuid}@example.com"}
    consent: accept
    steps:
      - goto: /
      - expect: Purchase
      - {click: "#x", timeout: 500ms, repeat: 2, optional: true}
      - expect: [Purchase, {Lead: {count: 2, within: 1m}}]
      - {wait: 2s}
      - {wait: "#done"}
      - {press: Enter}
      - {back: }
      - expect: {Purchase: {within: {browser: 1s, server: 10}}}
      - expect_none: Lead
"""


def test_short_forms_expand_to_the_full_form(load_text: Load) -> None:
    loaded = load_text(SHORT_FORMS)
    m = loaded.map
    assert loaded.environment_name == "production"
    assert m.environments["production"].pixels == {"main": "111111111111111"}
    assert loaded.environment.base_url == "https://shop.test"
    assert loaded.environment.test_event_code is None  # "${CODE:-}" unset: no expectation
    capi = loaded.environment.capi
    assert capi is not None
    assert capi.capture == "logs"
    assert capi.logs is not None
    assert [f.path for f in capi.logs] == ["capi.jsonl", "more.jsonl"]
    assert m.consent is not None
    assert m.consent.states["accept"].marketing == "granted"
    assert m.consent.states["accept"].steps[0].action == "click"
    purchase = m.events["Purchase"]
    assert purchase.consent.event == "required"
    assert purchase.consent.user_data == "not_required"
    assert purchase.event_id.required == ["browser", "server"]
    assert purchase.params["value"].type == "number"
    assert purchase.params["value"].required
    assert m.events["Lead"].event_id.required == []
    steps = m.journeys[0].steps
    assert [s.action for s in steps][:3] == ["goto", "expect", "click"]
    assert steps[2].timeout == 0.5
    assert steps[2].repeat == 2
    assert steps[2].optional


def test_expect_short_forms(load_text: Load) -> None:
    from pixelproof.config.steps import Expect, ExpectNone, Wait

    steps = load_text(SHORT_FORMS).map.journeys[0].steps
    assert isinstance(steps[1], Expect)
    assert set(steps[1].expect) == {"Purchase"}
    assert steps[1].expect["Purchase"].count == 1
    assert isinstance(steps[3], Expect)
    lead = steps[3].expect["Lead"]
    assert lead.count == 2
    assert lead.within is not None
    assert (lead.within.browser, lead.within.server) == (60.0, 60.0)
    assert isinstance(steps[4], Wait)
    assert steps[4].wait.duration == 2.0
    assert isinstance(steps[5], Wait)
    assert steps[5].wait.selector == "#done"
    assert isinstance(steps[-1], ExpectNone)
    assert steps[-1].expect_none["Lead"].count == 0


def test_starter_map_validates(map_file: Callable[[str], Path]) -> None:
    loaded = load_map(map_file(STARTER), environ={})
    assert loaded.notes == ()
    assert STARTER.startswith("# yaml-language-server: $schema=")
    assert len([line for line in STARTER.splitlines() if "#" in line]) > 15  # commented
