"""Every report format: renders a realistic result, carries the verdict and the unobserved
banner, matches its golden file, and never depends on `--keep-pii` or un-redacts."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from pixelproof.redact import Redactor
from pixelproof.report import Format, RenderOptions, renderer
from pixelproof.report.terminal import UNOBSERVED, verdict
from pixelproof.result import AuditResult
from tests.conftest import Golden, SecretScan
from tests.factories import report_result, result

EXTENSION = {
    Format.TERMINAL: "txt",
    Format.JSON: "json",
    Format.JUNIT: "xml",
    Format.MARKDOWN: "md",
    Format.HTML: "html",
    Format.SARIF: "sarif",
}
UNOBSERVED_DETAIL = "capture: none for server events"


def render(fmt: Format, result: AuditResult, verbose: int = 0) -> str:
    return renderer(fmt)(result, RenderOptions(verbose=verbose))


def test_every_format_has_a_golden_extension() -> None:
    assert set(EXTENSION) == set(Format)


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_renders_the_verdict(fmt: Format) -> None:
    result = report_result()
    text = render(fmt, result)
    if fmt is Format.JSON:
        data = json.loads(text)
        assert (data["status"], data["exit_code"]) == ("fail", 1)
        assert data["summary"]["error"] == result.summary.error == 4
    else:
        assert verdict(result) in text


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_matches_its_golden_file(fmt: Format, golden: Golden) -> None:
    text = render(fmt, report_result(unobserved=UNOBSERVED_DETAIL))
    golden(f"reports/report.{EXTENSION[fmt]}", text)


@pytest.mark.parametrize("fmt", list(Format))
def test_rendering_is_deterministic(fmt: Format) -> None:
    assert render(fmt, report_result()) == render(fmt, report_result())


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_shows_the_unobserved_banner(fmt: Format) -> None:
    with_banner = render(fmt, report_result(unobserved=UNOBSERVED_DETAIL))
    without = render(fmt, report_result())
    if fmt is Format.JSON:
        assert json.loads(with_banner)["unobserved_server"] == UNOBSERVED_DETAIL
        assert json.loads(without)["unobserved_server"] is None
    else:
        assert UNOBSERVED in with_banner
        assert UNOBSERVED_DETAIL in with_banner
        assert UNOBSERVED not in without


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_renders_an_empty_passing_result(fmt: Format) -> None:
    empty = result()
    text = render(fmt, empty)
    assert text.endswith("\n")
    if fmt is not Format.JSON:
        assert verdict(empty) in text


PERSONA = "jane.doe@shop.test"
TOKEN = "EAAGm0PX4ZCpsBAKZBZCtokenvalue123"


def _redacted() -> AuditResult:
    raw = report_result(text=f" {PERSONA} {TOKEN}")
    return Redactor(pii={"em": PERSONA}, secrets=(TOKEN,)).result(raw)


@pytest.mark.parametrize("fmt", list(Format))
def test_renderers_never_unredact(fmt: Format, secret_scan: SecretScan) -> None:
    text = render(fmt, _redacted(), verbose=1)
    secret_scan([PERSONA, TOKEN], texts=[text])
    marks = ("<redacted:em>", "&lt;redacted:em&gt;", "&lt;redacted:em>")
    assert any(mark in text for mark in marks)


@pytest.mark.parametrize("fmt", [f for f in Format if f is not Format.JSON])
def test_output_does_not_depend_on_keep_pii(fmt: Format) -> None:
    redacted = _redacted()
    kept = replace(redacted, options=replace(redacted.options, keep_pii=True))
    assert render(fmt, kept) == render(fmt, redacted)


def test_json_records_keep_pii_and_nothing_else_changes() -> None:
    redacted = _redacted()
    kept = replace(redacted, options=replace(redacted.options, keep_pii=True))
    a, b = json.loads(render(Format.JSON, redacted)), json.loads(render(Format.JSON, kept))
    assert (a["options"]["keep_pii"], b["options"]["keep_pii"]) == (False, True)
    a["options"].pop("keep_pii")
    b["options"].pop("keep_pii")
    assert a == b
