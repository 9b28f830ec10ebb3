"""The tests' environment: a pytest plugin loaded before pytest-django reads the settings.

pyproject.toml loads it with ``-p tests.environment``: a ``conftest.py`` would come too
late, since pytest-django imports the settings while pytest looks for the first conftests.
The tests run with DEBUG off, as production does, and so need a SECRET_KEY; this one is
visibly a test key and signs nothing real. The ``chapterhouse`` processes the tests start
inherit it. A SECRET_KEY already in the environment wins.
"""

from __future__ import annotations

import os

TEST_SECRET_KEY = "insecure-test-only-key-for-pytest-it-signs-nothing-real-0123456789"

os.environ.setdefault("SECRET_KEY", TEST_SECRET_KEY)
# The test client runs in one process: the cache in its memory is the shared one, so sessions
# come from the cache and viewers are kept per generation, as with Redis in production.
os.environ.setdefault("SINGLE_PROCESS", "1")
