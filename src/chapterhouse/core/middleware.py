"""Refuse request parameters no database can store."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

# Uploads (multipart) carry binary files, which may hold NUL bytes legitimately.
BODY_TYPES = {"application/json", "application/x-www-form-urlencoded"}
NULS = (b"\x00", b"\\u0000", b"%00")


class RejectNulMiddleware:
    """Answer 400 when the path, a query parameter or a JSON or form body holds a NUL character.

    PostgreSQL cannot hold NUL in text, so such a value would otherwise reach a
    filter and fail with a server error; SQLite would quietly match nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:
            return self.refuse(request, "The address contains a NUL character.")
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return self.refuse(request, f"The parameter {key!r} contains a NUL character.")
        if request.content_type in BODY_TYPES:
            try:
                body = request.body
            except RequestDataTooBig:
                # Over DATA_UPLOAD_MAX_MEMORY_SIZE: say so, rather than a bare 400 page.
                message = _("The request is too large: at most %(size)s bytes are accepted.") % {
                    "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
                }
                return self.refuse(request, message, status=413)
            if any(nul in body for nul in NULS):
                return self.refuse(request, "The request body contains a NUL character.")
        return self.get_response(request)

    def refuse(self, request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=status)
        return HttpResponseBadRequest(message, status=status)
