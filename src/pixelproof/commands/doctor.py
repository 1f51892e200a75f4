"""`pixelproof doctor [MAP] [--sink-url URL]`: is everything a run needs there?

Prints a checklist (stdout) and a one-line summary (stderr). Exit 0 when nothing is missing,
3 otherwise; an invalid MAP prints its problems and exits 2, like `validate`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rich.console import Console

from pixelproof.config.load import LoadedMap, load_map
from pixelproof.doctor.browser import probe_browser
from pixelproof.doctor.checklist import Line, exit_code, render, summary
from pixelproof.doctor.probes import map_lines, probe_sink_url, versions
from pixelproof.errors import ExitCode, MapError

SINK_TOKEN_ENV = "PIXELPROOF_SINK_TOKEN"


def run(
    *, map_path: Path | None = None, sink_url: str | None = None, browser: Path | None = None
) -> int:
    loaded: LoadedMap | None = None
    if map_path is not None:
        try:
            loaded = load_map(map_path)
        except MapError as exc:
            for problem in exc.problems:
                sys.stderr.write(f"{problem}\n")
            sys.stderr.write(f"{map_path}: invalid event map (see `pixelproof validate`)\n")
            return int(ExitCode.USAGE)
    lines: list[Line] = [*versions(), probe_browser(browser)]
    if loaded is not None:
        lines += map_lines(loaded)
    if sink_url is not None:
        lines.append(probe_sink_url(sink_url, os.environ.get(SINK_TOKEN_ENV) or None))
    render(lines, Console(highlight=False, soft_wrap=False))
    sys.stderr.write(summary(lines) + "\n")
    return exit_code(lines)
