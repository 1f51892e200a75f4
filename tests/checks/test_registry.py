"""The rule frame: registry completeness, documentation, generated docs, the isolating runner."""

from __future__ import annotations

import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

import pixelproof.checks as checks_pkg
from pixelproof.checks import REGISTRY
from pixelproof.checks.base import Check, CheckContext, Draft, Need, fingerprint
from pixelproof.checks.docs import render_rules_md
from pixelproof.checks.runner import run_checks
from pixelproof.result import CheckStatus, Severity
from tests.factories import NOW, observed

ROOT = Path(__file__).resolve().parents[2]
FRAME_MODULES = {"base", "runner", "docs", "context"}


def test_codes_and_names_are_unique_and_well_formed() -> None:
    codes = [c.code for c in REGISTRY]
    names = [c.name for c in REGISTRY]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    for c in REGISTRY:
        assert re.fullmatch(r"(EV|DD|PA|SE|PR|OP|RC)\d{3}", c.code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c.name)


def test_every_rule_module_is_registered() -> None:
    modules = {
        m.name for m in pkgutil.iter_modules(checks_pkg.__path__) if m.name not in FRAME_MODULES
    }
    registered = {c.run.__module__.rsplit(".", 1)[-1] for c in REGISTRY}
    assert modules == registered


@pytest.mark.parametrize("check", REGISTRY, ids=lambda c: c.code)
def test_docstring_has_why_fix_example(check: Check) -> None:
    doc = check.doc
    assert check.summary.endswith(".")
    for part in ("**Why:**", "**Fix:**", "**Example:**"):
        assert part in doc, f"{check.code} docstring lacks {part}"


def test_rules_md_is_generated_from_the_docstrings() -> None:
    committed = (ROOT / "docs/rules.md").read_text()
    assert committed == render_rules_md(), "docs/rules.md drifted: run `make docs`"


def _check(
    code: str,
    needs: set[Need],
    run: Callable[[CheckContext], Iterator[Draft]],
    any_need: bool = False,
) -> Check:
    return Check(
        code=code,
        name=code.lower(),
        severity=Severity.ERROR,
        needs=frozenset(needs),
        run=run,
        doc="x",
        any_need=any_need,
    )


def _one_finding(ctx: CheckContext) -> Iterator[Draft]:
    yield Draft(message="found", refs=("b1",), event_key="k", journey="j", step_key="click #a#1")


def _crash(ctx: CheckContext) -> Iterator[Draft]:
    raise ZeroDivisionError("boom")


def test_runner_maps_sources_onto_statuses_and_isolates_crashes() -> None:
    ctx = CheckContext(
        now=NOW,
        available=frozenset({Need.BROWSER}),
        failed={Need.SERVER: "sink: port 4010 taken"},
        missing_reason={Need.GRAPH: "no Graph token"},
    )
    registry = (
        _check("XX001", {Need.BROWSER}, _one_finding),
        _check("XX002", {Need.SERVER}, _one_finding),
        _check("XX003", {Need.GRAPH}, _one_finding),
        _check("XX004", {Need.BROWSER}, _crash),
        _check("XX005", {Need.BROWSER, Need.SERVER}, _one_finding, any_need=True),
    )
    out = run_checks(ctx, registry)
    status = {c.code: (c.status, c.message) for c in out.checks}
    assert status["XX001"] == (CheckStatus.FAIL, None)
    assert status["XX002"] == (CheckStatus.ERROR, "server: sink: port 4010 taken")
    assert status["XX003"] == (CheckStatus.NOT_APPLICABLE, "no Graph token")
    assert status["XX004"][0] is CheckStatus.ERROR
    assert "ZeroDivisionError: boom" in (status["XX004"][1] or "")
    assert status["XX005"][0] is CheckStatus.FAIL
    assert [f.code for f in out.findings] == ["XX001", "XX005"]
    assert len(out.errors) == 2


def test_severity_override_applies_to_findings_and_check() -> None:
    ctx = CheckContext(now=NOW, available=frozenset({Need.BROWSER}))
    out = run_checks(
        ctx, (_check("XX001", {Need.BROWSER}, _one_finding),), {"XX001": Severity.WARNING}
    )
    assert out.findings[0].severity is Severity.WARNING
    assert out.checks[0].severity is Severity.WARNING
    assert out.checks[0].status is CheckStatus.WARN


def test_suppression_links_survivor_and_is_off_when_the_suppressor_errored() -> None:
    ctx = CheckContext(now=NOW, available=frozenset({Need.BROWSER}))
    winner = replace(_check("XX009", {Need.BROWSER}, _one_finding), suppresses=("XX001",))
    loser = _check("XX001", {Need.BROWSER}, _one_finding)
    out = run_checks(ctx, (loser, winner))
    assert [f.code for f in out.findings] == ["XX009"]
    assert out.findings[0].related == (fingerprint("XX001", "k", "j", "click #a#1", None, None),)
    broken = replace(winner, run=_crash)
    out = run_checks(ctx, (loser, broken))
    assert [f.code for f in out.findings] == ["XX001"]


def test_fingerprint_is_stable_and_ignores_refs() -> None:
    a = fingerprint("DD001", "web_purchase", "purchase", "pay", "111", "browser")
    assert a == fingerprint("DD001", "web_purchase", "purchase", "pay", "111", "browser")
    assert a != fingerprint("DD001", "web_purchase", "purchase", "pay", "111", "server")
    assert a.startswith("DD001-")


def test_placeholder_event_id_fires_on_placeholders_only() -> None:
    from pixelproof.checks import placeholder_event_id as rule

    events = (
        observed("b1", "{{Event ID}}"),
        observed("b2", "order-1001"),
        observed("b3", "undefined"),
        observed("b4", None),
        observed("b5", "${eventId}"),
        observed("b6", "0"),
        observed("b7", "%%ORDER%%"),
        observed("b8", "10"),
    )
    ctx = CheckContext(now=NOW, available=frozenset({Need.BROWSER}), events=events)
    out = run_checks(ctx, (rule.CHECK,))
    assert [f.refs for f in out.findings] == [("b1",), ("b3",), ("b5",), ("b6",), ("b7",)]
    assert (
        out.findings[0].message
        == "browser Purchase carries the placeholder event ID '{{Event ID}}'"
    )
    assert out.checks[0].status is CheckStatus.FAIL
