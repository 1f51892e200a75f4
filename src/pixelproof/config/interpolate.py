"""`${VAR}` / `${VAR:-default}` in string values; an empty value means *unset* (DESIGN §4).

A value that is one whole reference becomes `None` (unset) when the variable is unset or
empty and there is no non-empty default, so optional secrets simply switch a feature off.
A reference embedded in a longer string must resolve (or have a default, `${X:-}` being the
empty one), or it is an error. `$$` is a literal `$`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from pixelproof.config.paths import PathKey, render_path
from pixelproof.config.yamlnodes import SourceMap
from pixelproof.errors import Problem

_REF = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{[^}]*\}?")


@dataclass
class Interpolated:
    """The data with variables resolved, and what the resolution learnt."""

    data: object
    templated: set[PathKey] = field(default_factory=set)  # values that came from a variable
    unset: dict[PathKey, str] = field(default_factory=dict)  # whole-value refs left unset
    problems: list[Problem] = field(default_factory=list)


class _Resolver:
    def __init__(self, environ: Mapping[str, str], source: SourceMap) -> None:
        self.environ = environ
        self.source = source
        self.result = Interpolated(None)

    def walk(self, value: object, path: PathKey) -> object:
        if isinstance(value, dict):
            return {k: self.walk(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v, (*path, i)) for i, v in enumerate(value)]
        if isinstance(value, str) and "$" in value:
            return self._string(value, path)
        return value

    def _lookup(self, name: str, default: str | None) -> str | None:
        got = self.environ.get(name) or None  # an empty variable is unset
        return got if got is not None else (default or None)

    def _string(self, text: str, path: PathKey) -> str | None:
        whole = _REF.fullmatch(text)
        if whole and whole.group(1):
            self.result.templated.add(path)
            got = self._lookup(whole.group(1), whole.group(2))
            if got is None:
                self.result.unset[path] = whole.group(1)
            return got
        parts: list[str] = []
        last = 0
        for match in _REF.finditer(text):
            parts.append(text[last : match.start()])
            parts.append(self._piece(match, path))
            last = match.end()
        parts.append(text[last:])
        return "".join(parts)

    def _piece(self, match: re.Match[str], path: PathKey) -> str:
        token = match.group(0)
        if token == "$$":
            return "$"
        name = match.group(1)
        if name is None:
            hint = "write ${NAME} or ${NAME:-default} (letters, digits, _); $$ is a literal $"
            start = re.match(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", token)
            if "}" not in token and start:
                hint = f"close it with }}: ${{{start.group(1)}}}"
            self._problem(path, f"malformed variable reference '{token}'", hint)
            return token
        self.result.templated.add(path)
        got = self._lookup(name, match.group(2))
        if got is None and match.group(2) is not None:
            return ""  # an explicit empty default inside a longer value
        if got is None:
            self._problem(
                path,
                f"variable {name} is not set (it is part of a longer value)",
                f"export {name}=… or give a default: ${{{name}:-value}}",
            )
            return ""
        return got

    def _problem(self, path: PathKey, message: str, hint: str) -> None:
        spot = self.source.spot(path)
        where = spot.value if spot else None
        self.result.problems.append(Problem(where, render_path(path), message, hint))


def interpolate(data: object, environ: Mapping[str, str], source: SourceMap) -> Interpolated:
    """Resolve every reference in string values (keys are never interpolated)."""
    resolver = _Resolver(environ, source)
    resolver.result.data = resolver.walk(data, ())
    return resolver.result
