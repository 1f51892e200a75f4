"""The server sends its own user agent as `client_user_agent`, or not the visitor's browser.

Error when `client_user_agent` is an HTTP library, SDK or webhook sender (`python-requests`,
`Go-http-client`, `GuzzleHttp`, `Shopify-Captain-Hook`, …), or differs from the journey's
browser user agent (the `pixelproof/<run>.<journey>` tag ignored).

**Why:** Meta matches website events to people partly by user agent. The backend's own agent is
the same for every event, so it matches nobody — or everybody — and drags Event Match Quality
down while looking filled in.

**Fix:** copy the `User-Agent` header of the visitor's request into `client_user_agent`; for
webhooks (payment callbacks) store it with the order when the visitor checks out.

**Example:** `"client_user_agent": "python-requests/2.32.3"`: SE009 (error).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.standard import is_server_agent
from pixelproof.result import Severity
from pixelproof.rulekit import timeline
from pixelproof.rulekit.drafts import Drafter, label

_TAG = re.compile(r"\s*pixelproof/\S+")


def _plain(agent: str) -> str:
    return " ".join(_TAG.sub("", agent).split())


def problem(ctx: CheckContext, event: ObservedEvent, agent: str) -> str | None:
    if is_server_agent(agent):
        return f"client_user_agent {agent[:60]!r} is an HTTP client, not the visitor's browser"
    browser = timeline.browser_user_agent(ctx, event.journey)
    if browser and _plain(browser) != _plain(agent):
        return f"client_user_agent {agent[:60]!r} is not the journey's browser ({browser[:60]!r})"
    return None


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    for event in ctx.events:
        agent = event.user_data.get("client_user_agent") if event.channel == "capi" else None
        if not isinstance(agent, str) or not agent.strip():
            continue
        why = problem(ctx, event, agent)
        if why is not None:
            yield draft(
                event,
                f"{label(event)}: {why}",
                hint="copy the visitor request's User-Agent header into client_user_agent",
                subject="client_user_agent",
                cause="server-user-agent",
            )


CHECK = Check(
    code="SE009",
    name="server-user-agent-as-client",
    severity=Severity.ERROR,
    needs=frozenset({Need.SERVER}),
    run=run,
    doc=__doc__ or "",
)
