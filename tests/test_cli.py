"""The CLI frame: every command's --help, exit codes, the error boundary, fast start-up."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer.main

from pixelproof.cli import app

COMMANDS = [
    ["audit"],
    ["gather"],
    ["check"],
    ["validate"],
    ["schema"],
    ["sink"],
    ["report"],
    ["diff"],
    ["merge"],
    ["rules"],
    ["explain"],
    ["init"],
    ["doctor"],
    ["demo"],
    ["graph", "pixel"],
    ["graph", "stats"],
    ["graph", "quality"],
    ["graph", "checks"],
    ["graph", "fires"],
]
FORBIDDEN = [
    "playwright",
    "uvicorn",
    "starlette",
    "httpx",
    "jinja2",
    "yaml",
    "orjson",
    "phonenumbers",
]


def pixelproof(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pixelproof", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={"COLUMNS": "120", "PATH": ""},
    )


def test_every_contract_command_is_registered() -> None:
    click_app = typer.main.get_command(app)
    names = set(click_app.commands)  # type: ignore[attr-defined]
    assert {c[0] for c in COMMANDS} <= names


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_has_examples(command: list[str]) -> None:
    done = pixelproof(*command, "--help")
    assert done.returncode == 0, done.stderr
    assert "Examples:" in done.stdout
    assert "$ pixelproof " + command[0] in done.stdout


def test_version() -> None:
    done = pixelproof("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("pixelproof 0.")


def test_help_imports_no_heavy_module() -> None:
    code = (
        "import sys, runpy\n"
        "sys.argv = ['pixelproof', '--help']\n"
        "try:\n    runpy.run_module('pixelproof', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        f"print('LOADED=' + ','.join(m for m in {FORBIDDEN!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "LOADED=\n" in done.stdout, done.stdout[-300:]


def test_unknown_flag_is_usage_error() -> None:
    done = pixelproof("rules", "--bogus")
    assert done.returncode == 2
    assert "--bogus" in done.stderr


def test_rules_json_lists_registered_rules() -> None:
    done = pixelproof("rules", "--json")
    assert done.returncode == 0
    rows = json.loads(done.stdout)
    by_code = {row["code"]: row for row in rows}
    assert by_code["DD006"]["name"] == "placeholder-event-id"
    assert by_code["DD006"]["severities"] == ["error"]
    assert [row["code"] for row in rows] == sorted(by_code)


def test_explain_prints_docstring_and_rejects_unknown_codes() -> None:
    done = pixelproof("explain", "dd006")
    assert done.returncode == 0
    assert "**Why:**" in done.stdout
    assert "**Fix:**" in done.stdout
    bad = pixelproof("explain", "DD0O6")
    assert bad.returncode == 2
    assert "unknown rule code 'DD0O6'" in bad.stderr
    assert "did you mean 'DD006'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_internal_errors_exit_4_and_traceback_is_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    code = (
        "import sys, pixelproof.commands.rules as r\n"
        "def boom(**_):\n    raise RuntimeError('kaput')\n"
        "r.run = boom\n"
        "sys.argv = ['pixelproof', *sys.argv[1:], 'rules']\n"
        "from pixelproof.cli import main\nmain()\n"
    )
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert plain.returncode == 4
    assert "internal error: RuntimeError: kaput" in plain.stderr
    assert "Traceback" not in plain.stderr
    loud = subprocess.run(
        [sys.executable, "-c", code, "--traceback"], capture_output=True, text=True, timeout=60
    )
    assert loud.returncode == 4
    assert "Traceback" in loud.stderr
