"""Attach the viewer to every request, and sign API clients in by bearer token."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from chapterhouse.custody.access import viewer_for_user
from chapterhouse.custody.services import token_user


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
            user = token_user(secret=header[7:].strip(), at=timezone.now())
            if user is None:
                response = JsonResponse(
                    {"detail": "The API token is unknown, expired or revoked."}, status=401
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
