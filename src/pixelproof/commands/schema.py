"""`pixelproof schema`: print the event map's JSON Schema (for editors)."""

from __future__ import annotations

import sys

from pixelproof.config.schema import render_schema


def run() -> int:
    sys.stdout.write(render_schema())
    return 0
