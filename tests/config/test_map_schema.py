"""The committed JSON Schema equals `pixelproof schema`, and accepts every example map."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from pixelproof.config.schema import render_schema
from pixelproof.config.starter import STARTER

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schema" / "event-map.schema.json"
EXAMPLES = [
    *sorted((ROOT / "event_maps").glob("*.yaml")),
    Path(__file__).parent / "maps" / "design-example.yaml",
]


def test_committed_schema_has_not_drifted() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render_schema(), (
        "schema/event-map.schema.json is stale: run `pixelproof schema > "
        "schema/event-map.schema.json`"
    )


def test_schema_is_deterministic_and_valid() -> None:
    assert render_schema() == render_schema()
    jsonschema.Draft202012Validator.check_schema(json.loads(render_schema()))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


@pytest.mark.parametrize("text", [*(p.read_text() for p in EXAMPLES), STARTER])
def test_schema_accepts_examples_with_their_short_forms(text: str) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(COMMITTED.read_text()))
    errors = [e.message for e in validator.iter_errors(_plain(yaml.safe_load(text)))]
    assert errors == []


def test_schema_rejects_unknown_keys() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(COMMITTED.read_text()))
    data = {"version": 1, "events": {"A": {"sources": ["browser"], "colour": "red"}}}
    assert not validator.is_valid(data)
