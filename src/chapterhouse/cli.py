"""The ``chapterhouse`` command: Django's management commands under one name."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run ``chapterhouse SUBCOMMAND …`` as the management command of that name.

    ``chapterhouse decision annul ID`` runs the ``decision`` command, and so on.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chapterhouse.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        execute_from_command_line(["chapterhouse", *args])
    except ImproperlyConfigured as error:
        # A wrong or missing variable (settings.py, or a site started without its key):
        # its message, not a traceback.
        sys.exit(f"chapterhouse: {error}")


if __name__ == "__main__":
    main()
