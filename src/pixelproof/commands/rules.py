"""`pixelproof rules`: list every rule."""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table

from pixelproof.checks import REGISTRY


def run(*, as_json: bool) -> int:
    if as_json:
        rows = [
            {
                "code": c.code,
                "name": c.name,
                "severities": [s.value for s in c.emits],
                "needs": sorted(c.needs),
                "summary": c.summary,
            }
            for c in REGISTRY
        ]
        print(json.dumps(rows, indent=2, sort_keys=True))
        return 0
    table = Table("code", "name", "severity", "needs", "what it finds", box=None)
    for c in REGISTRY:
        table.add_row(
            c.code,
            c.name,
            "/".join(s.value for s in c.emits),
            ", ".join(sorted(c.needs)),
            c.summary,
        )
    Console(soft_wrap=False).print(table)
    return 0
