"""The event map's JSON Schema, generated from the models (committed; drift-tested)."""

from __future__ import annotations

import json

from pixelproof.config.model import EventMap

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def render_schema() -> str:
    """The schema as deterministic JSON text (sorted keys, two-space indent, final newline)."""
    schema = EventMap.model_json_schema(mode="validation")
    schema["$schema"] = SCHEMA_DIALECT
    schema["title"] = "pixelproof event map (format 1)"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
