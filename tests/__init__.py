"""The test suite is a package, so pytest and mypy name each module one way (tests.helpers.cli)."""
