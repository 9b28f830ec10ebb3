"""Pick the interface language for each request."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from chapterhouse.core.language import interface_code, request_language_reset, request_language_set

SESSION_KEY = "lang"


class OrganizationLanguageMiddleware:
    """Activate the language named by the path's first segment on the public site
    (``/ru/…``), else the one chosen with ``?lang=`` (remembered in the session), else
    the browser's ``Accept-Language``, else the organization's default language.

    A language may be chosen when it is an interface language (``settings.LANGUAGES``)
    or one of the organization's working languages (its data may be written in a
    language the interface is not translated into). Puts the organization on
    ``request.organization`` so the rest of the request needs no second query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from chapterhouse.registry.models import Organization

        organization = Organization.objects.first()
        request.organization = organization  # type: ignore[attr-defined]
        default = organization.default_language if organization else settings.LANGUAGE_CODE
        allowed = {interface_code(code) for code, _name in settings.LANGUAGES}
        if organization is not None:
            allowed |= {interface_code(code) for code in organization.languages}

        language = None
        asked = request.GET.get("lang")
        prefix = request.path_info.split("/", 2)[1] if request.path_info.count("/") > 1 else ""
        if organization is not None and prefix in organization.languages:
            # The public site names its language in the path (/ru/…): that wins, and
            # nothing is written to the session (its pages are cached for everyone).
            language = interface_code(prefix)
        elif asked and interface_code(asked) in allowed:
            language = interface_code(asked)
            if request.session.get(SESSION_KEY) != language:
                request.session[SESSION_KEY] = language
        else:
            remembered = request.session.get(SESSION_KEY)
            if remembered and interface_code(remembered) in allowed:
                language = interface_code(remembered)
        if language is None and request.META.get("HTTP_ACCEPT_LANGUAGE"):
            language = translation.get_language_from_request(request)
        if language is None:
            fallback = interface_code(default)
            language = fallback if fallback in allowed else settings.LANGUAGE_CODE

        token = request_language_set(default_language=default)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
        finally:
            request_language_reset(token)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        translation.deactivate()
        return response
