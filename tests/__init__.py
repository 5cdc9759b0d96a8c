"""The test suite (a package, so tests/desktop and tests/engine never shadow the real packages)."""
