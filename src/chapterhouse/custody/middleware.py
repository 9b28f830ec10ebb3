"""Attach the viewer to every request, and sign API clients in by bearer token."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from chapterhouse.custody.access import viewer_for_user
from chapterhouse.custody.services import token_user
from chapterhouse.custody.throttle import client_address, token_failure_record, token_locked_out


class ViewerMiddleware:
    """Set `request.viewer` (computed on first use) after authentication.

    `Authorization: Bearer <token>` signs the request in as the token's user;
    an unknown, expired or revoked token is refused with 401 rather than
    quietly served as anonymous, so a client notices.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        request.via = "web"  # type: ignore[attr-defined]
        if request.path.startswith("/api/"):
            request.via = "api"  # type: ignore[attr-defined]
        if header.lower().startswith("bearer "):
            # Failed tokens are throttled like failed passwords (AXES_FAILURE_LIMIT per
            # address, for AXES_COOLOFF_TIME), so secrets cannot be guessed at speed.
            address = client_address(request)
            if token_locked_out(address=address):
                minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
                response = JsonResponse(
                    {
                        "detail": _(
                            "Too many unknown API tokens from your address; try again in "
                            "%(minutes)d minutes."
                        )
                        % {"minutes": minutes}
                    },
                    status=429,
                )
                response["Retry-After"] = str(minutes * 60)
                return response
            user = token_user(secret=header[7:].strip(), at=timezone.now())
            if user is None:
                token_failure_record(address=address)
                response = JsonResponse(
                    {"detail": _("The API token is unknown, expired or revoked.")}, status=401
                )
                response["WWW-Authenticate"] = 'Bearer realm="chapterhouse"'
                return response
            request.user = user
            # A token is not a browser session: no CSRF cookie ride-along is possible.
            request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
            request.via = "api"  # type: ignore[attr-defined]
        today = timezone.localdate()
        request.viewer = SimpleLazyObject(  # type: ignore[attr-defined]
            lambda: viewer_for_user(request.user, on=today)
        )
        return self.get_response(request)
