"""`validate`, `schema` and `init` as commands: output, exit codes, files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pixelproof.commands import init, schema, validate
from pixelproof.config.load import load_map
from pixelproof.config.schema import render_schema
from pixelproof.config.starter import STARTER
from pixelproof.errors import UsageError

GOOD = (
    "version: 1\nenvironment: staging\npixel: {id: 111111111111111}\n"
    "events:\n  A: {sources: [browser]}\n"
)
BAD = "version: 1\nevents:\n  A: {sorces: [browser]}\n  B: {sources: [browser], consent: no}\n"


def test_validate_valid_map_exits_0_with_warnings_marked(
    map_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = map_file(GOOD)
    assert validate.run(map_path=path) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{path}:3:13: pixel.id: warning: pixel ID 111111111111111 is written as a number; "
        'quote it: "111111111111111" (it is kept as text)',
        f"{path}: valid: 1 event, 0 journeys, environment staging; 1 warning",
    ]


def test_validate_invalid_map_exits_2_with_every_problem(
    map_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = map_file(BAD)
    assert validate.run(map_path=path) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"{path}:3:7: events.A: unknown key 'sorces'; did you mean 'sources'?",
        f"{path}:4:36: events.B.consent: 'no' is read as a boolean by YAML 1.1, not as text; "
        'quote it: "no"',
        f"{path}: invalid event map: 2 errors",
    ]


def test_validate_quiet_hides_notes_and_summary(
    map_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert validate.run(map_path=map_file(GOOD), quiet=2) == 0
    assert capsys.readouterr().err == ""


def test_schema_prints_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert schema.run() == 0
    out = capsys.readouterr().out
    assert out == render_schema()
    assert json.loads(out)["title"] == "pixelproof event map (format 1)"


def test_init_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert init.run() == 0
    assert capsys.readouterr().out == STARTER


def test_init_to_file_validates_and_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "maps" / "site.yaml"
    assert init.run(output=target) == 0
    assert load_map(target, environ={}).notes == ()
    with pytest.raises(UsageError):
        init.run(output=target)


def test_init_click_without_url_is_a_usage_error() -> None:
    # --from-url itself is tested against a live page in tests/commands/test_init_from_url.py
    with pytest.raises(UsageError, match="--click needs --from-url"):
        init.run(click=["#buy"])


def test_cli_validate_end_to_end(map_file: Callable[[str], Path]) -> None:
    import subprocess
    import sys

    path = map_file(BAD)
    done = subprocess.run(
        [sys.executable, "-m", "pixelproof", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "did you mean 'sources'?" in done.stderr
