"""Assert Meta Pixel + Conversions API tracking inside your own Playwright tests.

The pytest fixtures live in `pixelproof.pytest_plugin` (auto-loaded through the `pytest11`
entry point); this package holds what they hand out, for type hints and custom set-ups:

    from pixelproof.testing import Tracking, TrackingAssertionError

See docs/pytest-plugin.md.
"""

from pixelproof.testing.browser import PixelHits
from pixelproof.testing.messages import TrackingAssertionError
from pixelproof.testing.server import ServerView, WatchedSink
from pixelproof.testing.tracking import Source, Tracking

__all__ = ["PixelHits", "ServerView", "Source", "Tracking", "TrackingAssertionError", "WatchedSink"]
