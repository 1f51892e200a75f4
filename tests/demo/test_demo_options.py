"""`pixelproof demo`'s own parts that need no browser: the run folder, the map copy, reports."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pixelproof.commands.demo import (
    BROWSER_ARGS_ENV,
    OFFLINE_ARGS,
    free_port,
    offline_browser,
    run_folder,
    with_terminal,
    write_map,
)
from pixelproof.config.load import load_map
from pixelproof.errors import UsageError


def test_the_run_map_is_the_packaged_map_with_the_sink_port(tmp_path: Path) -> None:
    port = free_port()
    path = write_map(tmp_path, port)
    loaded = load_map(path)
    capi = loaded.environment.capi
    assert capi is not None
    assert capi.sink is not None
    assert capi.sink.listen == f"127.0.0.1:{port}"
    assert loaded.notes == ()


def test_a_folder_that_holds_a_run_is_refused(tmp_path: Path) -> None:
    fresh = run_folder(tmp_path / "new")
    assert fresh.stat().st_mode & 0o777 == 0o700
    (fresh / "evidence.jsonl").write_text("")
    with pytest.raises(UsageError, match="already holds a run"):
        run_folder(fresh)


def test_the_terminal_report_stays_on_stdout() -> None:
    assert with_terminal(None) is None
    assert with_terminal(["json=r.json"]) == ["json=r.json", "terminal"]
    assert with_terminal(["markdown", "json=r.json"]) == ["markdown", "json=r.json"]


def test_the_browser_resolves_nothing_but_loopback_during_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(BROWSER_ARGS_ENV, "--lang=de")
    with offline_browser():
        assert os.environ[BROWSER_ARGS_ENV] == f"--lang=de {OFFLINE_ARGS}"
    assert os.environ[BROWSER_ARGS_ENV] == "--lang=de"
    monkeypatch.delenv(BROWSER_ARGS_ENV)
    with offline_browser():
        assert os.environ[BROWSER_ARGS_ENV] == OFFLINE_ARGS
    assert BROWSER_ARGS_ENV not in os.environ
