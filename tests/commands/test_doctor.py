"""`pixelproof doctor`: the checklist, its exit codes, and no secret in its output."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pixelproof.commands import doctor
from pixelproof.doctor.browser import how_found
from pixelproof.doctor.checklist import Line, Status
from pixelproof.doctor.probes import shown_url
from pixelproof.evidence.sources.sink import SinkHandle
from tests.conftest import SecretScan
from tests.graph.graph_support import INVALID_TOKEN, graph_api
from tests.live.conftest import require_chromium

GRAPH_TOKEN = "EAAGdoctorSecretToken0123456789abcdef"
SINK_TOKEN = "sink-shared-secret-42"
MAP = """\
version: 1
environment: staging
site: {{base_url: "http://127.0.0.1:1"}}
pixel: {{id: "111111111111111"}}
capi: {{sink: {{listen: "127.0.0.1:{port}"}}}}
events:
  PageView: {{sources: [browser]}}
graph:
  access_token: "${{META_ACCESS_TOKEN}}"
"""


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one table row per line
    monkeypatch.delenv("PIXELPROOF_SINK_TOKEN", raising=False)
    monkeypatch.delenv("META_ACCESS_TOKEN", raising=False)


@pytest.fixture
def browser_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    """The browser line stubbed: these tests are about the other lines."""

    def probe(explicit: Path | None) -> Line:
        return Line("browser", Status.OK, "Chromium 1.0 (stub)")

    monkeypatch.setattr(doctor, "probe_browser", probe)


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield int(sock.getsockname()[1])


def write_map(folder: Path, port: int) -> Path:
    path = folder / "map.yaml"
    path.write_text(MAP.format(port=port))
    return path


def row(out: str, check: str) -> str:
    found = [line for line in out.splitlines() if line.startswith(check + " ")]
    assert found, f"no '{check}' line in:\n{out}"
    return found[0]


@pytest.mark.browser
def test_browser_found_and_launched(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    chromium = require_chromium()
    monkeypatch.delenv("PIXELPROOF_BROWSER", raising=False)
    monkeypatch.setenv(
        "PIXELPROOF_BROWSER_ARGS", "'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'"
    )
    assert doctor.run(browser=Path(chromium)) == 0
    out, err = capsys.readouterr()
    line = row(out, "browser")
    assert " ok " in line
    assert "found: --browser" in line
    assert f"at {chromium}" in line
    assert re.search(r"Chromium \d+\.\d+", line)
    assert " ok " in row(out, "python")
    assert " ok " in row(out, "pixelproof")
    assert "missing" not in err


def test_browser_not_there_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    assert doctor.run(browser=Path("/nonexistent")) == 3
    out, err = capsys.readouterr()
    assert " missing " in row(out, "browser")
    assert "--browser /nonexistent: no executable there" in out
    assert "apt-get install chromium" in out
    assert "1 missing" in err


def test_how_the_browser_was_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIXELPROOF_BROWSER", "/opt/chrome")
    assert how_found(Path("/opt/chrome"), "/opt/chrome", None) == "PIXELPROOF_BROWSER"
    assert how_found(Path("/usr/bin/x"), "/usr/bin/x", None) == "--browser"
    assert how_found(None, "/pw/chrome", "/pw/chrome") == "Playwright's own Chromium"
    assert how_found(None, "/usr/bin/chromium", "/pw/chrome") == "system"


@pytest.mark.usefixtures("browser_ok")
def test_sink_port_taken_is_missing(
    tmp_path: Path, taken_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert doctor.run(map_path=write_map(tmp_path, taken_port)) == 3
    line = row(capsys.readouterr().out, "sink port")
    assert " missing " in line
    assert f"127.0.0.1:{taken_port}" in line


@pytest.mark.usefixtures("browser_ok")
def test_map_with_free_port_is_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])  # freed when the block ends
    assert doctor.run(map_path=write_map(tmp_path, port)) == 0
    out = capsys.readouterr().out
    assert f"127.0.0.1:{port} is free (sink)" in row(out, "sink port")
    assert " ok " in row(out, "map")
    assert "staging (kind staging)" in row(out, "environment")
    assert "token present: no (META_ACCESS_TOKEN)" in row(out, "graph")
    assert " skipped " in row(out, "graph")


@pytest.mark.usefixtures("browser_ok")
def test_port_zero_is_always_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert doctor.run(map_path=write_map(tmp_path, 0)) == 0
    assert "port 0, the OS picks a free one" in row(capsys.readouterr().out, "sink port")


@pytest.mark.usefixtures("browser_ok")
def test_invalid_map_exits_2_with_its_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\nevents:\n  PageView: {sorces: [browser]}\n")
    assert doctor.run(map_path=path) == 2
    err = capsys.readouterr().err
    assert "did you mean 'sources'?" in err
    assert "invalid event map" in err


@pytest.mark.usefixtures("browser_ok")
def test_sink_url_reachable_is_ok(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PIXELPROOF_SINK_TOKEN", SINK_TOKEN)
    with SinkHandle(token=SINK_TOKEN) as sink:
        assert doctor.run(sink_url=sink.url) == 0
    line = row(capsys.readouterr().out, "sink (--sink-url)")
    assert " ok " in line
    assert "reachable, healthy; token sent" in line


@pytest.mark.usefixtures("browser_ok")
def test_sink_url_without_its_token_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    with SinkHandle(token=SINK_TOKEN) as sink:
        assert doctor.run(sink_url=sink.url) == 3
    out = capsys.readouterr().out
    assert " missing " in row(out, "sink (--sink-url)")
    assert "refused (HTTP 401)" in out
    assert "set PIXELPROOF_SINK_TOKEN" in out


@pytest.mark.usefixtures("browser_ok")
def test_sink_url_closed_port_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"  # bound, never listening
        assert doctor.run(sink_url=url) == 3
    line = row(capsys.readouterr().out, "sink (--sink-url)")
    assert " missing " in line
    assert "cannot reach it" in line


@pytest.mark.usefixtures("browser_ok")
def test_no_secret_in_the_output(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    secret_scan: SecretScan,
) -> None:
    monkeypatch.setenv("META_ACCESS_TOKEN", GRAPH_TOKEN)
    monkeypatch.setenv("PIXELPROOF_SINK_TOKEN", SINK_TOKEN)
    with graph_api() as api, SinkHandle(token=SINK_TOKEN) as sink:
        api.token = GRAPH_TOKEN
        monkeypatch.setenv("PIXELPROOF_GRAPH_URL", api.url)
        code = doctor.run(map_path=write_map(tmp_path, 0), sink_url=f"{sink.url}/t/{SINK_TOKEN}")
    out, err = capsys.readouterr()
    assert code == 0, out
    assert "token present: yes (META_ACCESS_TOKEN)" in row(out, "graph")
    assert "/t/***" in out
    secret_scan([GRAPH_TOKEN, SINK_TOKEN], texts=[out, err])


@pytest.mark.usefixtures("browser_ok")
def test_graph_token_reads_the_pixel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("META_ACCESS_TOKEN", GRAPH_TOKEN)
    with graph_api() as api:
        api.token = GRAPH_TOKEN
        monkeypatch.setenv("PIXELPROOF_GRAPH_URL", api.url)
        assert doctor.run(map_path=write_map(tmp_path, 0)) == 0
    assert api.queries() == ["fields=id%2Cname"]
    line = row(capsys.readouterr().out, "graph")
    assert " ok " in line
    assert "valid, reads 111111111111111 (Shop pixel), v26.0" in line


@pytest.mark.usefixtures("browser_ok")
def test_graph_token_refused_is_missing_with_meta_s_message(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    secret_scan: SecretScan,
) -> None:
    monkeypatch.setenv("META_ACCESS_TOKEN", GRAPH_TOKEN)
    with graph_api() as api:
        api.fail("111111111111111", INVALID_TOKEN)
        monkeypatch.setenv("PIXELPROOF_GRAPH_URL", api.url)
        assert doctor.run(map_path=write_map(tmp_path, 0)) == 3
    out, err = capsys.readouterr()
    assert " missing " in row(out, "graph")
    assert "Invalid OAuth access token - Cannot parse access token" in out
    assert "token is invalid or expired" in out
    secret_scan([GRAPH_TOKEN], texts=[out, err])


def test_shown_url_drops_credentials() -> None:
    assert shown_url("http://u:p@ci:4010/t/abc/") == "http://ci:4010/t/***/"
    assert shown_url("http://ci:4010") == "http://ci:4010"


def test_cli_exit_code_when_something_is_missing() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pixelproof", "doctor", "--browser", "/nonexistent"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"COLUMNS": "200", "PATH": ""},
    )
    assert done.returncode == 3, done.stderr
    assert "missing" in done.stdout
    assert "doctor: 2 ok, 1 missing" in done.stderr
