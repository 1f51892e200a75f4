"""The one exception tree and the exit codes (DESIGN §3).

Findings are values; exceptions mean "could not run". Only `cli.py` turns these into exit
codes; library errors are wrapped at the boundary (`raise SinkError(...) from exc`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes; a run's result records its own."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    INCOMPLETE = 3
    BUG = 4
    INTERRUPTED = 130


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a user's file, 1-based line and column."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class PixelproofError(Exception):
    """Base of every error pixelproof raises on purpose; carries its exit code."""

    exit_code: ExitCode = ExitCode.BUG

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        """The user-facing text: what went wrong, then what to do."""
        return f"{self.message}\nhint: {self.hint}" if self.hint else self.message


class UsageError(PixelproofError):
    """Bad flags or flag combinations (two reports on stdout, unknown format, ...)."""

    exit_code = ExitCode.USAGE


class NotBuiltError(UsageError):
    """A command that exists in the contract but is not implemented yet."""


class InputError(PixelproofError):
    """An input file is missing or not JSON/YAML at all (partly malformed is evidence)."""

    exit_code = ExitCode.USAGE


class UnknownCodeError(UsageError):
    """`explain` was given a rule code that does not exist."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem in a user's file (event map, baseline, ...)."""

    location: Location | None
    path: str
    message: str
    hint: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        """`file:line:col: path: message; hint`; warnings and notes marked after the path."""
        where = f"{self.location}: " if self.location else ""
        dotted = f"{self.path}: " if self.path else ""
        mark = "" if self.severity == "error" else f"{self.severity}: "
        tail = f"; {self.hint}" if self.hint else ""
        return f"{where}{dotted}{mark}{self.message}{tail}"


class MapError(PixelproofError):
    """The event map is invalid; carries every problem found, not just the first."""

    exit_code = ExitCode.USAGE

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"invalid event map: {len(errors)} problem(s)")
        self.problems = problems

    def render(self) -> str:
        return "\n".join(str(p) for p in self.problems) + f"\n{self.message}"


class IncompleteRunError(PixelproofError):
    """Something the run needs is unavailable: no browser, port taken, site down."""

    exit_code = ExitCode.INCOMPLETE


class SourceError(IncompleteRunError):
    """A source (browser, har, sink, relay, capi_log, graph) could not gather."""


class BrowserError(SourceError):
    """The browser could not be found, launched or driven."""


class SinkError(SourceError):
    """The CAPI sink could not bind or serve."""


class GraphError(SourceError):
    """A Graph API read failed after retries. Never carries the token or query string.

    `path` is the request path without its query; `code`/`subcode` are Graph's error codes,
    `body` the (scrubbed) error envelope, `denied` says the token may not read this edge.
    """

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        path: str = "",
        status: int | None = None,
        code: int | None = None,
        subcode: int | None = None,
        body: Mapping[str, object] | None = None,
        denied: bool = False,
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = path
        self.status = status
        self.code = code
        self.subcode = subcode
        self.body = body
        self.denied = denied


class RunInterruptedError(PixelproofError):
    """SIGINT/SIGTERM: evidence kept, partial result written."""

    exit_code = ExitCode.INTERRUPTED
