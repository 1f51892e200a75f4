"""Event keys: the one key whose name, sources, action_source and pixel role match."""

from __future__ import annotations

from pathlib import Path

from pixelproof.meta.keys import facts_from_map
from tests.checks.scenario import AGENCY, MAIN, PROD, load
from tests.factories import capi, hit


def test_resolve_by_name_source_action_source_and_role(tmp_path: Path) -> None:
    shop = load(tmp_path)
    facts = facts_from_map(shop.map, shop.environment)
    assert facts.resolve(hit("b1", "Purchase")) == "web_purchase"
    assert facts.resolve(capi("s1", "Purchase")) == "web_purchase"
    crm = capi("s2", "Purchase", action_source="physical_store", journey=None)
    assert facts.resolve(crm) == "store_purchase"
    assert facts.resolve(hit("b2", "purchase")) is None  # names are case-sensitive
    assert facts.resolve(hit("b3", "Purchase", pixel="555555555555555")) == "web_purchase"
    assert facts.keys["store_purchase"].dual is False
    assert not facts.keys["store_purchase"].in_journeys


def test_roles_pixels_and_other_environments(tmp_path: Path) -> None:
    shop = load(tmp_path)
    facts = facts_from_map(shop.map, shop.environment)
    assert facts.pixels_for("web_purchase", "browser") == (MAIN, AGENCY)
    assert facts.pixels_for("web_purchase", "server") == (MAIN,)  # agency has capi: false
    assert facts.pixels_for("AddToCart", "browser") == (MAIN,)
    assert facts.other_pixels == {PROD: "production environment 'production'"}
    assert (facts.server_within, facts.settle) == (30.0, 30.0)
