"""The Markdown report: for pull-request comments and post-release notes."""

from __future__ import annotations

from collections import defaultdict

from pixelproof.report import RenderOptions
from pixelproof.report.meta_side import meta_side_lines
from pixelproof.report.terminal import UNOBSERVED, verdict
from pixelproof.result import AuditResult, Finding


def _cell(value: object) -> str:
    text = "—" if value is None or value == "" else str(value)
    # Backslashes first, so a captured backslash cannot cancel the escape of the pipe after it.
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("\r", " ").replace("\n", " ").replace("<", "&lt;")


def render(result: AuditResult, options: RenderOptions) -> str:
    lines: list[str] = []
    if result.unobserved_server is not None:
        lines += [f"> **{UNOBSERVED}** ({_cell(result.unobserved_server)})", ""]
    title = result.map.name or result.map.path or "event map"
    lines += [f"# pixelproof: {_cell(title)}", "", f"**{verdict(result)}**", ""]
    for reason in result.incomplete_reasons:
        lines.append(f"- incomplete: {_cell(reason)}")
    if result.pairs:
        lines += [
            "",
            "## Actions",
            "",
            "| journey | step | event | browser | server | verdict |",
            "|---|---|---|---|---|---|",
        ]
        for p in result.pairs:
            lines.append(
                f"| {_cell(p.journey)} | {_cell(p.step)} | {_cell(p.name)} | "
                f"{_cell(p.browser_event_id if p.browser else None)} | "
                f"{_cell(p.server_event_id if p.server else None)} | {_cell(p.status)} |"
            )
    lines += _findings(result.findings, options.verbose)
    meta = meta_side_lines(result)
    if meta:
        lines += ["", "## Meta-side (Graph API)", "", f"_{_cell(meta[0])}_", ""]
        lines += [f"- {_cell(line)}" for line in meta[1:]]
    return "\n".join(lines) + "\n"


def _findings(findings: tuple[Finding, ...], verbose: int) -> list[str]:
    """Findings grouped by root cause (as in the terminal); known/ignored only when verbose."""
    shown = [f for f in findings if f.counted or verbose]
    hidden = len(findings) - len(shown)
    lines: list[str] = []
    if shown:
        groups: dict[str, list[Finding]] = defaultdict(list)
        for f in shown:
            groups[f.cause or f.fingerprint].append(f)
        shared = [
            f"- {len(members)} findings share: {_cell(cause)}"
            for cause, members in groups.items()
            if len(members) > 2
        ]
        lines += ["", "## Findings", "", *shared, *([""] if shared else [])]
        lines += ["| severity | rule | where | what | fix |", "|---|---|---|---|---|"]
        lines += [_row(f) for members in groups.values() for f in members]
    if hidden:
        lines += ["", f"{hidden} known or ignored finding(s) not shown (`-v` lists them)."]
    return lines


def _row(f: Finding) -> str:
    where = " › ".join(str(p) for p in (f.journey, f.step) if p is not None)
    tag = "" if f.counted else f" ({f.baseline.value})"
    return (
        f"| {f.severity.value}{tag} | `{f.code}` {f.name} | {_cell(where)} | {_cell(f.message)} | "
        f"{_cell(f.hint)} |"
    )
