"""``chapterhouse serve``: run the site under gunicorn with several worker processes."""

from __future__ import annotations

import os
import re
from argparse import ArgumentParser
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.db import connections
from django.utils.translation import gettext as _

from chapterhouse.core.management.base import TranslatedCommand

WSGI_APP = "chapterhouse.wsgi:application"
DEFAULT_BIND = "127.0.0.1:8000"
# host:port, [ipv6]:port, unix:/path or fd://N: the forms gunicorn understands.
BIND_PATTERN = re.compile(r"^(unix:.+|fd://\d+|\[[0-9a-fA-F:.]+\]:\d{1,5}|[^:\s\[\]]*:\d{1,5})$")


def cores_available() -> int:
    """Return how many CPU cores this process may run on (affinity and cgroup sets count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux: no affinity API
        return os.cpu_count() or 1


def workers_default(*, environ: Mapping[str, str], cores: int) -> int:
    """Return ``WEB_CONCURRENCY`` when set, else ``2 * cores + 1`` (gunicorn's rule of thumb).

    Raise ``CommandError`` when ``WEB_CONCURRENCY`` is not a positive integer.
    """
    value = environ.get("WEB_CONCURRENCY", "").strip()
    if not value:
        return 2 * cores + 1
    try:
        workers = int(value)
    except ValueError:
        workers = 0
    if workers < 1:
        raise CommandError(
            _("WEB_CONCURRENCY must be a positive whole number of worker processes, not %(value)r.")
            % {"value": value}
        )
    return workers


def server_run(*, options: dict[str, Any]) -> None:
    """Run gunicorn with ``options`` until it is told to stop (SIGTERM, SIGINT).

    ``GUNICORN_CMD_ARGS`` from the environment applies first; ``options`` win.
    """
    # Imported here: gunicorn reads WEB_CONCURRENCY when its config module
    # loads and fails with a traceback on a bad value, which `handle` reports.
    from gunicorn.app.base import BaseApplication

    class ChapterhouseServer(BaseApplication):
        def load_config(self) -> None:
            parser = self.cfg.parser()
            from_env = parser.parse_args(self.cfg.get_cmd_args_from_env())
            for key, value in vars(from_env).items():
                if value is not None and key != "args":
                    self.cfg.set(key.lower(), value)
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            # Runs in each worker after the fork, so no state is shared. The application
            # is the one settings name (chapterhouse.wsgi): core imports nothing of ours.
            from django.core.servers.basehttp import get_internal_wsgi_application

            return get_internal_wsgi_application()

    ChapterhouseServer(prog="chapterhouse serve").run()


class Command(TranslatedCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Set here, not on the class: gettext needs the settings loaded.
        self.help = _(
            "Serve the site in production with gunicorn: several worker processes, "
            "the access log on standard output."
        )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("CHAPTERHOUSE_BIND", DEFAULT_BIND),
            help=_(
                "Address to listen on: HOST:PORT, [IPv6]:PORT or unix:/path/to.sock "
                "(default: $CHAPTERHOUSE_BIND or %(default)s)."
            )
            % {"default": DEFAULT_BIND},
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=_("Number of worker processes (default: $WEB_CONCURRENCY or 2 × cores + 1)."),
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=30,
            help=_("Seconds a worker may spend on one request before it is restarted."),
        )
        parser.add_argument(
            "--control-socket",
            default="",
            help=_("Path of gunicorn's control socket for gunicornc (default: none)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.SECRET_KEY_REFUSAL:
            # Before gunicorn starts: its workers would fail to boot with it in their logs.
            raise ImproperlyConfigured(settings.SECRET_KEY_REFUSAL)
        bind = options["bind"]
        if not BIND_PATTERN.match(bind):
            raise CommandError(
                _(
                    "Cannot listen on %(bind)r: give HOST:PORT (127.0.0.1:8000), "
                    "[IPv6]:PORT or unix:/path/to.sock."
                )
                % {"bind": bind}
            )
        # Checked even with --workers: gunicorn itself chokes on a bad value.
        workers = workers_default(environ=os.environ, cores=cores_available())
        if options["workers"] is not None:
            workers = options["workers"]
        if workers < 1:
            raise CommandError(_("--workers must be at least 1."))
        if options["timeout"] < 1:
            raise CommandError(_("--timeout must be at least 1 second."))

        gunicorn_options: dict[str, Any] = {
            "bind": [bind],
            "workers": workers,
            "timeout": options["timeout"],
            "accesslog": "-",
            "errorlog": "-",
            "proc_name": "chapterhouse",
            "wsgi_app": WSGI_APP,
        }
        if options["control_socket"]:
            gunicorn_options["control_socket"] = options["control_socket"]
        else:
            # gunicorn would otherwise share one socket in $HOME between every
            # instance on the machine; tools here talk to it through signals.
            gunicorn_options["control_socket_disable"] = True

        # The checks above may have opened a connection; a socket shared by
        # forked workers corrupts their conversations with the database.
        connections.close_all()
        server_run(options=gunicorn_options)
