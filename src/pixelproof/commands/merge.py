"""`pixelproof merge A.json B.json … --output all.json`."""

from __future__ import annotations

import sys
from pathlib import Path

from pixelproof.errors import InputError
from pixelproof.merging import merge_results
from pixelproof.report.targets import write_atomic
from pixelproof.report.terminal import verdict
from pixelproof.result_json import dumps, loads


def run(*, results: list[Path], output: Path) -> int:
    loaded = []
    for path in results:
        try:
            loaded.append(loads(path.read_bytes(), path=str(path)))
        except FileNotFoundError:
            raise InputError(f"{path}: file not found") from None
    merged = merge_results(loaded)
    write_atomic(output, dumps(merged))
    sys.stderr.write(f"merged {len(loaded)} result(s) → {output}: {verdict(merged)}\n")
    return int(merged.exit_code)
