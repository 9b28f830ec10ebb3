"""The settings django-stubs loads for mypy (``[tool.django-stubs]`` in pyproject.toml).

The real settings, with the tests' SECRET_KEY (tests/environment.py): DEBUG is off here
as in production, where a missing key stops start-up.
"""

import tests.environment  # noqa: F401  (sets SECRET_KEY unless one is set)
from chapterhouse.settings import *  # noqa: F403
