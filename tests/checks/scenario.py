"""A small shop map, a purchase journey's timeline and helpers to run the EV/DD rules on it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from pixelproof.checks import REGISTRY
from pixelproof.checks.base import CheckContext, Need
from pixelproof.checks.context import build_context
from pixelproof.checks.runner import run_checks
from pixelproof.config.load import LoadedMap, load_map
from pixelproof.config.steps import step_keys
from pixelproof.evidence.model import (
    ConsentRecord,
    Evidence,
    IdentityRecord,
    JourneyRecord,
    Record,
    RunInfo,
    StepRecord,
)
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Finding
from tests.factories import NOW

MAIN, AGENCY, PROD = "111111111111111", "333333333333333", "222222222222222"
FBP = "fb.1.1700000000000.4242"
UA = "Mozilla/5.0 HeadlessChrome/156 pixelproof/run1.purchase"
MAP = """\
version: 1
name: Shop
environments:
  staging:
    kind: staging
    base_url: https://shop.test
    pixels: {main: "111111111111111", agency: "333333333333333"}
    capi: {capture: sink}
  production:
    kind: production
    base_url: https://www.shop.test
    pixels: {main: "222222222222222"}
    capi: {capture: none, reason: "the platform sends CAPI"}
pixels:
  main: {events: "*"}
  agency: {events: [PageView, web_purchase], capi: false}
consent:
  states:
    accept: [{click: "#ok"}]
    reject: [{click: "#no"}]
events:
  PageView: {sources: [browser]}
  AddToCart: {sources: [browser]}
  web_purchase:
    name: Purchase
    sources: [browser, server]
    event_id: {minted_by: order, same_as: custom_data.order_id, unique: per_order}
    consent: required
  Lead: {sources: [browser, server], dedup: fbp}
  store_purchase:
    name: Purchase
    sources: [server]
    action_source: physical_store
    journeys: none
    pair: false
journeys:
  - name: purchase
    consent: accept
    steps:
      - goto: /product/42
      - expect: [PageView]
      - {id: add, click: "#add"}
      - expect: {AddToCart: {count: 1}}
      - {id: pay, click: "#pay"}
      - wait: {url: "**/thank-you"}
      - expect: {web_purchase: {count: 1}}
      - reload: {}
      - expect: {web_purchase: {count: 0, sources: [browser]}}
  - name: rejected
    consent: reject
    steps: [{goto: /}]
    forbid: [web_purchase]
"""
# step index → (started, ended) of the purchase journey; 0 goto, 2 add, 4 pay, 7 reload
TIMES = {0: (100, 102), 1: (102, 104), 2: (110, 111), 3: (111, 113), 4: (120, 121),
         5: (121, 124), 6: (124, 130), 7: (140, 141), 8: (141, 150)}  # fmt: skip
OUR_CODES = ("EV0", "DD0")


def load(tmp_path: Path, text: str = MAP) -> LoadedMap:
    path = tmp_path / "shop.yaml"
    path.write_text(text)
    return load_map(path, env="staging", environ={})


def timeline_records(loaded: LoadedMap, journey: str = "purchase") -> list[Record]:
    spec = next(j for j in loaded.map.journeys if j.name == journey)
    keys = step_keys(spec.steps)
    steps: list[Record] = [
        StepRecord(journey=journey, index=i, key=keys[i], action=s.action,
                   started=TIMES[i][0], ended=TIMES[i][1])
        for i, s in enumerate(spec.steps) if i in TIMES
    ]  # fmt: skip
    return [
        JourneyRecord(name=journey, started=100.0, ended=150.0, consent=spec.consent),
        *steps,
        IdentityRecord(journey=journey, ua_tag="pixelproof/run1.purchase", fbp=FBP),
        ConsentRecord(journey=journey, step=0, time=100.5, state=spec.consent),
    ]


def context(
    loaded: LoadedMap | None,
    events: Iterable[ObservedEvent],
    records: Sequence[Record] = (),
    *,
    sources: Iterable[Need] = tuple(Need),
) -> CheckContext:
    all_events = list(events)
    evidence = Evidence(RunInfo(), tuple(records)) if records else None
    return build_context(
        loaded_map=loaded,
        evidence=evidence,
        browser_events=[e for e in all_events if e.source == "browser"],
        server_events=[e for e in all_events if e.source == "server"],
        batches=(),
        now=NOW,
        available=frozenset(sources),
        failed={},
        missing_reason={},
        environment_kind="staging",
    )


def findings(ctx: CheckContext, *codes: str) -> list[Finding]:
    """Every registered rule with suppression; only EV/DD findings (or `codes`) returned."""
    out = run_checks(ctx, REGISTRY).findings
    wanted = codes or OUR_CODES
    return [f for f in out if f.code.startswith(wanted)]


def codes(ctx: CheckContext, *only: str) -> list[str]:
    return sorted(f.code for f in findings(ctx, *only))


def server_ua(event: ObservedEvent, ua: str = UA) -> ObservedEvent:
    return replace(event, user_data={**event.user_data, "client_user_agent": ua})
