"""`--report FORMAT[=PATH]` parsing and atomic report writing (DESIGN §3)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pixelproof.errors import UsageError
from pixelproof.report import Format, RenderOptions, renderer
from pixelproof.result import AuditResult


@dataclass(frozen=True, slots=True)
class Target:
    format: Format
    path: Path | None  # None: stdout


def parse_targets(specs: Sequence[str] | None, default: Format = Format.TERMINAL) -> list[Target]:
    """Parse every `--report`; at most one may go to stdout."""
    if not specs:
        return [Target(default, None)]
    targets = [_parse(spec) for spec in specs]
    on_stdout = [t.format.value for t in targets if t.path is None]
    if len(on_stdout) > 1:
        raise UsageError(
            f"two reports on stdout ({', '.join(on_stdout)})",
            hint="give every report but one a path: --report json=result.json",
        )
    return targets


def _parse(spec: str) -> Target:
    name, sep, path = spec.partition("=")
    try:
        fmt = Format(name.strip().lower())
    except ValueError:
        known = " ".join(f.value for f in Format)
        raise UsageError(f"unknown report format '{name}'", hint=f"formats: {known}") from None
    if sep and not path:
        raise UsageError(f"--report {spec}: empty path", hint=f"--report {name}=FILE")
    return Target(fmt, Path(path) if sep else None)


def write_atomic(path: Path, data: str | bytes, mode: int = 0o644) -> None:
    """Temp file in the same folder + rename, so a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode() if isinstance(data, str) else data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def emit(result: AuditResult, targets: Sequence[Target], options: RenderOptions) -> None:
    """Render every target first, then write them all: nothing is written if one fails."""
    rendered = [(t, renderer(t.format)(result, options)) for t in targets]
    for target, text in rendered:
        if target.path is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_atomic(target.path, text)
