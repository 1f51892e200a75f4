"""YAML → plain values plus the position of every value (`yaml.compose()`, never `safe_load`).

Walking composed nodes ourselves is what lets every problem carry file:line:col, lets
duplicate keys name both places (`safe_load` silently keeps the last one) and lets YAML 1.1
booleans (`no`, `on`) be caught where a name is expected. Non-string scalars keep their
source text (`YamlInt("007").text`), so a field that wants text gets what the user typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml
from yaml.constructor import SafeConstructor

from pixelproof.config.paths import PathKey, render_path
from pixelproof.config.yamlsyntax import MASK, mask_template, reader_location, syntax_problem
from pixelproof.errors import Location, Problem

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_T = "tag:yaml.org,2002:"
_MAX_DEPTH = 64
_MAX_NODES = 200_000


class YamlInt(int):
    """An int read from YAML; `.text` is what the user typed."""

    text: str


class YamlFloat(float):
    """A float read from YAML; `.text` is what the user typed."""

    text: str


class YamlDate(dt.date):
    """A date read from YAML; `.text` is what the user typed."""

    text: str


@dataclass(frozen=True, slots=True)
class Spot:
    """Where one value sits: the value itself and, for mapping entries, its key."""

    value: Location
    key: Location | None = None
    text: str | None = None  # a scalar's source text
    plain: bool = False  # an unquoted scalar


@dataclass
class SourceMap:
    """Every value's position, by path; paths use the user's own structure."""

    file: str
    spots: dict[PathKey, Spot] = field(default_factory=dict)

    def spot(self, path: PathKey) -> Spot | None:
        return self.spots.get(path)


@dataclass
class Composed:
    """The plain data, its positions, and the problems found while reading YAML."""

    data: object
    source: SourceMap
    problems: list[Problem]


def _loc(file: str, mark: yaml.Mark) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


_SCALARS: dict[str, Callable[[SafeConstructor, yaml.ScalarNode], object]] = {
    _T + "int": SafeConstructor.construct_yaml_int,
    _T + "float": SafeConstructor.construct_yaml_float,
    _T + "bool": SafeConstructor.construct_yaml_bool,
    _T + "timestamp": SafeConstructor.construct_yaml_timestamp,
}


def _wrap(value: object, text: str) -> object:
    wrapped: YamlInt | YamlFloat | YamlDate
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        wrapped = YamlInt(value)
    elif isinstance(value, float):
        wrapped = YamlFloat(value)
    elif isinstance(value, dt.datetime):
        return text  # a full timestamp is never wanted in a map; keep what was written
    elif isinstance(value, dt.date):
        wrapped = YamlDate(value.year, value.month, value.day)
    else:
        return value
    wrapped.text = text
    return wrapped


class _Builder:
    def __init__(self, file: str) -> None:
        self.source = SourceMap(file)
        self.problems: list[Problem] = []
        self._constructor = SafeConstructor()
        self._active: set[int] = set()
        self._count = 0
        self.masks: dict[str, str] = {}  # masked flow templates → their text

    def error(self, where: Location, path: PathKey, message: str, hint: str | None) -> None:
        self.problems.append(Problem(where, render_path(path), message, hint))

    def build(self, node: yaml.Node, path: PathKey, key: Location | None) -> object:
        self._count += 1
        where = _loc(self.source.file, node.start_mark)
        if len(path) > _MAX_DEPTH or self._count > _MAX_NODES:
            if self._count == _MAX_NODES + 1 or len(path) == _MAX_DEPTH + 1:
                self.error(where, path, "the map nests too deep or repeats aliases too often", None)
            return None
        if id(node) in self._active:
            self.error(where, path, "an alias refers to itself", "remove the recursive alias")
            return None
        self._check_tag(node, where, path)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, where, path, key)
        self.source.spots[path] = Spot(where, key)
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, i), None) for i, item in enumerate(node.value)]
            assert isinstance(node, yaml.MappingNode)
            return self._mapping(node, path)
        finally:
            self._active.discard(id(node))

    def _check_tag(self, node: yaml.Node, where: Location, path: PathKey) -> None:
        tag = node.tag or ""
        allowed = {"str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge"}
        if tag.startswith(_T) and tag[len(_T) :] in allowed:
            return
        self.error(where, path, f"unsupported YAML tag '{tag}'", "remove the tag; maps are plain")

    def _scalar(
        self, node: yaml.ScalarNode, where: Location, path: PathKey, key: Location | None
    ) -> object:
        plain = not node.style  # None (pure loader) or "" (C loader)
        if MASK in node.value:
            return self._unmask(node.value, where, path, key)
        self.source.spots[path] = Spot(where, key, node.value, plain)
        build = _SCALARS.get(node.tag)
        if node.tag == _T + "null":
            return None
        if build is None:
            return node.value
        try:
            return _wrap(build(self._constructor, node), node.value)
        except (ValueError, TypeError, OverflowError):
            return node.value  # e.g. 2027-13-01: let the field say what it wants

    def _unmask(self, text: str, where: Location, path: PathKey, key: Location | None) -> str:
        for mask, template in self.masks.items():
            text = text.replace(mask, template)
        self.source.spots[path] = Spot(where, key, text, False)
        return text

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, object]:
        out: dict[str, object] = {}
        first: dict[str, Location] = {}
        for key_node, value_node in self._pairs(node):
            key_loc = _loc(self.source.file, key_node.start_mark)
            name = self._key(key_node, key_loc, path)
            if name is None:
                continue
            if name in first:
                self._duplicate(name, key_loc, first[name], path)
                continue
            first[name] = key_loc
            out[name] = self.build(value_node, (*path, name), key_loc)
        return out

    def _pairs(self, node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
        """The node's pairs with `<<: *anchor` merges applied (explicit keys win)."""
        own = [(k, v) for k, v in node.value if k.tag != _T + "merge"]
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for k, v in node.value:
            if k.tag != _T + "merge":
                continue
            sources = v.value if isinstance(v, yaml.SequenceNode) else [v]
            for src in sources:
                if isinstance(src, yaml.MappingNode) and id(src) not in self._active:
                    merged += self._pairs(src)
        names = {k.value for k, _ in own if isinstance(k, yaml.ScalarNode)}
        seen: set[str] = set()
        extra = []
        for k, v in merged:
            text = k.value if isinstance(k, yaml.ScalarNode) else None
            if text is not None and text not in names and text not in seen:
                seen.add(text)
                extra.append((k, v))
        return own + extra

    def _key(self, node: yaml.Node, where: Location, path: PathKey) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.error(where, path, "a key must be a plain name, not a list or mapping", None)
            return None
        if node.tag == _T + "bool" and node.value.lower() not in ("true", "false"):
            self.error(
                where,
                (*path, node.value),
                f"the key '{node.value}' is read as a boolean by YAML 1.1",
                f'quote it: "{node.value}"',
            )
        return str(node.value)

    def _duplicate(self, name: str, where: Location, first: Location, path: PathKey) -> None:
        self.error(
            where,
            (*path, name),
            f"duplicate key '{name}' (first at line {first.line}, column {first.column})",
            "keep one of the two; YAML would silently keep only the last",
        )


