"""Pick the interface language for each request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


class OrganizationLanguageMiddleware:
    """Activate the language chosen with ``?lang=`` (remembered in the session),
    else the browser's ``Accept-Language``, else the default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.GET.get("lang") or request.session.get("lang")
        supported = {code for code, _ in _languages()}
        if chosen and _interface_code(chosen) in supported:
            if request.GET.get("lang"):
                request.session["lang"] = chosen
            language = _interface_code(chosen)
        else:
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def _languages() -> list[tuple[str, str]]:
    from django.conf import settings

    return list(settings.LANGUAGES)


def _interface_code(lang: str) -> str:
    """Return the interface code for an organization language (``zh`` → ``zh-hans``)."""
    return {"zh": "zh-hans", "zh-cn": "zh-hans", "zh-hans": "zh-hans"}.get(lang.lower(), lang)
