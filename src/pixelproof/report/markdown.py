"""The Markdown report: for pull-request comments and post-release notes."""

from __future__ import annotations

from pixelproof.report import RenderOptions
from pixelproof.report.terminal import UNOBSERVED, verdict
from pixelproof.result import AuditResult, Finding


def _cell(value: object) -> str:
    text = "—" if value is None or value == "" else str(value)
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


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
    counted = [f for f in result.findings if f.counted]
    if counted:
        lines += [
            "",
            "## Findings",
            "",
            "| severity | rule | where | what | fix |",
            "|---|---|---|---|---|",
        ]
        lines += [_row(f) for f in counted]
    return "\n".join(lines) + "\n"


def _row(f: Finding) -> str:
    where = " › ".join(str(p) for p in (f.journey, f.step) if p is not None)
    return (
        f"| {f.severity.value} | `{f.code}` {f.name} | {_cell(where)} | {_cell(f.message)} | "
        f"{_cell(f.hint)} |"
    )
