"""One line per thing a run needs: ok, missing (what to do), warning, or skipped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pixelproof.errors import ExitCode


class Status(StrEnum):
    OK = "ok"
    MISSING = "missing"
    WARNING = "warning"
    SKIPPED = "skipped"


STYLES = {
    Status.OK: "green",
    Status.MISSING: "bold red",
    Status.WARNING: "yellow",
    Status.SKIPPED: "dim",
}


@dataclass(frozen=True, slots=True)
class Line:
    """`check` is what was looked at; `todo` says what to do when it is not ok."""

    check: str
    status: Status
    detail: str
    todo: str | None = None


def exit_code(lines: Iterable[Line]) -> int:
    """0 when nothing is missing (warnings and skips included), 3 otherwise."""
    missing = any(line.status is Status.MISSING for line in lines)
    return int(ExitCode.INCOMPLETE if missing else ExitCode.OK)


def render(lines: Sequence[Line], console: Console) -> None:
    """The checklist as a table; cells are plain text (a path or URL is never markup)."""
    table = Table("check", "status", "details", box=None, pad_edge=False)
    for line in lines:
        detail = Text(line.detail)
        if line.todo:
            detail.append(f"\n→ {line.todo}", style="italic")
        table.add_row(Text(line.check), Text(line.status.value, style=STYLES[line.status]), detail)
    console.print(table)


def summary(lines: Sequence[Line]) -> str:
    """`doctor: 6 ok, 1 missing, 1 skipped`."""
    counts = {status: sum(1 for line in lines if line.status is status) for status in Status}
    parts = [f"{n} {status.value}" for status, n in counts.items() if n]
    return "doctor: " + ", ".join(parts)
