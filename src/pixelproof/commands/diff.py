"""`pixelproof diff OLD.json NEW.json`: what changed after a website update."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from pixelproof.diffing import ResultDiff, diff_results
from pixelproof.errors import InputError, UsageError
from pixelproof.report.targets import Target, parse_targets, write_atomic
from pixelproof.result import AuditResult, Finding
from pixelproof.result_json import loads


def _load(path: Path) -> AuditResult:
    try:
        return loads(path.read_bytes(), path=str(path))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None


def _finding_line(tag: str, f: Finding) -> str:
    where = " › ".join(str(p) for p in (f.journey, f.step) if p is not None)
    return f"{tag} {f.severity.value:<7} {f.code} {f.name} {where}: {f.message}"


def render_text(d: ResultDiff) -> str:
    lines = [
        f"{len(d.new)} new, {len(d.fixed)} fixed, {len(d.unchanged)} unchanged finding(s); "
        f"{len(d.stopped)} event(s) stopped firing; {len(d.worse)} pair(s) got worse"
    ]
    lines += [_finding_line("+", f) for f in d.new]
    lines += [_finding_line("-", f) for f in d.fixed]
    for journey, name, source, pixel in d.stopped:
        lines.append(f"! stopped firing: {name} from {source} to {pixel} in {journey or '-'}")
    for change in d.worse:
        journey, step, pixel, name = change.key
        lines.append(
            f"! worse: {name} in {journey} step {step} ({pixel}): {change.old} → {change.new}"
        )
    for change in d.better:
        journey, step, pixel, name = change.key
        lines.append(f"  better: {name} in {journey} step {step}: {change.old} → {change.new}")
    lines.append("REGRESSED" if d.regressed else "no regression")
    return "\n".join(lines) + "\n"


def render_json(d: ResultDiff) -> str:
    doc = {
        "schema": "pixelproof.diff/1",
        "regressed": d.regressed,
        "new": [f.fingerprint for f in d.new],
        "fixed": [f.fingerprint for f in d.fixed],
        "unchanged": [f.fingerprint for f in d.unchanged],
        "stopped": [
            {"journey": j, "name": n, "source": s, "pixel_id": p} for j, n, s, p in d.stopped
        ],
        "worse": [{"key": list(c.key), "old": c.old, "new": c.new} for c in d.worse],
        "better": [{"key": list(c.key), "old": c.old, "new": c.new} for c in d.better],
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def _render(target: Target, d: ResultDiff) -> str:
    if target.format.value == "terminal":
        return render_text(d)
    if target.format.value == "json":
        return render_json(d)
    raise UsageError(f"diff renders terminal or json, not {target.format.value}")


def run(*, old: Path, new: Path, report: Sequence[str] | None) -> int:
    targets = parse_targets(report)
    d = diff_results(_load(old), _load(new))
    rendered = [(t, _render(t, d)) for t in targets]
    for target, text in rendered:
        if target.path is None:
            print(text, end="")
        else:
            write_atomic(target.path, text)
    return 1 if d.regressed else 0
