"""`pixelproof explain CODE`: print one rule's documentation."""

from __future__ import annotations

import difflib

from pixelproof.checks import REGISTRY, by_code
from pixelproof.checks.docs import explain_text
from pixelproof.errors import UnknownCodeError


def run(*, code: str) -> int:
    check = by_code(code)
    if check is None:
        codes = [c.code for c in REGISTRY]
        close = difflib.get_close_matches(code.strip().upper(), codes, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "`pixelproof rules` lists every code"
        raise UnknownCodeError(f"unknown rule code '{code}'", hint=hint)
    print(explain_text(check), end="")
    return 0
