"""Arbitrary YAML never escapes the loader as anything but MapError (or a valid map)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pixelproof.config.load import load_map
from pixelproof.errors import MapError

KEYS = st.sampled_from(
    ["version", "events", "journeys", "steps", "sources", "expect", "click", "goto", "name",
     "consent", "environments", "pixels", "capi", "sink", "params", "count", "within", "id",
     "graph", "checks", "ignore", "code", "no", "on", "${X}", "PageView", "staging", "kind"]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**16),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["browser", "server", "1s", "${X}", "${X:-}", "$$", "${", "no", "EV001"]),
)
TREES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=25,
)
TEXT = st.text(alphabet=st.sampled_from(list("ab:{}[]-,\"' \n\t#&*!|>$%@`~?01yesno")), max_size=80)

# The map is written once per example; tmp_path is per test, so suppress that health check.
_SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def _load(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    problems: tuple[object, ...] = ()
    try:
        load_map(path, environ={"X": "x"})
    except MapError as exc:
        problems = exc.problems
    assert all(str(p) for p in problems)


@_SETTINGS
@given(tree=st.dictionaries(KEYS, TREES, max_size=6))
def test_arbitrary_structures(tree: dict[str, Any], tmp_path: Path) -> None:
    _load(tmp_path / "map.yaml", yaml.safe_dump(tree, allow_unicode=True))


@_SETTINGS
@given(tree=TREES)
def test_arbitrary_structures_around_a_valid_core(tree: Any, tmp_path: Path) -> None:
    core = {"version": 1, "events": {"A": {"sources": ["browser"]}}, "journeys": [tree]}
    _load(tmp_path / "map.yaml", yaml.safe_dump(core, allow_unicode=True))


@_SETTINGS
@given(text=TEXT)
def test_arbitrary_text(text: str, tmp_path: Path) -> None:
    _load(tmp_path / "map.yaml", text)
