"""Helpers shared by the test files: import them by name (`from tests.helpers.cli import run`).

Fixtures live in tests/conftest.py, or in a helper module a test file imports them from."""
