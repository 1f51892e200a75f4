"""The one CAPI event validator (reference/meta-api.md §2.2–2.3), shared by parser, rules, sink.

`validate_event` lists every problem of one server event; `event_rejection` is the subset Meta
itself rejects (a required field missing or of the wrong type). Both are total.
"""

from __future__ import annotations

from collections.abc import Mapping

from pixelproof.meta.standard import USER_DATA_KEYS

ACTION_SOURCES = frozenset(
    {
        "email",
        "website",
        "app",
        "phone_call",
        "chat",
        "physical_store",
        "system_generated",
        "business_messaging",
        "other",
    }
)
# Every customer-information key but the user agent identifies a visitor.
MATCH_KEYS = frozenset(USER_DATA_KEYS) - {"client_user_agent"}
_MS_THRESHOLD = 100_000_000_000  # an epoch in seconds passes this in the year 5138


def _present(value: object) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _time_problems(value: object) -> list[str]:
    if value is None:
        return ["event_time is required"]
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return [f"event_time must be an integer (Unix seconds), got {type(value).__name__}"]
    if isinstance(value, str):
        if not value.strip().isdigit():
            return [f"event_time must be an integer (Unix seconds), got {value[:40]!r}"]
        return ["event_time is a string; send an integer", *_time_problems(int(value))]
    if isinstance(value, float) and not value.is_integer():
        return ["event_time has a fraction; send whole seconds"]
    if value > _MS_THRESHOLD:
        return ["event_time looks like milliseconds; send Unix seconds"]
    return []


def event_rejection(event: object) -> tuple[str, ...]:
    """Problems Meta answers with a batch rejection: not an object, no name, no usable time."""
    if not isinstance(event, Mapping):
        return ("event is not an object",)
    problems: list[str] = []
    name = event.get("event_name")
    if not isinstance(name, str) or not name.strip():
        problems.append("event_name is required (a non-empty string)")
    time = event.get("event_time")
    if time is None or (_time_problems(time) and not _numeric(time)):
        problems.append("event_time is required (Unix seconds)")
    return tuple(problems)


def _numeric(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().isdigit()
    return isinstance(value, int | float) and not isinstance(value, bool)


def _user_data_problems(user_data: object, website: bool) -> list[str]:
    if user_data is None:
        return ["user_data is required"]
    if not isinstance(user_data, Mapping):
        return [f"user_data must be an object, got {type(user_data).__name__}"]
    problems: list[str] = []
    if not any(_present(user_data[k]) for k in MATCH_KEYS.intersection(user_data)):
        problems.append("user_data has no customer information parameter (match key)")
    if website and not _present(user_data.get("client_user_agent")):
        problems.append("website event without user_data.client_user_agent")
    return problems


def _optional_types(event: Mapping[str, object]) -> list[str]:
    problems: list[str] = []
    if "custom_data" in event and not isinstance(event["custom_data"], Mapping | None):
        problems.append("custom_data must be an object")
    event_id = event.get("event_id")
    if event_id is not None and (isinstance(event_id, bool) or not isinstance(event_id, str | int)):
        problems.append(f"event_id must be a string, got {type(event_id).__name__}")
    url = event.get("event_source_url")
    if url is not None and not isinstance(url, str):
        problems.append("event_source_url must be a string")
    return problems


def validate_event(event: object) -> tuple[str, ...]:
    """Every problem of one server event: required fields, website requirements, types."""
    if not isinstance(event, Mapping):
        return ("event is not an object",)
    problems: list[str] = []
    name = event.get("event_name")
    if not isinstance(name, str) or not name.strip():
        problems.append("event_name is required (a non-empty string)")
    problems += _time_problems(event.get("event_time"))
    source = event.get("action_source")
    if source is None:
        problems.append("action_source is required")
    elif source not in ACTION_SOURCES:
        problems.append(f"action_source {str(source)[:40]!r} is not one of Meta's values")
    website = source == "website"
    if website and not _present(event.get("event_source_url")):
        problems.append("website event without event_source_url")
    problems += _user_data_problems(event.get("user_data"), website)
    problems += _optional_types(event)
    return tuple(problems)
