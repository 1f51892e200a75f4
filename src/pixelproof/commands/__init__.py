"""Command implementations: `run(**options) -> int` each, imported only when the command runs."""
