"""Collects located problems (errors, warnings, notes) while a map is checked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pixelproof.config.paths import PathKey, render_path
from pixelproof.config.steps import step_tag
from pixelproof.config.yamlnodes import SourceMap
from pixelproof.errors import Location, Problem

_ORDER = {"error": 0, "warning": 1, "note": 2}


def _has(node: object, part: int | str) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _tag_then_field(loc: Sequence[int | str], i: int, node: dict[Any, Any]) -> bool:
    following = loc[i + 1] if i + 1 < len(loc) else None
    return following is not None and following != loc[i] and following in node


def resolve(data: object, loc: Sequence[int | str]) -> PathKey:
    """The deepest path of `loc` that exists in `data` as written; unknown parts are skipped.

    Model paths follow the expanded form (union tags, `expect: [A, B]` as a mapping); this
    walks them against the user's own structure, finding list items by value or by key.
    """
    node: object = data
    path: list[int | str] = []
    for i, part in enumerate(loc):
        if part == "[key]":
            break
        if isinstance(node, dict) and step_tag(node) == part and _tag_then_field(loc, i, node):
            continue  # a union tag, not the action's own value
        if _has(node, part):
            assert isinstance(node, dict | list)
            node, path = node[part], [*path, part]  # type: ignore[index]
        elif isinstance(node, list) and isinstance(part, str):
            for i, item in enumerate(node):
                if item == part:
                    node, path = item, [*path, i]
                    break
                if isinstance(item, dict) and part in item:
                    node, path = item[part], [*path, i, part]
                    break
    return tuple(path)


@dataclass
class Problems:
    """Problems found so far, each located through the source map."""

    source: SourceMap
    data: object = None
    found: list[Problem] = field(default_factory=list)

    def locate(self, path: PathKey, *, at_key: bool = False) -> Location | None:
        """The position of `path` or, when it is not in the file, of its nearest ancestor."""
        raw = resolve(self.data, path) if self.data is not None else path
        exact = raw == path
        for end in range(len(raw), -1, -1):
            spot = self.source.spot(raw[:end])
            if spot is not None:
                use_key = at_key and exact and end == len(raw) and spot.key is not None
                return spot.key if use_key else spot.value
        return None

    def add(
        self,
        path: PathKey,
        message: str,
        hint: str | None = None,
        *,
        severity: str = "error",
        at_key: bool = False,
        where: PathKey | None = None,
    ) -> None:
        """Record a problem about `path`, located at `where` (default: `path` itself)."""
        located = self.locate(path if where is None else where, at_key=at_key)
        self.found.append(Problem(located, render_path(path), message, hint, severity))

    def warn(self, path: PathKey, message: str, hint: str | None = None) -> None:
        self.add(path, message, hint, severity="warning")

    def note(self, path: PathKey, message: str, hint: str | None = None) -> None:
        self.add(path, message, hint, severity="note")

    def extend(self, problems: list[Problem]) -> None:
        self.found.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.found if p.severity == "error"]

    def sorted(self) -> tuple[Problem, ...]:
        """File order (line, column), then severity; exact repeats dropped."""
        unique = list(dict.fromkeys(self.found))

        def order(p: Problem) -> tuple[int, int, int, str]:
            line = p.location.line if p.location else 0
            column = p.location.column if p.location else 0
            return (line, column, _ORDER.get(p.severity, 3), p.message)

        return tuple(sorted(unique, key=order))
