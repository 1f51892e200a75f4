"""`pixelproof graph pixel|stats|quality|checks|fires MAP [--env NAME] [--json]` (DESIGN §3, §7).

Reads the Graph API for the environment's pixels and prints a table (or, with `--json`, every
read as recorded), labelled Meta-side, aggregate and delayed. Exit 0 when the reads answered;
2 for an invalid map; 3 when the token is unset or a read failed (Meta's message on stderr).
`fires` reads the UNCONFIRMED per-fire edges: answers saying "not allowed" are listed, and the
command exits 3 only when no read answered.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import orjson
from rich.console import Console

from pixelproof.commands.graph_view import as_data, render
from pixelproof.config.load import load_map
from pixelproof.errors import ExitCode
from pixelproof.evidence.sources.graph_reads import (
    TOKEN_HINT,
    GraphReader,
    ReadOutcome,
    client_for,
    event_names,
    map_pixels,
    plan,
    skip_reason,
)


def _failed(what: str, outcome: ReadOutcome) -> bool:
    if outcome.error is not None:
        return True
    return what == "fires" and all(r.error is not None for r in outcome.records)


def run(*, what: str, map_path: Path, env: str | None = None, as_json: bool = False) -> int:
    loaded = load_map(map_path, env=env)  # MapError → exit 2 at the CLI boundary
    reason = skip_reason(loaded)
    if reason is not None:
        hint = TOKEN_HINT if "access_token" in reason else "declare the pixel in the map"
        sys.stderr.write(f"pixelproof graph: {reason}\nhint: {hint}\n")
        return int(ExitCode.INCOMPLETE)
    with client_for(loaded) as client:
        specs = plan((what,), map_pixels(loaded), event_names(loaded))
        outcome = GraphReader(client, time.time).run(specs)
        version = client.version
    if as_json:
        options = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
        sys.stdout.write(orjson.dumps(as_data(outcome.records, version), option=options).decode())
        sys.stdout.write("\n")
    else:
        render(what, outcome.records, Console(highlight=False, soft_wrap=False))
    for note in outcome.denied:
        sys.stderr.write(f"pixelproof graph: not allowed: {note}\n")
    if _failed(what, outcome):
        why = outcome.error or "no per-fire reader answered"
        sys.stderr.write(f"pixelproof graph: {why}\n")
        return int(ExitCode.INCOMPLETE)
    sys.stderr.write(f"pixelproof graph {what}: {len(outcome.records)} read(s), {version}\n")
    return int(ExitCode.OK)
