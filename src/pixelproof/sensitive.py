"""What must never be printed (secrets) and what is redacted by default (PII), from the map
and the evidence (DESIGN §13 "Small things")."""

from __future__ import annotations

from pixelproof.config.load import LoadedMap
from pixelproof.evidence.model import Evidence, IdentityRecord


def secrets_of(loaded: LoadedMap, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Access tokens, app secret, sink tokens, basic-auth passwords, site header values."""
    m = loaded.map
    found: list[str] = list(extra)
    if m.graph is not None:
        for secret in (m.graph.access_token, m.graph.app_secret):
            if secret is not None:
                found.append(secret.get_secret_value())
    if m.site.http_credentials is not None and m.site.http_credentials.password:
        found.append(m.site.http_credentials.password)
    found += [v for v in m.site.headers.values() if v]
    capi = loaded.environment.capi
    sink = getattr(capi, "sink", None)
    if sink is not None:
        found += [t for t in (sink.token, *sink.accept_tokens) if t]
    return tuple(sorted({s for s in found if len(s) >= 4}))


def pii_of(loaded: LoadedMap, evidence: Evidence | None) -> tuple[tuple[str, str], ...]:
    """(field, value) of persona values: expanded ones from the run, literal ones from the map."""
    found: set[tuple[str, str]] = set()
    for persona in loaded.map.personas.values():
        for key, value in persona.model_dump(exclude_none=True).items():
            if isinstance(value, str) and "{" not in value:
                found.add((key, value))
    if evidence is not None:
        for identity in evidence.of(IdentityRecord):
            found.update(identity.persona.items())
    return tuple(sorted((k, v) for k, v in found if len(v) >= 4))
