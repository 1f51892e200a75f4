"""The terminal and Markdown reports: banner first, grouping by cause, known findings hidden
unless verbose, captured text printed verbatim (never parsed as markup)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pixelproof.report import RenderOptions, markdown, terminal
from pixelproof.report.terminal import UNOBSERVED, verdict
from pixelproof.result import AuditResult, Baseline, FailOn
from tests.factories import finding, report_result, result

CAUSE = "GTM variable {{Event ID}} is undefined on checkout"


def term(res: AuditResult, verbose: int = 0, color: bool = False) -> str:
    return terminal.render(res, RenderOptions(color=color, verbose=verbose))


def md(res: AuditResult, verbose: int = 0) -> str:
    return markdown.render(res, RenderOptions(verbose=verbose))


@pytest.mark.parametrize("render", [term, md])
def test_unobserved_banner_is_the_first_line(render: object) -> None:
    assert callable(render)
    first = render(report_result(unobserved="capture: none")).splitlines()[0]
    assert UNOBSERVED in first
    assert "capture: none" in first
    assert UNOBSERVED not in render(report_result())


def test_terminal_banner_line_is_exact() -> None:
    assert term(result(unobserved="capture: none")).splitlines()[0] == (
        f"{UNOBSERVED} (capture: none)"
    )


def test_markdown_banner_is_a_quote() -> None:
    assert md(result(unobserved="x")).startswith(f"> **{UNOBSERVED}** (x)\n")


def test_terminal_groups_findings_sharing_a_cause() -> None:
    lines = term(report_result()).splitlines()
    header = lines.index(f"3 findings share: {CAUSE}")
    following = "\n".join(lines[header + 1 : header + 12])
    for code in ("DD001", "DD002", "PA001"):
        assert code in following


def test_two_findings_with_one_cause_are_not_announced() -> None:
    two = [replace(finding(code=c, fp=c), cause="same") for c in ("DD001", "DD002")]
    assert "share:" not in term(result(*two))
    three = [*two, replace(finding(code="DD004", fp="DD004"), cause="same")]
    assert "3 findings share: same" in term(result(*three))


def test_markdown_groups_findings_sharing_a_cause() -> None:
    text = md(report_result())
    assert f"- 3 findings share: {CAUSE}" in text
    rows = [line for line in text.splitlines() if line.startswith("| error")]
    assert [r.split("`")[1] for r in rows][:3] == ["DD001", "DD002", "PA001"]


def test_terminal_hides_known_findings_unless_verbose() -> None:
    res = report_result()
    assert "DD003" not in term(res)
    assert "EV002 unexpected-event" not in term(res)
    verbose = term(res, verbose=1)
    assert "DD003 duplicate-event  purchase › step 1  [known]" in verbose
    assert "EV002 unexpected-event  purchase › step 1  [ignored]" in verbose


def test_markdown_hides_known_findings_unless_verbose() -> None:
    res = report_result()
    quiet = md(res)
    assert "`DD003`" not in quiet
    assert "2 known or ignored finding(s) not shown" in quiet
    verbose = md(res, verbose=1)
    assert "| warning (known) | `DD003` duplicate-event |" in verbose
    assert "| warning (ignored) | `EV002` unexpected-event |" in verbose
    assert "not shown" not in verbose


def test_terminal_shows_hint_location_and_verdict_last() -> None:
    res = report_result()
    text = term(res)
    assert "        fix: send the same ID from both sides" in text
    assert "        map: event_maps/shop.yaml:41:9" in text
    assert "  OP004 error: graph failed" in text
    assert text.splitlines()[-1] == verdict(res)


def test_terminal_prints_captured_text_verbatim() -> None:
    """Rich markup and emoji codes in captured data are data (`[/x]` used to crash)."""
    weird = " [/script] [bold]x[/bold] :thumbs_up:"
    text = term(report_result(weird), verbose=1)
    assert "AddToCart from browser has no event ID [/script] [bold]x[/bold] :thumbs_up:" in text
    assert "\U0001f44d" not in text


def test_terminal_never_emits_captured_control_characters() -> None:
    """A site's strings must not drive the user's terminal (clear screen, OSC title, CR)."""
    evil = " \x1b]0;pwned\x07 \x1b[2J\rPASS \x9b"
    res = report_result(evil, unobserved="x\x1b[8m")
    for text in (term(res, verbose=1), term(res, verbose=1, color=True)):
        assert "\x1b]0;" not in text
        assert "\x1b[2J" not in text
        assert "\x1b[8m" not in text
        assert "\x07" not in text
        assert "\r" not in text
        assert "\x9b" not in text
    plain = term(res, verbose=1)
    assert "\x1b" not in plain
    assert "has no event ID \\x1b]0;pwned\\x07 \\x1b[2J\\x0dPASS \\x9b" in plain


def test_terminal_colours_only_when_asked() -> None:
    res = report_result(fail_on=FailOn.WARNING)
    assert "\x1b[" not in term(res)
    assert "\x1b[" in term(res, color=True)


def test_markdown_cells_cannot_break_the_table() -> None:
    nasty = "a|b\\|c\nd\r<e>"
    text = md(result(replace(finding(), message=nasty, hint="x | y")))
    row = next(line for line in text.splitlines() if line.startswith("| error"))
    assert "a\\|b\\\\\\|c d &lt;e>" in row
    assert row.count(" | ") == 4  # five cells, no pipe escaped the cell


def test_markdown_lists_actions_and_incomplete_reasons() -> None:
    text = md(report_result())
    assert "- incomplete: journey lead errored at step submit" in text
    assert "| purchase | 3 | Purchase | order-1042 | 1042 | id-mismatch |" in text


def test_known_only_run_passes_and_says_so() -> None:
    res = result(finding(baseline=Baseline.KNOWN))
    assert verdict(res).startswith("PASS: 0 error(s)")
    assert verdict(res) in term(res)
    assert verdict(res) in md(res)


def test_render_options_follow_color_choice_and_terminal_width(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from pixelproof.report import render_options

    monkeypatch.setenv("COLUMNS", "132")
    piped = io.StringIO()
    assert render_options("auto", stream=piped) == RenderOptions(color=False, width=132)
    assert render_options("always", 1, stream=piped) == RenderOptions(True, 132, 1)
    monkeypatch.setenv("COLUMNS", "20")
    assert render_options("never", stream=piped).width == 60


def test_graph_diagnostics_are_shown_labelled_meta_side() -> None:
    from dataclasses import replace

    from pixelproof.diagnostics import NOTE

    reads = [
        {"path": "/v26.0/111/stats", "params": {"event_source": "SERVER_ONLY"}, "status": 200,
         "error": None, "counts": {"Purchase": 12, "purchase": 3}},
        {"path": "/v26.0/111/da_checks", "params": {"fields": "key"}, "status": 403,
         "error": "not allowed: (#200) Missing Permission", "body": None},
    ]  # fmt: skip
    result = replace(report_result(), diagnostics={"graph": {"note": NOTE, "reads": reads}})
    text = terminal.render(result, RenderOptions(width=140))
    assert f"Meta-side (Graph API): {NOTE}" in text
    assert "/v26.0/111/stats (event_source=SERVER_ONLY): Purchase 12 · purchase 3" in text
    assert "/v26.0/111/da_checks: error: not allowed: (#200) Missing Permission" in text
    md = markdown.render(result, RenderOptions())
    assert "## Meta-side (Graph API)" in md
    assert "- /v26.0/111/stats (event_source=SERVER_ONLY): Purchase 12 · purchase 3" in md
    plain = terminal.render(report_result(), RenderOptions(width=140))
    assert "Meta-side" not in plain
