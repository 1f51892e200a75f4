"""`pixelproof graph …` end to end, with PIXELPROOF_GRAPH_URL pointing at the local stand-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pixelproof.commands import graph
from tests.conftest import SecretScan
from tests.graph.graph_support import (
    APP_SECRET,
    DENIED,
    INVALID_TOKEN,
    PIXEL,
    SECRETS,
    TOKEN,
    GraphApi,
    graph_api,
)

MAP = f"""\
version: 1
environment: staging
site: {{base_url: "http://127.0.0.1:1"}}
pixel: {{id: "{PIXEL}"}}
events:
  Purchase: {{sources: [browser]}}
graph:
  access_token: "${{META_ACCESS_TOKEN}}"
  app_secret: "${{META_APP_SECRET:-}}"
  api_version: v25.0
"""


@pytest.fixture
def shop_map(tmp_path: Path) -> Path:
    path = tmp_path / "shop.yaml"
    path.write_text(MAP)
    return path


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, api: GraphApi) -> dict[str, str]:
    values = {"META_ACCESS_TOKEN": TOKEN, "PIXELPROOF_GRAPH_URL": api.url, "COLUMNS": "200"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("META_APP_SECRET", raising=False)
    return values


def _cli(*args: str, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pixelproof", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **environ},
        check=False,
    )


def test_graph_stats_json_end_to_end(
    shop_map: Path, secret_scan: SecretScan, tmp_path: Path
) -> None:
    with graph_api(app_secret=APP_SECRET) as api:
        environ = {"META_ACCESS_TOKEN": TOKEN, "META_APP_SECRET": APP_SECRET,
                   "PIXELPROOF_GRAPH_URL": api.url}  # fmt: skip
        done = _cli("graph", "stats", str(shop_map), "--json", environ=environ)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["note"].startswith("Meta-side, aggregate and delayed")
    assert data["api_version"] == "v25.0"
    reads = data["reads"]
    assert [r["params"].get("event_source") for r in reads] == [None, "WEB_ONLY", "SERVER_ONLY"]
    assert {r["path"] for r in reads} == {f"/v25.0/{PIXEL}/stats"}
    assert len(reads[0]["body"]["data"]) == 2  # both pages
    assert all("appsecret_proof=" in q for q in api.queries())
    secret_scan(SECRETS, paths=[tmp_path], texts=[done.stdout, done.stderr])


@pytest.mark.parametrize("what", ["pixel", "stats", "quality", "checks", "fires"])
def test_every_table_is_labelled(
    what: str, shop_map: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert graph.run(what=what, map_path=shop_map) == 0
    out, err = capsys.readouterr()
    assert "Meta-side, aggregate and delayed" in out
    assert f"dataset {PIXEL}" in out
    assert f"graph {what}:" in err


def test_tables_show_meta_s_numbers(
    shop_map: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert graph.run(what="quality", map_path=shop_map) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "Purchase" in line)
    assert "4.2" in row
    assert "90%" in row
    assert "95%" in row
    assert "40%" in row


def test_an_invalid_token_exits_3_with_meta_s_message(
    shop_map: Path, env: dict[str, str], api: GraphApi, capsys: pytest.CaptureFixture[str],
    secret_scan: SecretScan,
) -> None:  # fmt: skip
    api.fail(PIXEL, INVALID_TOKEN)
    assert graph.run(what="pixel", map_path=shop_map) == 3
    out, err = capsys.readouterr()
    assert "Invalid OAuth access token - Cannot parse access token (code 190, HTTP 401)" in err
    secret_scan(SECRETS, texts=[out, err])


def test_fires_not_allowed_everywhere_exits_3(
    shop_map: Path, env: dict[str, str], api: GraphApi, capsys: pytest.CaptureFixture[str]
) -> None:
    api.fail("/real_time_event_log", DENIED)
    api.fail("/raw_fires", DENIED)
    assert graph.run(what="fires", map_path=shop_map) == 3
    err = capsys.readouterr().err
    assert "not allowed: " in err
    assert "(#10)" in err


def test_fires_partly_allowed_exits_0(
    shop_map: Path, env: dict[str, str], api: GraphApi, capsys: pytest.CaptureFixture[str]
) -> None:
    api.fail("/raw_fires", DENIED)
    assert graph.run(what="fires", map_path=shop_map, as_json=True) == 0
    reads = json.loads(capsys.readouterr().out)["reads"]
    assert [r["error"] is None for r in reads] == [True, False]


def test_an_unset_token_exits_3(
    shop_map: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("META_ACCESS_TOKEN", "")
    assert graph.run(what="stats", map_path=shop_map) == 3
    assert "graph.access_token is unset or empty" in capsys.readouterr().err


def test_an_invalid_map_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\nevents:\n  PageView: {sorces: [browser]}\n")
    done = _cli("graph", "pixel", str(path), environ={})
    assert done.returncode == 2
    assert "did you mean 'sources'?" in done.stderr
