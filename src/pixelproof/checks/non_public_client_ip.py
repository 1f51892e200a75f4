"""In production, a `client_ip_address` that is private, loopback, link-local or not an IP.

Checked only when the environment kind is `production`: in staging, private addresses are
expected.

**Why:** Meta matches on the visitor's public IP. A private address (`10.0.0.5`, `127.0.0.1`,
`fe80::…`) is the load balancer, proxy or container network — the same for every visitor — so
it matches nobody and lowers Event Match Quality.

**Fix:** read the visitor's address from the trusted proxy header (`X-Forwarded-For`'s client
entry, `CF-Connecting-IP`, …) instead of the socket's peer address.

**Example:** production server Purchase with `"client_ip_address": "10.0.3.17"`: SE010 (warning).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.result import Severity
from pixelproof.rulekit.drafts import Drafter, label

# RFC 1918, carrier-grade NAT and unique-local IPv6; documentation ranges are not flagged.
PRIVATE = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)


def problem(text: str) -> str | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return "is not an IP address"
    mapped = getattr(address, "ipv4_mapped", None)
    address = mapped or address
    for kind, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("private", any(address in n for n in PRIVATE if n.version == address.version)),
        ("unspecified", address.is_unspecified),
    ):
        if flag:
            return f"is {kind}"
    return None


def run(ctx: CheckContext) -> Iterator[Draft]:
    if ctx.environment_kind != "production":
        return
    draft = Drafter(ctx)
    for event in ctx.events:
        value = event.user_data.get("client_ip_address") if event.channel == "capi" else None
        if not isinstance(value, str) or not value:
            continue
        why = problem(value)
        if why is not None:
            yield draft(
                event,
                f"{label(event)}: client_ip_address {value!r} {why}",
                hint="read the visitor's address from the trusted proxy header",
                subject="client_ip_address",
                cause="non-public-client-ip",
            )


CHECK = Check(
    code="SE010",
    name="non-public-client-ip",
    severity=Severity.WARNING,
    needs=frozenset({Need.SERVER}),
    run=run,
    doc=__doc__ or "",
)
