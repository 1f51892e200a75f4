"""Baselines and ignores: which findings are `known` or `ignored` (DESIGN §9, §13).

A baseline file is `{"schema": "pixelproof.baseline/1", "fingerprints": [...]}`; a result.json
is accepted too (its non-ignored findings). `checks.ignore` entries match by code and event key
and expire at `until`, judged against the capture clock, never the wall clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import orjson

from pixelproof.errors import InputError
from pixelproof.result import AuditResult, Baseline, Finding

SCHEMA = "pixelproof.baseline/1"


@dataclass(frozen=True, slots=True)
class Ignore:
    code: str
    event: str | None = None  # an event key
    journey: str | None = None
    reason: str = ""
    until: date | None = None

    def matches(self, finding: Finding, today: date) -> bool:
        if self.until is not None and today >= self.until:
            return False
        if finding.code != self.code:
            return False
        if self.event is not None and self.event not in (finding.event_key, finding.event):
            return False
        return self.journey is None or self.journey == finding.journey


def load_baseline(path: Path) -> frozenset[str]:
    """Fingerprints from a baseline file or a result.json; exit 2 when it is neither."""
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise InputError(f"{path}: baseline file not found") from None
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc})") from exc
    if isinstance(data, dict) and data.get("schema") == SCHEMA:
        prints = data.get("fingerprints")
        if isinstance(prints, list) and all(isinstance(p, str) for p in prints):
            return frozenset(prints)
    if isinstance(data, dict) and data.get("schema") == "pixelproof.result/1":
        findings = data.get("findings")
        if isinstance(findings, list):
            return frozenset(
                str(f["fingerprint"])
                for f in findings
                if isinstance(f, dict) and "fingerprint" in f and f.get("baseline") != "ignored"
            )
    raise InputError(
        f"{path}: not a baseline",
        hint=f'expected {{"schema": "{SCHEMA}", "fingerprints": [...]}} or a result.json',
    )


def baseline_bytes(result: AuditResult) -> bytes:
    prints = sorted({f.fingerprint for f in result.findings if f.baseline is not Baseline.IGNORED})
    doc = {"schema": SCHEMA, "fingerprints": prints}
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def classify(
    findings: Iterable[Finding],
    known: frozenset[str],
    ignores: Sequence[Ignore],
    now: datetime,
) -> tuple[Finding, ...]:
    """Mark each finding `ignored` (a live ignore matches), `known` (in the baseline) or `new`."""
    today = now.date()
    out = []
    for f in findings:
        if any(i.matches(f, today) for i in ignores):
            state = Baseline.IGNORED
        elif f.fingerprint in known:
            state = Baseline.KNOWN
        else:
            state = Baseline.NEW
        out.append(replace(f, baseline=state))
    return tuple(out)
