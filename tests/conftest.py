"""Shared test fixtures: hypothesis profiles and the secret scan every token-handling test uses."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from pixelproof.redact import scan_secrets

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SecretScan = Callable[..., None]


def _files(paths: Iterable[Path]) -> Iterable[Path]:
    for path in paths:
        if path.is_dir():
            yield from (p for p in sorted(path.rglob("*")) if p.is_file())
        elif path.is_file():
            yield path


@pytest.fixture
def secret_scan() -> SecretScan:
    """`secret_scan(secrets, paths=[...], texts=[...])` fails if any secret occurs anywhere.

    Every file under `paths` (recursively) and every text (captured stdout/stderr, log lines)
    is searched for each secret in its raw, lower-cased and URL-encoded forms.
    """

    def scan(
        secrets: Iterable[str], *, paths: Iterable[Path] = (), texts: Iterable[str] = ()
    ) -> None:
        wanted = [s for s in secrets if s]
        assert wanted, "secret_scan needs at least one non-empty secret"
        leaks: list[str] = []
        for file in _files(paths):
            found = scan_secrets(file.read_bytes().decode("utf-8", "replace"), wanted)
            leaks += [f"{file}: {s[:4]}…" for s in found]
        for i, text in enumerate(texts):
            leaks += [f"text #{i}: {s[:4]}…" for s in scan_secrets(text, wanted)]
        assert not leaks, f"secrets leaked: {leaks}"

    return scan


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden files instead of comparing"
    )


Golden = Callable[[str, str | bytes], None]


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """`golden("reports/demo.md", text)`: compare with tests/golden/<name>, or rewrite it.

    Rewriting is refused under CI (goldens must not change during a CI run).
    """
    update = bool(request.config.getoption("--update-golden"))
    if update and os.environ.get("CI"):
        pytest.fail("--update-golden is refused under CI")
    root = Path(__file__).resolve().parent / "golden"

    def check(name: str, actual: str | bytes) -> None:
        path = root / name
        data = actual.encode() if isinstance(actual, str) else actual
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            return
        assert path.exists(), f"no golden file {path}: run `make golden`"
        assert path.read_bytes() == data, f"{name} differs from its golden file: `make golden`"

    return check
