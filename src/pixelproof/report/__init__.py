"""Renderers: one module per format, each `render(result, options) -> str`; they read only the
result (STYLE habit 1). `FORMATS` is the explicit registry; a test proves every format renders.
"""

from __future__ import annotations

import importlib
import shutil
import sys
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from pixelproof.result import AuditResult


class Format(StrEnum):
    TERMINAL = "terminal"
    JSON = "json"
    JUNIT = "junit"
    MARKDOWN = "markdown"
    HTML = "html"
    SARIF = "sarif"


@dataclass(frozen=True, slots=True)
class RenderOptions:
    color: bool = False
    width: int = 100
    verbose: int = 0


def render_options(color: object, verbose: int = 0, stream: object = None) -> RenderOptions:
    """Options for this process's output: `--color auto|always|never` and the terminal's
    width (`COLUMNS`, else the terminal, else 100 when output is not a terminal)."""
    value = getattr(color, "value", color)
    target = stream or sys.stdout
    tty = bool(getattr(target, "isatty", lambda: False)())
    wanted = value == "always" or (value != "never" and tty)
    width = max(60, shutil.get_terminal_size((100, 24)).columns)
    return RenderOptions(color=wanted, width=width, verbose=verbose)


class Renderer(Protocol):
    def __call__(self, result: AuditResult, options: RenderOptions) -> str: ...


_MODULES: dict[Format, str] = {
    Format.TERMINAL: "terminal",
    Format.JSON: "json_report",
    Format.JUNIT: "junit",
    Format.MARKDOWN: "markdown",
    Format.HTML: "html",
    Format.SARIF: "sarif",
}


def renderer(fmt: Format) -> Renderer:
    """The `render` function of a format's module (imported on first use)."""
    module = importlib.import_module(f"pixelproof.report.{_MODULES[fmt]}")
    render: Renderer = module.render
    return render
