"""What every template needs: the organization, the language switcher and the menu."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from chapterhouse.core.language import interface_code, language_name
from chapterhouse.custody.access import viewer_of
from chapterhouse.web.menu import menu_for


def organization(request: HttpRequest) -> dict[str, Any]:
    """Put the organization (or None) and the language switcher's links into every template.

    The switcher offers the organization's working languages in its display
    order (the interface languages when there is no organization yet); each
    link keeps the page's other query parameters.
    """
    if hasattr(request, "organization"):
        org = getattr(request, "organization", None)
    else:  # a request that did not pass through the middleware (e.g. some error pages)
        from chapterhouse.registry.models import Organization

        org = Organization.objects.first()
    codes = list(org.languages) if org is not None and org.languages else []
    if not codes:
        codes = [code for code, _name in settings.LANGUAGES]
    active = translation.get_language() or settings.LANGUAGE_CODE
    query = request.GET.copy()
    switcher = []
    for code in codes:
        query["lang"] = code
        switcher.append(
            {
                "code": code,
                "name": language_name(code),
                "url": f"{request.path}?{query.urlencode()}",
                "active": interface_code(code) == interface_code(active),
            }
        )
    return {"organization": org, "language_switcher": switcher}


def menu(request: HttpRequest) -> dict[str, Any]:
    """Put the main menu's links the reader may open into every template (no query: the
    viewer was built by the middleware)."""
    return {"menu": menu_for(viewer_of(request))}
