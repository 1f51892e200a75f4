"""`pixelproof init`: write a commented starter map (stdout or --output)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from pixelproof.config.starter import STARTER
from pixelproof.errors import NotBuiltError, UsageError


def run(
    *, from_url: str | None = None, click: list[str] | None = None, output: Path | None = None
) -> int:
    if from_url is not None or click:
        raise NotBuiltError(
            "'pixelproof init --from-url' records what a live site fires and needs the browser "
            "source, which this version does not have yet",
            hint="run `pixelproof init -o map.yaml` for a commented starter map and edit it",
        )
    if output is None:
        sys.stdout.write(STARTER)
        return 0
    if output.exists():
        raise UsageError(f"{output} exists", hint="choose another --output or remove it first")
    _write_atomically(output, STARTER)
    sys.stderr.write(f"wrote {output}; check it with: pixelproof validate {output}\n")
    return 0


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
