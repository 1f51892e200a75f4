"""The HTML report: one self-contained file (inline CSS, no external assets, no JavaScript).

Sections, in order: the "server half not observed" banner (when set), the verdict, the run's
sources and incomplete reasons, journeys with their steps, the actions table (browser ↔ server
pairs, coloured by verdict), findings grouped by root cause (known and ignored ones folded
away), checks by status, events and batches.

Everything shown is captured data, so the template is rendered with autoescaping always on
and a Content-Security-Policy that forbids scripts and remote loads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache

import jinja2
import orjson

from pixelproof.report import RenderOptions
from pixelproof.report.terminal import UNOBSERVED, verdict
from pixelproof.result import AuditResult, CheckResult, CheckStatus, Finding, Pair

_CHECK_ORDER = (
    CheckStatus.ERROR,
    CheckStatus.FAIL,
    CheckStatus.WARN,
    CheckStatus.PASS,
    CheckStatus.NOT_APPLICABLE,
)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("pixelproof.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(result: AuditResult, options: RenderOptions) -> str:
    template = _environment().get_template("report.html.j2")
    return template.render(
        r=result,
        title=result.map.name or result.map.path or "event map",
        unobserved=UNOBSERVED,
        verdict=verdict(result),
        groups=_groups([f for f in result.findings if f.counted]),
        uncounted=[f for f in result.findings if not f.counted],
        checks=_checks_by_status(result.checks),
        where=_where,
        pair_class=_pair_class,
        value=_value,
    )


def _groups(findings: Iterable[Finding]) -> list[tuple[str | None, list[Finding]]]:
    """Findings by root cause, groups in the order of their first finding; lone ones keyless."""
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        grouped[f.cause or f"\0{f.fingerprint}"].append(f)
    return [(None if key.startswith("\0") else key, members) for key, members in grouped.items()]


def _checks_by_status(checks: Iterable[CheckResult]) -> list[tuple[str, list[CheckResult]]]:
    by_status: dict[CheckStatus, list[CheckResult]] = defaultdict(list)
    for c in checks:
        by_status[c.status].append(c)
    return [(s.value, by_status[s]) for s in _CHECK_ORDER if by_status[s]]


def _where(f: Finding) -> str:
    return " › ".join(
        p for p in (f.journey, None if f.step is None else f"step {f.step}", f.event) if p
    )


def _pair_class(p: Pair) -> str:
    if p.status in ("deduplicated", "fallback-dedup"):
        return "ok"
    return "bad" if p.status.endswith("mismatch") else "warn"


def _value(value: object) -> str:
    """Captured values as text: strings as they are, anything else as compact sorted JSON."""
    if isinstance(value, str):
        return value
    option = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
    return orjson.dumps(value, option=option, default=_plain).decode()


def _plain(value: object) -> object:
    return dict(value) if isinstance(value, Mapping) else str(value)
