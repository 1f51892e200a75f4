"""Keep README, CI and CHANGELOG honest (sqlite-utils habit)."""

from __future__ import annotations

import re
from pathlib import Path

from pixelproof import __version__

ROOT = Path(__file__).resolve().parents[1]


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start.*?```sh\n(.*?)\n```", readme, re.S)
    assert block, "README's Quick start has no sh block"
    return block.group(1).strip()


def test_ci_runs_exactly_the_readme_test_command() -> None:
    command = _readme_test_command()
    assert command.endswith("test")
    ci = (ROOT / ".ci/run").read_text()
    assert re.search(rf"^timeout .* {re.escape(command)}$", ci, re.M), (
        "CI must run the README's test command under timeout"
    )
    assert "apt-get install -y -q chromium" in ci


def test_changelog_has_an_unreleased_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in text


def test_version_is_static_and_dotted() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_readme_command_table_names_every_command() -> None:
    import typer.main

    from pixelproof.cli import app

    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Commands", 1)[1].split("## Exit codes", 1)[0]
    named = set(re.findall(r"pixelproof ([a-z]+)", table)) | set(re.findall(r"`([a-z]+)`", table))
    registered = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert registered <= named, f"README's command table misses {sorted(registered - named)}"