def compose_source(text: str, file: str) -> Composed:
    """Compose `text` and convert it; syntax errors become located problems.

    An unquoted `${X}` in a flow collection is reported, quoted in a private copy of the
    text, and reading goes on, so one run reports every such template and everything else.
    """
    builder = _Builder(file)
    found: list[Problem] = []
    for _ in range(50):
        try:
            node = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as exc:
            found.append(syntax_problem(exc, text, file))
            repaired = mask_template(text, exc, builder.masks)
            if repaired is None:
                return Composed(None, builder.source, found)
            text = repaired
            continue
        except yaml.YAMLError as exc:
            where = reader_location(exc, text, file)
            found.append(Problem(where, "", f"not YAML: {exc}", None))
            return Composed(None, builder.source, found)
        if node is None:
            return Composed(None, builder.source, found)
        data = builder.build(node, (), None)
        return Composed(data, builder.source, found + builder.problems)
    return Composed(None, builder.source, found)


def location_key(path: PathKey, source: SourceMap, *, at_key: bool) -> Location | None:
    """The position of `path` (or of its key), None when the path is not in the file."""
    spot = source.spot(path)
    if spot is None:
        return None
    return spot.key if at_key and spot.key else spot.value


__all__ = ["Composed", "SourceMap", "Spot", "compose_source", "location_key"]
