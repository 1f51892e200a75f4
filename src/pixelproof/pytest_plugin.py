"""pytest fixtures for existing Playwright test suites (built in a later issue)."""
