"""`pixelproof report RESULT.json --report FMT=PATH`: re-render a saved result."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pixelproof.errors import InputError
from pixelproof.report import render_options
from pixelproof.report.targets import emit, parse_targets
from pixelproof.result_json import loads


def run(*, result: Path, formats: Sequence[str] | None, color: object) -> int:
    targets = parse_targets(formats)
    try:
        data = result.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{result}: file not found") from None
    audit = loads(data, path=str(result))
    emit(audit, targets, render_options(color))
    return 0
