"""The error pages a visitor may meet: 403 says why, in the reader's language.

Django's own 403 view shows a bare "403 Forbidden" with the refusal's message
left out; this one renders ``403.html`` on the site's base template with the
message the check gave (``PermissionDenied(_("Only officers …"))``), or a
default that tells a visitor who is not signed in to sign in and one who is
that this account may not open the page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer 403 with the reason: the refusal's own message, else one for the visitor."""
    signed_in = bool(getattr(request, "user", None) and request.user.is_authenticated)
    reason = str(exception or "").strip()
    if not reason:
        reason = (
            _("Your account may not open this page.")
            if signed_in
            else _("You need to sign in to open this page.")
        )
    sign_in_url = None
    if not signed_in:
        sign_in_url = f"{reverse('custody:login')}?{urlencode({'next': request.get_full_path()})}"
    return render(request, "403.html", {"reason": reason, "sign_in_url": sign_in_url}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Answer a form sent without a valid CSRF token (``CSRF_FAILURE_VIEW``) on the same
    page: most often a form left open across a sign-in, a sign-out or a long pause."""
    return render(
        request,
        "403.html",
        {
            "reason": _("This form has expired. Go back, reload the page and send the form again."),
            "sign_in_url": None,
        },
        status=403,
    )
