"""Fixtures for the sink tests: a started sink on port 0 writing under tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pixelproof.evidence.sources.sink import SinkHandle


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the SDK's async client is aiohttp


@pytest.fixture
def said() -> list[str]:
    """Every console line the sink printed (its redacted request log)."""
    return []


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "run"


@pytest.fixture
def sink(out_dir: Path, said: list[str]) -> Iterator[SinkHandle]:
    handle = SinkHandle(out_dir=out_dir, say=said.append)
    handle.start()
    try:
        yield handle
    finally:
        handle.stop()
