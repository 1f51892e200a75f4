"""Small Playwright helpers of the capture: frames, documents' URLs, headers, error texts."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.async_api import Frame, Request


async def headers_of(request: Request) -> dict[str, str]:
    from playwright.async_api import Error as PlaywrightError

    try:
        return await request.all_headers()
    except PlaywrightError:
        return dict(request.headers)


def frame_of(request: Request) -> Frame | None:
    try:
        return request.frame
    except Exception:  # service-worker requests have no frame
        return None


def frame_url(request: Request) -> str | None:
    frame = frame_of(request)
    return None if frame is None else child_frame_url(frame)


def child_frame_url(frame: object) -> str | None:
    """The frame's URL when it is a child frame; None for the main frame."""
    parent = getattr(frame, "parent_frame", None)
    if parent is None:
        return None
    url = getattr(frame, "url", None)
    return url if isinstance(url, str) else None


def error_text(error: object) -> str:
    message = getattr(error, "message", None)
    stack = getattr(error, "stack", None)
    if isinstance(stack, str) and stack:
        return stack
    return message if isinstance(message, str) else str(error)
