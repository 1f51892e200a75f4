"""pytester for the plugin's tests only.

`pytest_plugins = ["pytester"]` is refused in a conftest below the rootdir (pytest 9 fails
collection: "pytest_plugins in non-top-level conftest"), so the plugin is imported when this
conftest is registered: its option and configure hooks are historic and still run.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.import_plugin("pytester")
