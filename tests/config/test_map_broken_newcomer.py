# ruff: noqa: E501  (a table of exact messages reads best one per line)
"""Maps a newcomer writes (QA round for issue 3), each with the exact lines `validate` prints.

Complements test_map_broken.py: wrong nesting, shapes, unterminated templates, quoted
versions, rule-code typos, dates, encodings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pixelproof.commands.validate import render_problem
from pixelproof.config.load import load_map
from pixelproof.errors import MapError

Render = Callable[[str], list[str]]

CASES: dict[str, tuple[str, list[str]]] = {
    "steps_wrong_indent": (
        "version: 1\nevents:\n  PageView: {sources: [browser]}\njourneys:\n  - name: j\n  steps:\n    - goto: /\n",
        [
            "map.yaml:6:3: YAML syntax error: did not find expected '-' indicator (in a block collection that starts at line 5); check the indentation and quoting around here",
        ],
    ),
    "events_list": (
        "version: 1\nevents:\n  - PageView\n  - Purchase\n",
        [
            "map.yaml:3:3: events: expected a mapping, got a list; events are keys, not list items: drop the '- ' and write PageView: {sources: [browser]}",
        ],
    ),
    "params_at_event": (
        "version: 1\nevents:\n  AddToCart:\n    sources: [browser]\n    value: number\n    currency: currency\n",
        [
            "map.yaml:5:5: events.AddToCart: unknown key 'value'; 'value' is a parameter; put it under params: {value: …}",
            "map.yaml:6:5: events.AddToCart: unknown key 'currency'; 'currency' is a parameter; put it under params: {currency: …}",
        ],
    ),
    "tab": (
        "version: 1\nevents:\n\tPageView: {sources: [browser]}\n",
        [
            "map.yaml:3:1: YAML syntax error: found character that cannot start any token; indent with spaces; YAML forbids tabs",
        ],
    ),
    "nested_typos": (
        "version: 1\nevents:\n  Purchase:\n    sources: [browser, server]\n    params:\n      value: {type: number, requird: true}\n    event_id: {minted_by: ordr}\ncapi: {capture: sink}\n",
        [
            "map.yaml:6:29: events.Purchase.params.value: unknown key 'requird'; did you mean 'required'?",
            "map.yaml:7:27: events.Purchase.event_id.minted_by: expected one of 'browser', 'server', 'order', 'tag_manager' or 'plugin', got the text 'ordr'; did you mean 'order'?",
        ],
    ),
    "dup_deep": (
        "version: 1\nevents:\n  Purchase:\n    sources: [browser]\n    params: {value: number}\njourneys:\n  - name: j\n    steps:\n      - goto: /\n      - expect:\n          Purchase: {count: 1}\n          Purchase: {count: 2}\n",
        [
            "map.yaml:12:11: journeys[0].steps[1].expect.Purchase: duplicate key 'Purchase' (first at line 11, column 11); keep one of the two; YAML would silently keep only the last",
        ],
    ),
    "yes_off": (
        'version: 1\nevents:\n  PageView: {sources: [browser]}\nconsent:\n  states:\n    accept: [{click: "#a"}]\njourneys:\n  - name: j\n    consent: yes\n    persona: off\n    steps: [{goto: /}]\n',
        [
            "map.yaml:9:14: journeys[0].consent: 'yes' is read as a boolean by YAML 1.1, not as text; quote it: \"yes\"",
            "map.yaml:10:14: journeys[0].persona: 'off' is read as a boolean by YAML 1.1, not as text; quote it: \"off\"",
        ],
    ),
    "unquoted_block_flow": (
        "version: 1\nevents:\n  PageView: {sources: [browser]}\nsite:\n  base_url: ${BASE_URL}\n  headers: {x-bypass: ${BYPASS}}\n",
        [
            'map.yaml:6:23: YAML syntax error: unquoted template ${BYPASS} inside a {…} or […] flow collection; quote it: "${BYPASS}" (YAML reads { } as structure)',
        ],
    ),
    "unterminated": (
        'version: 1\nevents:\n  PageView: {sources: [browser]}\ngraph:\n  access_token: "${META_ACCESS_TOKEN"\n',
        [
            "map.yaml:5:17: graph.access_token: malformed variable reference '${META_ACCESS_TOKEN'; close it with }: ${META_ACCESS_TOKEN}",
        ],
    ),
    "undef_state_persona": (
        'version: 1\nevents:\n  PageView: {sources: [browser]}\nconsent:\n  accept: [{click: "#a"}]\npersonas:\n  jane: {email: j@example.com}\njourneys:\n  - name: j\n    consent: acept\n    persona: jnae\n    steps: [{goto: /}]\n',
        [
            "map.yaml:10:14: journeys[0].consent: unknown consent state 'acept'; did you mean 'accept'?",
            "map.yaml:11:14: journeys[0].persona: unknown persona 'jnae'; did you mean 'jane'?",
        ],
    ),
    "expect_meta_name": (
        "version: 1\nevents:\n  web_purchase: {name: Purchase, sources: [browser]}\njourneys:\n  - name: j\n    steps: [{goto: /}, {expect: Purchase}]\n",
        [
            "map.yaml:6:33: journeys[0].steps[1].expect: 'Purchase' is a Meta name, not an event key; use 'web_purchase'",
        ],
    ),
    "rule_code_typos": (
        "version: 1\nevents:\n  PageView: {sources: [browser]}\nchecks:\n  ignore: [{code: EV02, reason: x}, {code: ev002, reason: y}]\n  severity: {PA03: error, PA003: fatal}\n",
        [
            "map.yaml:5:19: checks.ignore[0].code: 'EV02' is not a rule code; did you mean 'EV002'?",
            "map.yaml:5:44: checks.ignore[1].code: 'ev002' is not a rule code; did you mean 'EV002'?",
            "map.yaml:6:14: checks.severity.PA03: 'PA03' is not a rule code; did you mean 'PA003'?",
            "map.yaml:6:34: checks.severity.PA003: expected one of 'error', 'warning' or 'info', got the text 'fatal'",
        ],
    ),
    "until": (
        "version: 1\nevents:\n  PageView: {sources: [browser]}\nchecks:\n  ignore:\n    - {code: EV002, reason: x, until: 2027-13-01}\n    - {code: EV002, reason: x, until: tomorrow}\n    - {code: EV002, reason: x, until: 01/02/2027}\n",
        [
            "map.yaml:6:39: checks.ignore[0].until: expected a date like 2027-01-01, got the text '2027-13-01'",
            "map.yaml:7:39: checks.ignore[1].until: expected a date like 2027-01-01, got the text 'tomorrow'",
            "map.yaml:8:39: checks.ignore[2].until: expected a date like 2027-01-01, got the text '01/02/2027'",
        ],
    ),
    "literal_token": (
        "version: 1\nevents:\n  PageView: {sources: [browser]}\ngraph:\n  access_token: EAABsbCS1iHgBAKZAZBxyz1234567890abcdefghijkl\n  app_secret: 0123456789abcdef0123456789abcdef\n",
        [
            'map.yaml:5:17: graph.access_token: a literal access_token in the map; read it from the environment: access_token: "${META_ACCESS_TOKEN}"',
            'map.yaml:6:15: graph.app_secret: a literal app_secret in the map; read it from the environment: app_secret: "${APP_SECRET}"',
        ],
    ),
    "two_keys": (
        'version: 1\nenvironment: staging\npixel: {id: "111111111111111"}\nevents:\n  Purchase: {sources: [browser]}\n  web_purchase: {name: Purchase, sources: [browser]}\n',
        [
            "map.yaml:6:3: events.web_purchase: events 'Purchase' and 'web_purchase' could both claim the same 'Purchase' events; give them different sources, action_source or pixel roles",
        ],
    ),
    "env_mixed": (
        'version: 1\nenvironment: staging\nenvironments:\n  production: {base_url: https://x.com}\npixel: {id: "111111111111111"}\nevents:\n  PageView: {sources: [browser]}\n',
        [
            "map.yaml:2:1: environment: environment (one environment) and environments (several) are both set; keep environments and move this one's settings into it",
            "map.yaml:5:1: pixel: top-level pixel belongs to the one-environment form; move it into each environment: environments.<name>.pixel",
        ],
    ),
    "empty": (
        "",
        [
            "map.yaml:1:1: the map is empty; start from `pixelproof init`; a map needs version: 1 and events:",
        ],
    ),
    "list": (
        "- version: 1\n- events: {}\n",
        [
            "map.yaml:1:1: the map must be a mapping (version: 1, events: …); see docs/event-map.md",
        ],
    ),
    "journeys_mapping": (
        "version: 1\nevents:\n  PageView: {sources: [browser]}\njourneys:\n  name: j\n  steps: [{goto: /}]\n",
        [
            "map.yaml:5:3: journeys: expected a list, got a mapping; journeys is a list: start each journey with '- ', as in - name: checkout",
        ],
    ),
    "expect_sibling": (
        'version: 1\nevents:\n  PageView: {sources: [browser]}\njourneys:\n  - name: j\n    steps:\n      - goto: /\n      - expect: PageView\n        count: 2\n      - click: "#x"\n        frame:\n',
        [
            "map.yaml:9:9: journeys[0].steps[1]: unknown key 'count'; it belongs to one event: expect: {KEY: {count: …}}",
        ],
    ),
    "event_body_unindented": (
        "version: 1\nevents:\n  PageView:\n  sources: [browser]\n",
        [
            "map.yaml:3:12: events.PageView: expected a mapping, got nothing (an empty value); if its keys are on the next lines, indent them under it",
            "map.yaml:4:12: events.sources: expected a mapping, got a list; 'sources' is a key of one event; indent it under that event",
        ],
    ),
    "timing": (
        "version: 1\nevents:\n  PageView: {sources: [browser]}\ntiming: {browser_within: 5 seconds, quiet: -1s}\n",
        [
            "map.yaml:4:26: timing.browser_within: '5 seconds' is not a duration; write 500ms, 10s, 1m or a number of seconds",
            "map.yaml:4:44: timing.quiet: '-1s' is not a duration; write 500ms, 10s, 1m or a number of seconds",
        ],
    ),
    "version_string_sources_scalar": (
        'version: "1"\nevents:\n  PageView: {sources: browser}\n',
        [
            "map.yaml:1:10: version: version is the text '1', not the number 1; write version: 1 (no quotes)",
            "map.yaml:3:23: events.PageView.sources: expected a list, got the text 'browser'; write [browser]",
        ],
    ),
    "expect_typo": (
        "version: 1\nevents:\n  PageView: {sources: [browser]}\njourneys:\n  - name: j\n    steps:\n      - goto: /\n      - expect: [PageView, ViewContnt]\n      - expect_none: {PageVeiw: {}}\n",
        [
            "map.yaml:8:28: journeys[0].steps[1].expect[1]: unknown event 'ViewContnt'; known events: PageView",
            "map.yaml:9:23: journeys[0].steps[2].expect_none.PageVeiw: unknown event 'PageVeiw'; did you mean 'PageView'?",
        ],
    ),
    "step_modifier_wrong": (
        'version: 1\nevents:\n  PageView: {sources: [browser]}\njourneys:\n- name: j\n  steps:\n  - goto: /\n  - {click: "#x" }\n  - expect: PageView\n    within: 5s\n',
        [
            "map.yaml:10:5: journeys[0].steps[2]: unknown key 'within'; it belongs to one event: expect: {KEY: {within: …}}",
        ],
    ),
    "env_literal_sink_token": (
        "version: 1\nevents:\n  PageView: {sources: [browser]}\nenvironments:\n  staging:\n    pixels: {main: 111111111111111}\n    capi: {capture: sink, sink: {listen: 127.0.0.1:4010, token: abc}}\n",
        [
            'map.yaml:6:20: environments.staging.pixels.main: warning: pixel ID 111111111111111 is written as a number; quote it: "111111111111111" (it is kept as text)',
            'map.yaml:7:65: environments.staging.capi.sink.token: warning: a literal token in the map; read it from the environment: token: "${TOKEN}"',
        ],
    ),
    "dup_top": (
        "version: 1\nevents:\n  PageView: {sources: [browser]}\nevents:\n  Lead: {sources: [browser]}\n",
        [
            "map.yaml:4:1: events: duplicate key 'events' (first at line 2, column 1); keep one of the two; YAML would silently keep only the last",
        ],
    ),
    "role_unknown_event": (
        "version: 1\nevents:\n  PageView: {sources: [browser]}\nsite: {domains: [acme.com], base_url: https://acme.com}\npixels:\n  main: {events: [PageView, Purchase]}\n",
        [
            "map.yaml:6:29: pixels.main.events[1]: unknown event 'Purchase'; known events: PageView",
        ],
    ),
    "spa_off": (
        "version: 1\nevents:\n  PageView: {sources: [browser], spa: off}\n  Lead: {sources: [browser], pair: no, journeys: no}\n",
        [
            "map.yaml:3:39: events.PageView.spa: 'off' is read as a boolean by YAML 1.1, not as text; quote it: \"off\"",
            "map.yaml:4:50: events.Lead.journeys: 'no' is read as a boolean by YAML 1.1, not as text; quote it: \"no\"",
        ],
    ),
    "unterminated_block": (
        "version: 1\nevents:\n  PageView: {sources: [browser]}\ngraph:\n  access_token: ${META_ACCESS_TOKEN\nsite: {domains: [${HOST]}\n",
        [
            "map.yaml:5:17: graph.access_token: malformed variable reference '${META_ACCESS_TOKEN'; close it with }: ${META_ACCESS_TOKEN}",
            'map.yaml:6:18: YAML syntax error: unterminated template ${HOST (no closing }) inside a flow collection; close and quote it: "${HOST}"',
            "map.yaml:6:18: site.domains[0]: malformed variable reference '${HOST'; close it with }: ${HOST}",
        ],
    ),
    "param_type_typo": (
        "version: 1\nevents:\n  AddToCart:\n    sources: [browser]\n    params: {value: numbr, currency: {type: currency, required: yes}}\n",
        [
            "map.yaml:5:21: events.AddToCart.params.value: expected one of 'string', 'number', 'integer', 'boolean', 'currency', 'list' or 'object', got the text 'numbr'; did you mean 'number'?",
        ],
    ),
    "version_str": (
        'version: "1"\nevents:\n  PageView: {sources: [browser]}\n',
        [
            "map.yaml:1:10: version: version is the text '1', not the number 1; write version: 1 (no quotes)",
        ],
    ),
    "expect_under_journey": (
        "version: 1\nevents:\n  PageView: {sources: [browser]}\njourneys:\n  - name: j\n    steps:\n      - goto: /\n    expect: PageView\n",
        [
            "map.yaml:8:5: journeys[0]: unknown key 'expect'; 'expect' is a step; put it under steps: as - expect: …",
        ],
    ),
    "unterminated_flow": (
        "version: 1\nevents:\n  PageView: {sources: [browser]}\nsite: {domains: [${HOST]}\ngraph: {access_token: ${TOK}}\n",
        [
            'map.yaml:4:18: YAML syntax error: unterminated template ${HOST (no closing }) inside a flow collection; close and quote it: "${HOST}"',
            "map.yaml:4:18: site.domains[0]: malformed variable reference '${HOST'; close it with }: ${HOST}",
            'map.yaml:5:23: YAML syntax error: unquoted template ${TOK} inside a {…} or […] flow collection; quote it: "${TOK}" (YAML reads { } as structure)',
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_newcomer_map_reports_exactly(name: str, problems_of: Render) -> None:
    text, expected = CASES[name]
    assert problems_of(text) == expected


def test_there_are_at_least_25_newcomer_maps() -> None:
    assert len(CASES) >= 25


def _problems_of_bytes(tmp_path: Path, data: bytes) -> list[str]:
    path = tmp_path / "map.yaml"
    path.write_bytes(data)
    try:
        found = load_map(path, environ={}).notes
    except MapError as exc:
        found = exc.problems
    return [render_problem(p).replace(str(path), "map.yaml") for p in found]


def test_bom_keeps_lines_and_columns(tmp_path: Path) -> None:
    data = "\ufeffversion: 1\nevents:\n  PageView: {sources: [browser]}\n  PageView: {sources: [server]}\n"
    assert _problems_of_bytes(tmp_path, data.encode()) == [
        "map.yaml:4:3: events.PageView: duplicate key 'PageView' (first at line 3, column 3); keep one of the two; YAML would silently keep only the last",
    ]


def test_crlf_keeps_lines_and_columns(tmp_path: Path) -> None:
    data = b"version: 1\r\nevents:\r\n  PageView: {sorces: [browser]}\r\n"
    assert _problems_of_bytes(tmp_path, data) == [
        "map.yaml:3:14: events.PageView: unknown key 'sorces'; did you mean 'sources'?",
    ]


def test_binary_junk_is_one_problem(tmp_path: Path) -> None:
    assert _problems_of_bytes(tmp_path, b"version: 1\n\x89PNG\r\x1a\n\x00\xff") == [
        "map.yaml:2:1: the map is not UTF-8 text",
    ]
