"""`pixelproof validate MAP`: every problem with file:line:col; exit 0 (valid) or 2."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from pixelproof.config.load import load_map
from pixelproof.errors import ExitCode, MapError, Problem


def render_problem(problem: Problem) -> str:
    """`file:line:col: path: message; hint`, warnings and notes marked after the path."""
    return str(problem)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _counts(problems: Iterable[Problem]) -> str:
    tally = {"error": 0, "warning": 0, "note": 0}
    for problem in problems:
        tally[problem.severity] = tally.get(problem.severity, 0) + 1
    parts = [_plural(n, kind) for kind, n in tally.items() if n]
    return ", ".join(parts) or "no problems"


def _shown(problems: Iterable[Problem], quiet: int) -> list[Problem]:
    hidden = {0: set(), 1: {"note"}}.get(quiet, {"note", "warning"})
    return [p for p in problems if p.severity not in hidden]


def run(*, map_path: Path, env: str | None = None, quiet: int = 0) -> int:
    try:
        loaded = load_map(map_path, env=env)
    except MapError as exc:
        for problem in _shown(exc.problems, quiet):
            sys.stderr.write(render_problem(problem) + "\n")
        sys.stderr.write(f"{map_path}: invalid event map: {_counts(exc.problems)}\n")
        return int(ExitCode.USAGE)
    for problem in _shown(loaded.notes, quiet):
        sys.stderr.write(render_problem(problem) + "\n")
    if quiet < 2:
        m = loaded.map
        where = loaded.environment_name or f"no environment declared ({loaded.environment.kind})"
        sys.stderr.write(
            f"{map_path}: valid: {_plural(len(m.events), 'event')}, "
            f"{_plural(len(m.journeys), 'journey')}, environment {where}; "
            f"{_counts(loaded.notes)}\n"
        )
    return int(ExitCode.OK)
