"""Test suite only: Python child processes started by tests act as the suite's test user too.

tests/conftest.py puts this folder on PYTHONPATH and names the user in AIRLOCK_TEST_SUITE_USER. The
app itself never reads that variable; only this file, which exists only in the test suite, does.
"""

import os

_name = os.environ.get("AIRLOCK_TEST_SUITE_USER")
if _name:
    try:
        from engine.identity import use_test_user
    except ImportError:  # a child that does not run Airlock code
        pass
    else:
        use_test_user(_name)
