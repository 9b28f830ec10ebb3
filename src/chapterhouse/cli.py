"""The ``chapterhouse`` command: Django's management commands under one name."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run ``chapterhouse SUBCOMMAND …`` as the management command of that name.

    ``chapterhouse decision annul ID`` runs the ``decision`` command, and so on.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chapterhouse.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 (reading a setting loads them all)
    except ImproperlyConfigured as error:
        # A wrong or missing variable: its message, not a traceback (settings.py).
        sys.exit(f"chapterhouse: {error}")

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["chapterhouse", *args])


if __name__ == "__main__":
    main()
