# ruff: noqa: E501  (a table of exact messages reads best one per line)
"""At least 25 broken maps, each with the exact lines `validate` prints for it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Render = Callable[[str], list[str]]
B = "version: 1\nevents:\n  PageView: {sources: [browser]}\n"
J = "journeys:\n  - name: j\n    steps:\n"

CASES: dict[str, tuple[str, list[str]]] = {
    "typo_top_level": (
        "version: 1\nevnets:\n  PageView: {sources: [browser]}\n",
        [
            "map.yaml:2:1: unknown key 'evnets'; did you mean 'events'?",
        ],
    ),
    "typo_event_field": (
        "version: 1\nevents:\n  PageView: {sorces: [browser]}\n",
        [
            "map.yaml:3:14: events.PageView: unknown key 'sorces'; did you mean 'sources'?",
        ],
    ),
    "duplicate_event": (
        B + "  PageView: {sources: [server]}\n",
        [
            "map.yaml:4:3: events.PageView: duplicate key 'PageView' (first at line 3, column 3); keep one of the two; YAML would silently keep only the last",
        ],
    ),
    "duplicate_nested": (
        "version: 1\nevents:\n  AddToCart:\n    sources: [browser]\n    params:\n      value: number\n      value: string\n",
        [
            "map.yaml:7:7: events.AddToCart.params.value: duplicate key 'value' (first at line 6, column 7); keep one of the two; YAML would silently keep only the last",
        ],
    ),
    "yaml_bool_value": (
        B + "consent:\n  accept: [{click: '#ok'}]\n" + J + "      - goto: /\n    consent: no\n",
        [
            "map.yaml:10:14: journeys[0].consent: 'no' is read as a boolean by YAML 1.1, not as text; quote it: \"no\"",
        ],
    ),
    "yaml_bool_key": (
        B + "consent:\n  states:\n    on: {steps: [{click: '#x'}], marketing: granted}\n",
        [
            "map.yaml:6:5: consent.states.on: the key 'on' is read as a boolean by YAML 1.1; quote it: \"on\"",
        ],
    ),
    "template_flow_mapping": (
        B + "graph: {access_token: ${META_ACCESS_TOKEN}}\n",
        [
            'map.yaml:4:23: YAML syntax error: unquoted template ${META_ACCESS_TOKEN} inside a {…} or […] flow collection; quote it: "${META_ACCESS_TOKEN}" (YAML reads { } as structure)',
        ],
    ),
    "template_flow_sequence": (
        B + "site:\n  domains: [${SITE_HOST}]\n",
        [
            'map.yaml:5:13: YAML syntax error: unquoted template ${SITE_HOST} inside a {…} or […] flow collection; quote it: "${SITE_HOST}" (YAML reads { } as structure)',
            "map.yaml:5:13: site.domains[0]: expected text, got nothing (an empty value); it comes from ${SITE_HOST}, which is not set (or empty)",
        ],
    ),
    "unknown_step": (
        B + J + "      - goto: /\n      - {clik: '#pay'}\n",
        [
            "map.yaml:8:10: journeys[0].steps[1]: unknown step 'clik'; did you mean 'click'?",
        ],
    ),
    "two_actions": (
        B + J + "      - {click: '#a', fill: {'#b': c}}\n",
        [
            "map.yaml:7:9: journeys[0].steps[0]: a step has one action; this one has 'click' and 'fill'; split it into separate steps",
        ],
    ),
    "modifiers_only": (
        B + J + "      - {id: pay, timeout: 5s}\n",
        [
            "map.yaml:7:9: journeys[0].steps[0]: a step needs an action; add one, e.g. {id: pay, click: '#pay'}",
        ],
    ),
    "step_as_word": (
        B + J + "      - goto: /\n      - reload\n",
        [
            "map.yaml:8:9: journeys[0].steps[1]: a step is a mapping, not the word 'reload'; write {reload: {}}",
        ],
    ),
    "expect_unknown_event": (
        B + J + "      - goto: /\n      - expect: [PageView, Purchse]\n",
        [
            "map.yaml:8:28: journeys[0].steps[1].expect[1]: unknown event 'Purchse'; known events: PageView",
        ],
    ),
    "expect_meta_name": (
        "version: 1\nevents:\n  web_purchase: {name: Purchase, sources: [browser]}\n"
        + J
        + "      - goto: /\n      - expect: Purchase\n",
        [
            "map.yaml:8:17: journeys[0].steps[1].expect: 'Purchase' is a Meta name, not an event key; use 'web_purchase'",
        ],
    ),
    "forbid_unknown": (
        B + J + "      - goto: /\n    forbid: [PageVeiw]\n",
        [
            "map.yaml:8:14: journeys[0].forbid[0]: unknown event 'PageVeiw'; did you mean 'PageView'?",
        ],
    ),
    "unknown_state": (
        B + "consent:\n  accept: [{click: '#ok'}]\n" + J + "      - goto: /\n    consent: acept\n",
        [
            "map.yaml:10:14: journeys[0].consent: unknown consent state 'acept'; did you mean 'accept'?",
        ],
    ),
    "unknown_persona": (
        B
        + "personas:\n  jane: {email: j@example.com}\n"
        + J
        + "      - goto: /\n    persona: jnae\n",
        [
            "map.yaml:10:14: journeys[0].persona: unknown persona 'jnae'; did you mean 'jane'?",
        ],
    ),
    "rule_codes": (
        B + "checks:\n  severity: {dd001: error, EV099: warning, PA003: fatal}\n",
        [
            "map.yaml:5:14: checks.severity.dd001: 'dd001' is not a rule code; did you mean 'DD001'?",
            "map.yaml:5:28: checks.severity.EV099: unknown rule code 'EV099'; did you mean 'EV009'?",
            "map.yaml:5:51: checks.severity.PA003: expected one of 'error', 'warning' or 'info', got the text 'fatal'",
        ],
    ),
    "ignore_missing_reason": (
        B + "checks:\n  ignore:\n    - {code: EV001, event: PageView}\n",
        [
            "map.yaml:6:7: checks.ignore[0]: missing key 'reason'; add reason: \"…\" so the exception explains itself",
        ],
    ),
    "bad_durations": (
        B + "timing: {browser_within: 5 seconds, quiet: -1}\n",
        [
            "map.yaml:4:26: timing.browser_within: '5 seconds' is not a duration; write 500ms, 10s, 1m or a number of seconds",
            "map.yaml:4:44: timing.quiet: negative duration -1; durations are 0 or more",
        ],
    ),
    "literal_token": (
        B + "graph:\n  access_token: EAABsecret123\n",
        [
            'map.yaml:5:17: graph.access_token: a literal access_token in the map; read it from the environment: access_token: "${META_ACCESS_TOKEN}"',
        ],
    ),
    "short_pixel_id": (
        B + "environment: staging\npixel: {id: '12345'}\n",
        [
            "map.yaml:5:13: pixel.id: '12345' is not a pixel ID; it is the 15–16 digit number shown in Events Manager",
        ],
    ),
    "missing_version": (
        "events:\n  PageView: {sources: [browser]}\n",
        [
            "map.yaml:1:1: missing key 'version'; add `version: 1` at the top of the map",
        ],
    ),
    "version_two": (
        "version: 2\nevents:\n  PageView: {sources: [browser]}\n",
        [
            "map.yaml:1:10: version: format version 2 is not supported; this pixelproof reads 1",
        ],
    ),
    "no_events": (
        "version: 1\nevents: {}\n",
        [
            "map.yaml:2:9: events: must not be empty; declare at least one event under events:",
        ],
    ),
    "claims_collision": (
        "version: 1\nenvironment: staging\ncapi: {sink: {}}\nevents:\n  web_purchase: {name: Purchase, sources: [browser, server]}\n  backend_purchase: {name: Purchase, sources: [server]}\n",
        [
            "map.yaml:6:3: events.backend_purchase: events 'web_purchase' and 'backend_purchase' could both claim the same 'Purchase' events; give them different sources, action_source or pixel roles",
        ],
    ),
    "server_without_capi": (
        "version: 1\nenvironments:\n  staging: {base_url: 'https://s.test'}\nevents:\n  Purchase: {sources: [browser, server]}\n",
        [
            "map.yaml:3:3: environments.staging: events 'Purchase' come from the server but this environment has no capi; add capi: {capture: sink} (or logs / relay, or capture: none with a reason)",
        ],
    ),
    "capture_none_no_reason": (
        "version: 1\nenvironment: staging\ncapi: {capture: none}\nevents:\n  Purchase: {sources: [server]}\n",
        [
            'map.yaml:3:7: capi: capture: none needs a reason; add reason: "…" (who sends CAPI, why)',
        ],
    ),
    "state_without_marketing": (
        B + "consent:\n  states:\n    analytics_only: [{click: '#prefs'}]\n",
        [
            "map.yaml:6:21: consent.states.analytics_only: missing key 'marketing'; say marketing: granted, denied or partial (only accept/reject imply it)",
        ],
    ),
    "count_at_step_level": (
        B + J + "      - goto: /\n      - expect: PageView\n        count: 2\n",
        [
            "map.yaml:9:9: journeys[0].steps[1]: unknown key 'count'; it belongs to one event: expect: {KEY: {count: …}}",
        ],
    ),
    "event_field_under_events": (
        "version: 1\nevents:\n  ViewContent:\n  sources: [browser]\n",
        [
            "map.yaml:3:15: events.ViewContent: expected a mapping, got nothing (an empty value); if its keys are on the next lines, indent them under it",
            "map.yaml:4:12: events.sources: expected a mapping, got a list; 'sources' is a key of one event; indent it under that event",
        ],
    ),
    "tab_indent": (
        "version: 1\nevents:\n\tPageView: {sources: [browser]}\n",
        [
            "map.yaml:3:1: YAML syntax error: found character that cannot start any token; indent with spaces; YAML forbids tabs",
        ],
    ),
    "embedded_unset_variable": (
        B + "site:\n  base_url: https://${STAGING_HOST}/shop\n",
        [
            "map.yaml:5:13: site.base_url: variable STAGING_HOST is not set (it is part of a longer value); export STAGING_HOST=… or give a default: ${STAGING_HOST:-value}",
        ],
    ),
    "unknown_role": (
        "version: 1\nenvironments:\n  staging:\n    pixels: {mian: '111111111111111'}\npixels:\n  main: {events: '*'}\n"
        + "events:\n  PageView: {sources: [browser]}\n",
        [
            "map.yaml:4:14: environments.staging.pixels.mian: unknown pixel role 'mian'; did you mean 'main'?",
        ],
    ),
    "production_test_code": (
        "version: 1\nenvironment: production\ntest_event_code: TEST123\nevents:\n  PageView: {sources: [browser]}\n",
        [
            "map.yaml:3:1: test_event_code: a production environment expects a test_event_code; test codes are for staging only (OP001); remove it here",
        ],
    ),
    "duplicate_journey": (
        B
        + "journeys:\n  - name: j\n    steps: [{goto: /}]\n  - name: j\n    steps: [{goto: /a}]\n",
        [
            "map.yaml:7:11: journeys[1].name: journey name 'j' is used twice (first at line 5, column 11); names must be unique",
        ],
    ),
    "persona_placeholder": (
        B
        + "personas:\n  jane: {email: j@example.com}\n"
        + J
        + "      - fill: {'#p': '{persona.phone}'}\n      - fill: {'#e': '{persona.mail}'}\n    persona: jane\n",
        [
            "map.yaml:9:9: journeys[0].steps[0]: {persona.phone} but the journey's persona has no phone; set persona: … with phone, or type a fixed value",
            "map.yaml:10:9: journeys[0].steps[1]: unknown placeholder {persona.mail}; use {persona.email} (or another persona field), {run.id}, {journey}, {uuid}",
        ],
    ),
    "never_in_journeys": (
        "version: 1\nenvironment: staging\ncapi: {sink: {}}\nevents:\n  crm: {name: Lead, sources: [server], journeys: none}\n"
        + J
        + "      - goto: /\n      - expect: crm\n",
        [
            "map.yaml:10:17: journeys[0].steps[1].expect.crm: event 'crm' says journeys: none; it is never expected in a journey; expect the key that journeys produce, or drop journeys: none",
        ],
    ),
    "bad_source": (
        "version: 1\nevents:\n  PageView: {sources: [browser, sever]}\n",
        [
            "map.yaml:3:33: events.PageView.sources[1]: expected one of 'browser' or 'server', got the text 'sever'; did you mean 'server'?",
        ],
    ),
    "both_environment_forms": (
        "version: 1\nenvironment: staging\nenvironments:\n  staging: {}\nevents:\n  PageView: {sources: [browser]}\n",
        [
            "map.yaml:2:1: environment: environment (one environment) and environments (several) are both set; keep environments and move this one's settings into it",
        ],
    ),
    "threshold_percent": (
        B + "graph:\n  thresholds: {dedupe_key_coverage: 90, emq: {Purchase: 6}}\n",
        [
            "map.yaml:5:37: graph.thresholds.dedupe_key_coverage: 90 is not a fraction between 0 and 1; 90% is 0.9",
            "map.yaml:5:47: graph.thresholds.emq.Purchase: unknown event 'Purchase'; known events: PageView",
        ],
    ),
    "block_meta": (
        B + "site:\n  block: ['**/fbevents.js', '**/hotjar*']\n",
        [
            "map.yaml:5:11: site.block[0]: '**/fbevents.js' would block Meta's own traffic (https://connect.facebook.net/en_US/fbevents.js); block only third parties; pixelproof needs the Pixel to run",
        ],
    ),
    "sink_off_loopback": (
        "version: 1\nenvironment: staging\ncapi: {sink: {listen: 0.0.0.0:4010}}\nevents:\n  Purchase: {sources: [server]}\n",
        [
            'map.yaml:3:7: capi: the sink listens on 0.0.0.0:4010, off loopback, without a token; set sink.token: "${PIXELPROOF_SINK_TOKEN}" or listen on 127.0.0.1',
        ],
    ),
    "expect_none_count": (
        B + J + "      - goto: /\n      - expect_none: {PageView: {count: 2}}\n",
        [
            "map.yaml:8:22: journeys[0].steps[1].expect_none: expect_none.PageView: count must be 0; use expect for a count",
        ],
    ),
    "unknown_env_in_journey": (
        "version: 1\nenvironments:\n  staging: {}\n  production: {}\nevents:\n  PageView: {sources: [browser]}\n"
        + J
        + "      - goto: /\n    environments: [prod]\n",
        [
            "map.yaml:11:20: journeys[0].environments[0]: unknown environment 'prod'; did you mean 'production'?",
        ],
    ),
    "unknown_user_data_key": (
        "version: 1\nevents:\n  Lead:\n    sources: [browser]\n    user_data: {browser: [email, fbp]}\n",
        [
            "map.yaml:5:27: events.Lead.user_data.browser[0]: unknown user_data key 'email'; Meta's key for it is 'em'",
        ],
    ),
    "templates_everywhere": (
        "version: 1\nenvironment: staging\ncapi: {sink: {token: ${TOKEN}}}\nsite: {base_url: https://${HOST}/x, domains: [${A}, b.test]}\nevnts: {}\nevents:\n  PageView: {sources: [browser]}\n",
        [
            'map.yaml:3:22: YAML syntax error: unquoted template ${TOKEN} inside a {…} or […] flow collection; quote it: "${TOKEN}" (YAML reads { } as structure)',
            "map.yaml:4:18: site.base_url: variable HOST is not set (it is part of a longer value); export HOST=… or give a default: ${HOST:-value}",
            'map.yaml:4:26: YAML syntax error: unquoted template ${HOST} inside a {…} or […] flow collection; quote it: "https://${HOST}/x" (YAML reads { } as structure)',
            'map.yaml:4:47: YAML syntax error: unquoted template ${A} inside a {…} or […] flow collection; quote it: "${A}" (YAML reads { } as structure)',
            "map.yaml:4:47: site.domains[0]: expected text, got nothing (an empty value); it comes from ${A}, which is not set (or empty)",
            "map.yaml:5:1: unknown key 'evnts'; did you mean 'events'?",
        ],
    ),
    "everything_at_once": (
        'version: 1\nenvironment: staging\nsite: {base_url: "https://x.test"}\npixel: {id: 111111111111111}\ncapi: {sink: {}}\nevents:\n  PageView: {sources: [browser]}\n  Purchase:\n    sources: [browser, server]\n    params: {value: numbr, currency: currency}\n    consent: requird\n    colour: red\n  Purchase: {sources: [server]}\npersonas:\n  jane: {email: "jane@example.com", phone: +16505550101}\nconsent:\n  accept: [{click: "#ok"}]\n  no: [{click: "#no"}]\njourneys:\n  - name: buy\n    consent: no\n    persona: jane\n    steps:\n      - goto: /\n      - {clik: "#pay"}\n      - expect: [PageView, Purchse]\n      - expect: {Purchase: {count: -1, sources: browser}}\n      - {click: "#a", fill: {"#b": c}}\n      - wait: 10x\n      - {id: x, reload: {}}\n      - {id: x, click: "#b", timeout: soon}\n  - name: buy\n    persona: jane\n    steps: [{goto: /}, {goto: /a}]\n    forbid: [PageVeiw]\nchecks:\n  ignore: [{code: EV02, event: Purchase}, {code: EV999, reason: x}, {code: ev001, reason: x}]\n  severity: {PA003: fatal}\ngraph:\n  access_token: EAAB1234secret\n  thresholds: {dedupe_key_coverage: 90}\n',
        [
            'map.yaml:4:13: pixel.id: warning: pixel ID 111111111111111 is written as a number; quote it: "111111111111111" (it is kept as text)',
            "map.yaml:10:21: events.Purchase.params.value: expected one of 'string', 'number', 'integer', 'boolean', 'currency', 'list' or 'object', got the text 'numbr'; did you mean 'number'?",
            "map.yaml:11:14: events.Purchase.consent: expected one of 'required' or 'not_required', got the text 'requird'; did you mean 'required'?",
            "map.yaml:12:5: events.Purchase: unknown key 'colour'; known keys: action_source, consent, dedup, event_id, journeys, name, owner, pair, params, server, sources, spa, user_data",
            "map.yaml:13:3: events.Purchase: duplicate key 'Purchase' (first at line 8, column 3); keep one of the two; YAML would silently keep only the last",
            "map.yaml:18:3: consent.no: the key 'no' is read as a boolean by YAML 1.1; quote it: \"no\"",
            "map.yaml:18:7: consent.no: missing key 'marketing'; say marketing: granted, denied or partial (only accept/reject imply it)",
            "map.yaml:21:14: journeys[0].consent: 'no' is read as a boolean by YAML 1.1, not as text; quote it: \"no\"",
            "map.yaml:25:10: journeys[0].steps[1]: unknown step 'clik'; did you mean 'click'?",
            "map.yaml:26:28: journeys[0].steps[2].expect[1]: unknown event 'Purchse'; did you mean 'Purchase'?",
            "map.yaml:27:36: journeys[0].steps[3].expect.Purchase.count: must be at least 0, got -1",
            "map.yaml:27:49: journeys[0].steps[3].expect.Purchase.sources: expected a list, got the text 'browser'; write [browser]",
            "map.yaml:28:9: journeys[0].steps[4]: a step has one action; this one has 'click' and 'fill'; split it into separate steps",
            "map.yaml:29:15: journeys[0].steps[5].wait: '10x' is not a duration; write 500ms, 10s, 1m or a number of seconds",
            "map.yaml:31:14: journeys[0].steps[7].id: step id 'x' is used twice (first at line 30, column 14); names must be unique",
            "map.yaml:31:39: journeys[0].steps[7].timeout: 'soon' is not a duration; write 500ms, 10s, 1m or a number of seconds",
            "map.yaml:32:11: journeys[1].name: journey name 'buy' is used twice (first at line 20, column 11); names must be unique",
            "map.yaml:35:14: journeys[1].forbid[0]: unknown event 'PageVeiw'; did you mean 'PageView'?",
            "map.yaml:37:12: checks.ignore[0]: missing key 'reason'; add reason: \"…\" so the exception explains itself",
            "map.yaml:37:19: checks.ignore[0].code: 'EV02' is not a rule code; did you mean 'EV002'?",
            "map.yaml:37:50: checks.ignore[1].code: unknown rule code 'EV999'; did you mean 'EV009'?",
            "map.yaml:37:76: checks.ignore[2].code: 'ev001' is not a rule code; did you mean 'EV001'?",
            "map.yaml:38:21: checks.severity.PA003: expected one of 'error', 'warning' or 'info', got the text 'fatal'",
            'map.yaml:40:17: graph.access_token: a literal access_token in the map; read it from the environment: access_token: "${META_ACCESS_TOKEN}"',
            "map.yaml:41:37: graph.thresholds.dedupe_key_coverage: 90 is not a fraction between 0 and 1; 90% is 0.9",
        ],
    ),
    "numeric_pixel_id_warns": (
        "version: 1\nenvironment: staging\npixel: {id: 111111111111111}\nevents:\n  PageView: {sources: [browser]}\n",
        [
            'map.yaml:3:13: pixel.id: warning: pixel ID 111111111111111 is written as a number; quote it: "111111111111111" (it is kept as text)',
        ],
    ),
    "notes_actions_and_personas": (
        "version: 1\npersonas:\n  jane: {email: j@example.com}\nevents:\n  PageView: {sources: [browser]}\n  AddToCart: {sources: [browser]}\njourneys:\n  - name: a\n    persona: jane\n    steps:\n      - goto: /\n      - click: '#add'\n      - expect: AddToCart\n  - name: b\n    persona: jane\n    steps: [{goto: /}, {expect: PageView}]\n",
        [
            "map.yaml:12:9: journeys[0].steps[1]: note: 'click #add#1' follows 'goto /#1' with no expect between; events of 'goto /#1' may be counted in this step; add an expect",
            "map.yaml:15:14: journeys[1].persona: note: journeys 'a' and 'b' share persona 'jane'; with --workers > 1 their server events get ambiguous; use {journey} in its email",
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_map_reports_exactly(name: str, problems_of: Render) -> None:
    text, expected = CASES[name]
    assert problems_of(text) == expected


def test_there_are_at_least_25_broken_maps() -> None:
    assert len(CASES) >= 25
