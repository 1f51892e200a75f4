"""The loader's contract: `load_map`, `LoadedMap`, interpolation, durations, step keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pixelproof.config.codes import KNOWN_CODES
from pixelproof.config.fields import parse_duration
from pixelproof.config.load import LoadedMap, load_map
from pixelproof.config.paths import PathKey, parse_path, render_path
from pixelproof.config.steps import step_keys
from pixelproof.errors import InputError, Location, MapError

Load = Callable[..., LoadedMap]
Render = Callable[[str], list[str]]

MAP = """\
version: 1
environments:
  staging:
    base_url: "${BASE:-https://staging.test}"
    pixels: {main: "111111111111111"}
    test_event_code: "${CODE}"
    capi: {sink: {token: "${SINK}"}}
  production:
    base_url: https://www.test
    pixels: {main: "222222222222222"}
    capi: {capture: none, reason: vendor app}
events:
  web_purchase: {name: Purchase, sources: [browser, server]}
journeys:
  - name: buy
    steps:
      - goto: /
      - {click: "#pay"}
      - expect: web_purchase
      - {click: "#pay"}
      - {id: again, click: "#pay"}
      - expect: web_purchase
graph:
  access_token: "${META_ACCESS_TOKEN}"
"""


def test_loaded_map_contract(load_text: Load) -> None:
    loaded = load_text(MAP, environ={"CODE": "TEST1", "SINK": "s3cret", "BASE": ""})
    assert loaded.environment_name == "staging"
    env = loaded.environment
    assert (env.kind, env.base_url) == ("staging", "https://staging.test")  # empty = unset
    assert env.test_event_code is not None
    assert env.test_event_code.expect == "TEST1"
    assert env.capi is not None
    assert env.capi.sink is not None
    assert env.capi.sink.token == "s3cret"
    assert loaded.map.graph is not None
    assert loaded.map.graph.access_token is None
    assert loaded.location_of("events.web_purchase") == Location(str(loaded.path), 13, 17)
    assert loaded.location_of("journeys[0].steps[3]") == Location(str(loaded.path), 20, 9)
    assert loaded.location_of("journeys[0].steps[1].click") == Location(str(loaded.path), 18, 17)
    assert loaded.location_of("nowhere") is None
    assert loaded.location_of("not a path!") is None


def test_env_selection(load_text: Load) -> None:
    assert load_text(MAP, env="production").environment.kind == "production"
    with pytest.raises(MapError) as caught:
        load_text(MAP, env="prod")
    (problem,) = [p for p in caught.value.problems if p.severity == "error"]
    assert problem.message == "no environment 'prod' (declared: staging, production)"
    assert problem.hint == "did you mean 'production'?"


def test_no_environment_means_staging_and_no_name(load_text: Load) -> None:
    loaded = load_text("version: 1\nevents:\n  PageView: {sources: [browser]}\n")
    assert loaded.environment_name is None
    assert loaded.environment.kind == "staging"


def test_step_keys_count_from_one(load_text: Load) -> None:
    steps = load_text(MAP).map.journeys[0].steps
    assert step_keys(steps) == [
        "goto /#1",
        "click #pay#1",
        "expect web_purchase#1",
        "click #pay#2",
        "again",
        "expect web_purchase#2",
    ]


def test_secret_literal_is_never_echoed(problems_of: Render) -> None:
    text = "version: 1\nevents:\n  A: {sources: [browser]}\ngraph: {app_secret: 'abcdef123'}\n"
    lines = problems_of(text)
    assert lines
    assert not any("abcdef123" in line for line in lines)


def test_interpolation_forms(load_text: Load) -> None:
    text = (
        "version: 1\nname: '$${literal} ${A}-${B:-b}-${C:-}'\nevents:\n  A: {sources: [browser]}\n"
    )
    assert load_text(text, environ={"A": "a", "C": ""}).map.name == "${literal} a-b-"


def test_malformed_reference(problems_of: Render) -> None:
    text = "version: 1\nname: 'x ${bad-name}'\nevents:\n  A: {sources: [browser]}\n"
    assert problems_of(text) == [
        "map.yaml:2:7: name: malformed variable reference '${bad-name}'; "
        "write ${NAME} or ${NAME:-default} (letters, digits, _); $$ is a literal $"
    ]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("500ms", 0.5), ("10s", 10.0), ("1m", 60.0), ("1h", 3600.0), (3, 3.0), ("2.5", 2.5)],
)
def test_durations(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_known_codes_match_the_catalogue() -> None:
    assert len(KNOWN_CODES) == 10 + 10 + 6 + 11 + 7 + 8 + 3
    assert {"EV010", "PA006", "SE011", "PR007", "OP008", "RC003"} <= KNOWN_CODES


def test_paths_round_trip() -> None:
    paths: list[PathKey] = [
        ("journeys", 0, "steps", 3),
        ("steps", 1, "fill", "#email"),
        ("a", 'q"'),
    ]
    for path in paths:
        assert parse_path(render_path(path)) == path
    assert render_path(("steps", 1, "fill", "#email")) == 'steps[1].fill["#email"]'


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_map(tmp_path / "nope.yaml")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_bytes(b"version: 1\nname: \xff\xfe\n")
    with pytest.raises(MapError) as caught:
        load_map(path, environ={})
    assert str(caught.value.problems[0]) == f"{path}:2:1: the map is not UTF-8 text"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("", "map.yaml:1:1: the map is empty; start from `pixelproof init`; a map needs "
         "version: 1 and events:"),
        ("- a\n- b\n", "map.yaml:1:1: the map must be a mapping (version: 1, events: …); "
         "see docs/event-map.md"),
        ("a: &x [*x]\n",
         "map.yaml:1:4: a[0]: an alias refers to itself; remove the recursive alias"),
        ("version: 1\nname: !custom x\nevents: {A: {sources: [browser]}}\n",
         "map.yaml:2:7: name: unsupported YAML tag '!custom'; remove the tag; maps are plain"),
    ],
)  # fmt: skip
def test_odd_documents(text: str, line: str, problems_of: Render) -> None:
    assert line in problems_of(text)


def test_merge_keys_are_applied(load_text: Load) -> None:
    text = (
        "version: 1\nevents:\n  A: &base {sources: [browser], owner: '@web'}\n"
        "  B: {<<: *base, owner: '@app'}\n"
    )
    events = load_text(text).map.events
    assert (events["B"].sources, events["B"].owner) == (["browser"], "@app")
