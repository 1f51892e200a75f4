"""`meta/iso.py` is generated from pycountry and must not drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from pixelproof.meta import iso

ISO_PY = Path(__file__).resolve().parents[2] / "src/pixelproof/meta/iso.py"


def test_iso_py_is_what_the_generator_writes() -> None:
    pytest.importorskip("pycountry")
    from pixelproof.meta.iso_gen import render

    assert ISO_PY.read_text() == render(), (
        "meta/iso.py drifted: python -m pixelproof.meta.iso_gen > src/pixelproof/meta/iso.py"
    )


def test_tables_hold_the_codes_rules_rely_on() -> None:
    assert {"USD", "EUR", "JPY", "CHF"} <= iso.CURRENCIES
    assert "usd" not in iso.CURRENCIES  # callers upper-case first
    assert {"US", "DE", "GB"} <= iso.COUNTRIES
    assert iso.COUNTRY_NAMES["germany"] == "de"
    assert iso.US_STATES["new york"] == "ny"
    assert iso.CA_PROVINCES["quebec"] == "qc"
