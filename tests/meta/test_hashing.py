"""Hashing and normalisation, each side by its own rules (meta-api.md §1.6, §2.3)."""

from __future__ import annotations

import pytest

from pixelproof.meta import hashing

# reference/meta-api.md §2.3: Meta's own expected hashes.
VECTORS = {
    "john_smith@gmail.com": "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f",
    "16505551212": "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176",
    "us": "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621",
}


@pytest.mark.parametrize(("text", "digest"), VECTORS.items())
def test_sha256_matches_metas_vectors(text: str, digest: str) -> None:
    assert hashing.sha256_hex(text) == digest
    assert hashing.is_sha256(digest)


@pytest.mark.parametrize(
    ("key", "raw", "normalised"),
    [
        ("em", "  John_Smith@Gmail.com ", "john_smith@gmail.com"),
        ("ph", "+1 (650) 555-1212", "16505551212"),
        ("ph", "001 650 555 1212", "16505551212"),
        ("country", "US", "us"),
        ("country", "United States", "us"),
    ],
)
def test_server_normalisation_reaches_metas_vectors(key: str, raw: str, normalised: str) -> None:
    assert hashing.normalize_server(key, raw) == normalised
    assert hashing.hash_server(key, raw) == VECTORS[normalised]


@pytest.mark.parametrize(
    ("key", "raw", "server", "pixel"),
    [
        ("fn", " Mary-Ann ", "maryann", "maryann"),
        ("ct", "New York", "newyork", "newyork"),
        ("st", "California", "ca", "ca"),
        ("st", "Bavaria", "bavaria", "ba"),
        ("zp", "94025-1234", "94025", "94025"),
        ("zp", "M1 1AE", "m11ae", "m1 1ae"),  # the Pixel keeps inner spaces
        ("db", "1990-01-31", "19900131", "19900131"),
        ("db", "01/31/1990", "19900131", "19900131"),
        ("ge", "Female", "f", "f"),
        ("country", "Germany", "de", "de"),
        ("external_id", " ABC-1 ", "abc-1", "abc-1"),
    ],
)
def test_each_side_normalises_by_its_own_rules(key: str, raw: str, server: str, pixel: str) -> None:
    assert hashing.normalize_server(key, raw) == server
    assert hashing.normalize_pixel(key, raw) == pixel


def test_sdk_variants_are_accepted_server_forms() -> None:
    # The official SDK lower-cases names without removing punctuation or inner spaces.
    assert "mary ann" in hashing.server_forms("fn", "Mary Ann")
    assert "maryann" in hashing.server_forms("fn", "Mary Ann")
    assert hashing.server_forms("em", " A@B.COM ") == frozenset({"a@b.com"})


def test_already_hashed_values_pass_through_lower_cased() -> None:
    digest = VECTORS["us"]
    assert hashing.hash_server("country", digest.upper()) == digest
    assert hashing.hash_pixel("em", digest) == digest
    assert hashing.looks_hashed("d41d8cd98f00b204e9800998ecf8427e")  # MD5: the Pixel keeps it


def test_pixel_phone_gets_no_country_code() -> None:
    assert hashing.normalize_pixel("ph", "(650) 555-1212") == "6505551212"
    assert hashing.normalize_pixel("ph", "+1 650 555 1212") == "16505551212"


def test_unparseable_dates_and_genders_are_kept() -> None:
    assert hashing.normalize_date("31.31.1990") is None
    assert hashing.normalize_gender("x") is None
    assert hashing.normalize_server("ge", "X") == "x"
