"""The load test's yardstick: the bench's URLs behind Django's own middleware only.

A separate ``chapterhouse serve`` runs with this module so that ``/bench/bare/`` passes
none of ours (the page cache, the organization's language, the viewer, two-factor, CSP,
axes): its figure is what Django itself costs, not Django plus our database reads.
Session and authentication middleware are lazy: the bare view never touches
``request.session`` or ``request.user``, so it runs no query.
"""

from bench_settings import *  # noqa: F403

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
