"""`pixelproof sink` as a user runs it: a separate process, stopped by a signal."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import orjson
import pytest

from pixelproof.commands.sink import forward_url
from pixelproof.errors import UsageError
from pixelproof.evidence.sources.sink_forward import GRAPH_BASE_URL
from tests.conftest import SecretScan
from tests.sink.sink_support import ACCESS_TOKEN, ALL_SECRETS, PIXEL, SINK_TOKEN, VERSION, event

STOP_TIMEOUT_S = 20


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    return {**env, **extra}


def _spawn(*args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pixelproof", "sink", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(**env),
    )


def _finish(proc: subprocess.Popen[str], sig: int) -> tuple[int, str, str]:
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=STOP_TIMEOUT_S)
    return proc.returncode, out, err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_runs_until_a_signal_then_exits_0(
    sig: int, tmp_path: Path, secret_scan: SecretScan
) -> None:
    out_dir = tmp_path / "run"
    proc = _spawn(
        "--listen",
        "127.0.0.1:0",
        "--out",
        str(out_dir),
        "--token-env",
        "PP_SINK_TOKEN",
        "--accept-token-env",
        "PP_ACCEPT",
        PP_SINK_TOKEN=SINK_TOKEN,
        PP_ACCEPT=f"EAAsomeoneelse, {ACCESS_TOKEN}",
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    try:
        good = httpx.post(
            f"{url}/t/{SINK_TOKEN}/{VERSION}/{PIXEL}/events",
            params={"access_token": ACCESS_TOKEN},
            data={"data": json.dumps([json.dumps(event())])},
            timeout=10,
        )
        foreign = httpx.post(
            f"{url}/{VERSION}/{PIXEL}/events",
            headers={"X-Pixelproof-Token": SINK_TOKEN},
            params={"access_token": "EAAnotaccepted"},
            json={"data": [event()]},
            timeout=10,
        )
    finally:
        code, rest, err = _finish(proc, sig)

    assert code == 0, err
    assert (good.status_code, foreign.status_code) == (200, 401)
    assert "FacebookSession.GRAPH" in err
    assert "sink #1 200" in err
    assert "sink #2 401" in err
    assert "2 batch(es) recorded" in err
    log = out_dir / "capi.jsonl"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    lines = [orjson.loads(x) for x in log.read_bytes().splitlines()]
    assert [line["response"]["status"] for line in lines] == [200, 401]
    secret_scan(ALL_SECRETS, paths=[out_dir], texts=[url, rest, err])


def test_a_taken_port_exits_3() -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        port = taken.getsockname()[1]
        proc = _spawn("--listen", f"127.0.0.1:{port}")
        out, err = proc.communicate(timeout=STOP_TIMEOUT_S)
    finally:
        taken.close()
    assert proc.returncode == 3
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert out == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--listen", "0.0.0.0:0"), "requires the shared sink token"),
        (("--token-env", "PP_UNSET_VARIABLE"), "unset or empty"),
        (("--listen", "nonsense"), "expected HOST:PORT"),
        (("--forward", "ftp://x"), "expected 'meta'"),
    ],
)
def test_bad_options_exit_2(args: tuple[str, ...], message: str) -> None:
    proc = _spawn(*args)
    _, err = proc.communicate(timeout=STOP_TIMEOUT_S)
    assert proc.returncode == 2
    assert message in err


def test_forward_meta_means_the_real_graph_api() -> None:
    assert forward_url("meta") == GRAPH_BASE_URL
    assert forward_url(None) is None
    assert forward_url("http://127.0.0.1:9/") == "http://127.0.0.1:9"
    with pytest.raises(UsageError):
        forward_url("graph.facebook.com")
