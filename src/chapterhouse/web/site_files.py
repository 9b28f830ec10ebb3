"""The files every site is asked for at its root: ``/favicon.ico`` and ``/robots.txt``.

Browsers ask for ``/favicon.ico`` whatever the page's ``<link rel=icon>`` says, and
crawlers read ``/robots.txt`` before anything else. The icon is the one shipped in
``web/static/web/``; robots.txt names the sitemap and keeps crawlers out of the
pages that only signed-in people use (sign-in, the desks, the forms, the admin).
"""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

FAVICON = Path(__file__).resolve().parent / "static" / "web" / "favicon.ico"

# Paths crawlers have no business in: pages for signed-in people and forms that write.
# Wildcards (``*``) are understood by the major crawlers (RFC 9309 leaves them open).
ROBOTS_DISALLOW = [
    "/admin/",
    "/accounts/",
    "/newsroom/",
    "/api/",
    "/*/new/",
    "/*/edit/",
    "/decisions/*/adopt/",
    "/decisions/*/annul/",
    "/*/comments/",
    "/*/search/",
]


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    """Return the site's icon (16, 32 and 48 pixels in one .ico, under 3 kB)."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/vnd.microsoft.icon")


@require_safe
@cache_control(public=True, max_age=3600)
def robots(request: HttpRequest) -> HttpResponse:
    """Return robots.txt: the private paths left out, and where the sitemap is."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('news:sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
