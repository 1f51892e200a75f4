"""CAPI JSONL logs in every shape; malformed lines are evidence with reasons."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pixelproof.errors import InputError
from pixelproof.evidence.model import ServerBatch
from pixelproof.evidence.sources.capi_log import CapiLogSource
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.server import parse_server_batches
from tests.conftest import SecretScan

CAPI = Path(__file__).resolve().parents[2] / "fixtures" / "capi"
TOKEN = "EAAlogTOKENsecret1234567"


def _read(
    path: Path, pixel: str | None = None
) -> tuple[CapiLogSource, list[ServerBatch], list[ObservedEvent]]:
    source = CapiLogSource(path, pixel_id=pixel)
    batches = list(source.records())
    return source, batches, list(parse_server_batches(batches))


@pytest.mark.parametrize(
    ("name", "count", "shape"),
    [
        ("sdk-python.jsonl", 3, "sink"),
        ("hand-rolled.jsonl", 5, "sink"),
        ("envelope.jsonl", 5, "envelope"),
        ("request-lines.jsonl", 3, "request"),
        ("event-lines.jsonl", 3, "event"),
    ],
)
def test_every_shape_reads(name: str, count: int, shape: str) -> None:
    source, batches, events = _read(CAPI / name, pixel="999")
    assert source.problems == []
    assert {b.shape for b in batches} == {shape}
    assert len(events) == count
    assert [e.ref for e in events] == [f"s{i}" for i in range(1, count + 1)]
    assert all(e.problems == () for e in events)
    if shape == "sink":
        assert all(e.pixel_id == "111111111111111" and e.accepted for e in events)
        assert all(e.api_version and e.time for e in events)
        assert all(b.token_fp for b in batches)
    else:
        assert all(e.pixel_id == "999" and e.api_version is None for e in events)


def test_sdk_sends_test_code_and_partner_agent() -> None:
    _, _, events = _read(CAPI / "sdk-python.jsonl")
    assert [e.test_event_code for e in events] == [None, "TEST12345", "TEST12345"]
    assert events[1].partner_agent == "pixelproof-fixture-1.0"
    assert events[0].transport == "form"
    assert events[0].fbp


def test_malformed_lines_are_kept_with_reasons(tmp_path: Path, secret_scan: SecretScan) -> None:
    good = (CAPI / "request-lines.jsonl").read_text().splitlines()[0]
    lines = [
        good,
        "not json at all access_token=" + TOKEN,
        "[1, 2]",
        json.dumps({"something": "else"}),
        json.dumps({"data": "{broken", "access_token": TOKEN}),
        json.dumps({"time": "yesterday", "body": 5, "content_type": None, "response": "x"}),
        json.dumps({"event_name": "Lead", "event_time": "soon"}),
        '{"data": [',  # truncated last line
    ]
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(lines))
    source, batches, events = _read(path)
    assert len(batches) == 8
    assert [b.shape for b in batches] == [
        "request",
        "invalid",
        "invalid",
        "invalid",
        "request",
        "sink",
        "event",
        "invalid",
    ]
    assert source.truncated
    assert len(source.problems) == 5
    assert [e.name for e in events] == ["Purchase", "Lead"]
    assert any("event_time" in p for p in events[1].problems)
    secret_scan([TOKEN], texts=[repr(batches), repr(events)])


@pytest.mark.parametrize("text", ["garbage\nmore garbage\n", '{\n  "data": []\n}\n'])
def test_no_json_line_at_all_is_an_input_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(text)
    with pytest.raises(InputError):
        list(CapiLogSource(path).records())
    with pytest.raises(InputError):
        list(CapiLogSource(tmp_path / "missing").records())


def test_empty_file_is_no_evidence(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")
    assert _read(path)[1] == []


@given(
    st.lists(
        st.one_of(
            st.text(max_size=80),
            st.binary(max_size=80).map(lambda b: b.decode("latin-1")),
            st.dictionaries(
                st.sampled_from(
                    ["data", "body", "event_name", "time", "path", "content_type", "response"]
                ),
                st.one_of(
                    st.text(max_size=20),
                    st.integers(),
                    st.none(),
                    st.lists(st.text(max_size=10), max_size=3),
                ),
            ).map(json.dumps),
        ),
        max_size=6,
    )
)
def test_any_log_gives_batches_or_an_input_error(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.jsonl"
        path.write_text(
            "\n".join(line.replace("\n", " ") for line in lines),
            encoding="utf-8",
            errors="surrogateescape",
        )
        try:
            _, batches, events = _read(path, pixel="1")
        except InputError:
            return
        assert len({b.seq for b in batches}) == len(batches)
        assert all(e.pixel_id for e in events)
