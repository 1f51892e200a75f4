"""The demo shop and its backend, used by `pixelproof demo`, the tests and the benchmark.

A small shop (static pages under `site/`, package data) with Meta's standard Pixel base code, a
consent banner, a product page, a cart, a checkout with an email field and a thank-you page; a
Starlette backend whose cart, checkout and order endpoints send Conversions API events to the
Graph base URL it is given. By default it has the planted bugs of `defects.PLANTED` (README.md
next to this file); `Defects()` is the same shop with every bug fixed. `demo-shop.yaml` is its
event map (a copy of the repository's event_maps/demo-shop.yaml, shipped so an installed wheel
can run the demo).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

MAP_NAME = "demo-shop.yaml"
STANDIN = "site/fbevents.js"


def standin_script() -> bytes:
    """Our own stand-in for Meta's fbevents.js (the one copy: demo, fixtures and tests use it)."""
    return resources.files(__name__).joinpath(STANDIN).read_bytes()


@contextmanager
def map_resource() -> Iterator[Path]:
    """The packaged event map as a file path (extracted only if the package is zipped)."""
    with resources.as_file(resources.files(__name__).joinpath(MAP_NAME)) as path:
        yield path
