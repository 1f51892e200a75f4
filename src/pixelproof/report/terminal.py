"""The terminal report: what broke, where, and what to do — grouped by root cause."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pixelproof.report import RenderOptions
from pixelproof.report.meta_side import meta_side_lines
from pixelproof.result import AuditResult, CheckStatus, Finding, Pair, Severity
from pixelproof.result_json import build, to_data

UNOBSERVED = "server half not observed — deduplication unproven"
_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_PAIR_STYLE = {"deduplicated": "green", "fallback-dedup": "green"}
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def render(result: AuditResult, options: RenderOptions) -> str:
    result = _printable(result)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=options.width,
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        highlight=False,
        soft_wrap=False,
        # Captured strings are data: `[/x]` in a URL must not be parsed as rich markup (it
        # raised MarkupError) and `:thumbs_up:` must not become an emoji.
        markup=False,
        emoji=False,
    )
    if result.unobserved_server is not None:
        banner = Text(UNOBSERVED, style="bold yellow")
        banner.append(f" ({result.unobserved_server})", style="yellow")
        console.print(banner)
    _header(console, result)
    _pairs(console, result.pairs)
    _findings(console, result.findings, options.verbose)
    _meta_side(console, result)
    _checks(console, result)
    console.print(Text(verdict(result), style=_verdict_style(result)))
    return buffer.getvalue()


def _header(console: Console, result: AuditResult) -> None:
    where = " · ".join(
        p
        for p in (
            result.map.name or result.map.path,
            result.map.environment_name or result.map.environment,
            result.started_at,
            f"{result.duration_s:.1f} s",
        )
        if p
    )
    console.print(f"pixelproof {result.tool.version} · {where}")
    sources = " · ".join(
        f"{s.name} {s.status}"
        + (f" ({s.items})" if s.status == "ok" else "")
        + (f": {s.error}" if s.error else "")
        for s in result.sources
    )
    if sources:
        console.print(f"sources: {sources}")
    for journey in result.journeys:
        failed = [s for s in journey.steps if s.status in ("fail", "error")]
        detail = f" — step {failed[0].key}: {failed[0].error}" if failed else ""
        console.print(
            f"journey {journey.name}: {journey.status} (consent {journey.consent}){detail}"
        )
    for reason in result.incomplete_reasons:
        console.print(Text(f"incomplete: {reason}", style="yellow"))


def _pairs(console: Console, pairs: Iterable[Pair]) -> None:
    rows = list(pairs)
    if not rows:
        return
    table = Table(
        "journey",
        "step",
        "pixel",
        "event",
        "browser",
        "server",
        "verdict",
        box=None,
        pad_edge=False,
    )
    for p in rows:
        style = _PAIR_STYLE.get(p.status, "red" if p.status.endswith("mismatch") else "yellow")
        table.add_row(
            p.journey or "-",
            "-" if p.step is None else str(p.step),
            p.pixel_id or "-",
            p.name or "-",
            _side(p.browser, p.browser_name, p.browser_event_id),
            _side(p.server, p.server_name, p.server_event_id),
            Text(p.status + ("" if p.confidence == "high" else " (low confidence)"), style=style),
        )
    console.print()
    console.print(table)


def _side(ref: str | None, name: str | None, event_id: str | None) -> str:
    if ref is None:
        return "—"
    return f"{ref} {name or '?'}" + (f" id={event_id}" if event_id else " no id")


def _findings(console: Console, findings: tuple[Finding, ...], verbose: int) -> None:
    shown = [f for f in findings if f.counted or verbose]
    if not shown:
        return
    console.print()
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in shown:
        groups[f.cause or f.fingerprint].append(f)
    for cause, members in groups.items():
        if len(members) > 2:
            console.print(Text(f"{len(members)} findings share: {cause}", style="bold"))
        for f in members:
            _finding(console, f)


def _finding(console: Console, f: Finding) -> None:
    where = " › ".join(p for p in (f.journey, None if f.step is None else f"step {f.step}") if p)
    line = Text()
    line.append(f"{f.severity.value.upper():<7} ", style=_STYLE[f.severity])
    line.append(f"{f.code} {f.name}", style="bold")
    if where:
        line.append(f"  {where}")
    if f.baseline.value != "new":
        line.append(f"  [{f.baseline.value}]", style="dim")
    console.print(line)
    console.print(f"        {f.message}")
    if f.hint:
        console.print(Text(f"        fix: {f.hint}", style="dim"))
    if f.location:
        loc = f.location
        console.print(Text(f"        map: {loc.path}:{loc.line}:{loc.column}", style="dim"))


def _meta_side(console: Console, result: AuditResult) -> None:
    lines = meta_side_lines(result)
    if lines:
        console.print()
        console.print(Text(lines[0], style="bold"))
        for line in lines[1:]:
            console.print(Text(f"  {line}"))


def _checks(console: Console, result: AuditResult) -> None:
    counts: dict[CheckStatus, int] = defaultdict(int)
    for c in result.checks:
        counts[c.status] += 1
    if not result.checks:
        return
    parts = ", ".join(f"{n} {s.value}" for s, n in sorted(counts.items(), key=lambda kv: kv[0]))
    console.print()
    console.print(f"checks: {parts}")
    for c in result.checks:
        if c.status is CheckStatus.ERROR:
            console.print(Text(f"  {c.code} error: {c.message}", style="yellow"))


def _printable(result: AuditResult) -> AuditResult:
    """Captured strings may carry terminal escapes (ESC, OSC, BEL, CR): show them as `\\x1b`,
    never send them to the user's terminal. Events are not printed, so they are not walked."""
    return build(AuditResult, _escape(to_data(replace(result, events=()))))


def _escape(value: object) -> object:
    if isinstance(value, str):
        return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    if isinstance(value, list):
        return [_escape(v) for v in value]
    if isinstance(value, dict):
        return {k: _escape(v) for k, v in value.items()}
    return value


def verdict(result: AuditResult) -> str:
    """The one-line summary (also printed to stderr by the commands)."""
    s = result.summary
    known = f", {s.known} known" if s.known else ""
    return (
        f"{result.status.value.upper()}: {s.error} error(s), {s.warning} warning(s), "
        f"{s.info} info{known} · {s.events_total} event(s) · exit {int(result.exit_code)}"
    )


def _verdict_style(result: AuditResult) -> str:
    return {"pass": "bold green", "fail": "bold red"}.get(result.status.value, "bold yellow")
