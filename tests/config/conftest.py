"""Helpers for event map tests: write a map, load it, render its problems like `validate`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pixelproof.commands.validate import render_problem
from pixelproof.config.load import LoadedMap, load_map
from pixelproof.errors import MapError

Render = Callable[[str], list[str]]
Load = Callable[..., LoadedMap]


@pytest.fixture
def map_file(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        path = tmp_path / "map.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def problems_of(map_file: Callable[[str], Path]) -> Render:
    """Every line `validate` would print for `text`, the file shown as `map.yaml`."""

    def render(text: str) -> list[str]:
        path = map_file(text)
        try:
            found = load_map(path, environ={}).notes
        except MapError as exc:
            found = exc.problems
        return [render_problem(p).replace(str(path), "map.yaml") for p in found]

    return render


@pytest.fixture
def load_text(map_file: Callable[[str], Path]) -> Load:
    def load(text: str, **options: object) -> LoadedMap:
        environ = options.pop("environ", {})
        env = options.pop("env", None)
        assert not options
        return load_map(map_file(text), env=env, environ=environ)  # type: ignore[arg-type]

    return load
