"""`pixelproof report RESULT.json --report FMT=PATH`: re-render a saved result."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from pixelproof.errors import InputError
from pixelproof.report import RenderOptions
from pixelproof.report.targets import emit, parse_targets
from pixelproof.result_json import loads


def color_wanted(choice: object, stream: object = None) -> bool:
    value = getattr(choice, "value", choice)
    if value == "always":
        return True
    if value == "never":
        return False
    target = stream or sys.stdout
    return bool(getattr(target, "isatty", lambda: False)())


def run(*, result: Path, formats: Sequence[str] | None, color: object) -> int:
    targets = parse_targets(formats)
    try:
        data = result.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{result}: file not found") from None
    audit = loads(data, path=str(result))
    emit(audit, targets, RenderOptions(color=color_wanted(color)))
    return 0
