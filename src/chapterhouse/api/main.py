"""The JSON API: one NinjaAPI that reads and writes, every object addressed by its Chronicle id.

Errors always answer with JSON ``{"detail": "..."}``: 404 for an unknown id,
400 for a bad parameter (naming it and its value), and, should a bug slip
through, a 500 that logs the traceback instead of showing it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import ninja
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.openapi.docs import DocsBase

from chapterhouse.api import meetings, registry, relations
from chapterhouse.core.write_schema import body_error_path

logger = logging.getLogger(__name__)

# The Swagger UI files django-ninja ships, so the docs page loads nothing from a CDN.
SWAGGER_DIR = Path(ninja.__file__).parent / "static" / "ninja"
SWAGGER_FILES = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-init.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}


class BundledSwagger(DocsBase):
    """Render Swagger UI from the files bundled with django-ninja, served by this app.

    ninja's own page falls back to a CDN unless ``ninja`` is an installed app
    and its static files are collected; serving the few files here keeps the
    docs page self-contained in every setup.
    """

    settings: dict[str, Any] = {
        "layout": "BaseLayout",
        "deepLinking": True,
        # Swagger UI would otherwise send the document to validator.swagger.io.
        "validatorUrl": None,
    }

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        """Return the docs page for ``api``."""
        swagger_settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        assets = {
            name.replace("-", "_").replace(".", "_"): reverse("api-docs-file", args=[name])
            for name in SWAGGER_FILES
        }
        context = {"api": api, "swagger_settings": swagger_settings, **assets}
        return render(request, "api/docs.html", context)


def docs_file(request: HttpRequest, name: str) -> HttpResponseBase:
    """Return one of the bundled Swagger UI files."""
    if name not in SWAGGER_FILES:
        return JsonResponse({"detail": _("No such file: '%(name)s'") % {"name": name}}, status=404)
    response = FileResponse((SWAGGER_DIR / name).open("rb"), content_type=SWAGGER_FILES[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response


api = NinjaAPI(
    title="Chapterhouse API",
    version="1",
    description=(
        "Read and write the organization's record: bodies, people and terms as of any "
        "day, conferences, sessions and decisions, partners, agreements, honours and tasks. "
        "Every object is addressed by its Chronicle id. Texts are strings (in the "
        "organization's default language) or objects mapping language codes to strings; "
        "dates are written as recorded (YYYY, YYYY-MM or YYYY-MM-DD).\n\n"
        "**Reading** (GET) needs no account: a visitor gets what the public site shows, a "
        "signed-in client also what its grants let it see.\n\n"
        "**Writing** (POST to record, PATCH to change) needs a signed-in client: a personal "
        "token (`Authorization: Bearer chp_…`, made with `chapterhouse token create EMAIL`) "
        "or the browser's session with its CSRF token "
        "(`X-CSRFToken`). Bodies are Chronicle objects; every write is checked, validated and "
        "recorded in the audit trail as the same write on the web pages would be. Answers: "
        "201 or 200 with the object, 400 naming each bad field, 401 when not signed in, 403 "
        "without the right, 404 for an id that does not exist or may not be seen."
    ),
    docs=BundledSwagger(),
    urls_namespace="api-v1",
)
api.add_router("", registry.router)
api.add_router("", meetings.router)
api.add_router("", relations.router)
import chapterhouse.api.relations_writes  # noqa: E402  - partners, honours, agreements
import chapterhouse.api.writes  # noqa: E402, F401  - adds POST/PATCH to the routers above


def _describe_validation_error(request: HttpRequest, error: dict[str, Any]) -> str:
    location = [str(part) for part in error.get("loc", ())]
    where = location[0] if location else ""
    name = ".".join(location[1:]) or where
    message = str(error.get("msg", ""))
    if where == "body":  # a write's JSON body: say where in it, as the Chronicle importer does
        return f"{body_error_path(location[2:]) or name}: {message}"
    if error.get("type") == "missing":
        return _("Missing the required parameter '%(name)s'") % {"name": name}
    # ninja leaves the offending value out of its errors; a query value is easy to find again.
    value = request.GET.get(name) if where == "query" else None
    if value is not None:
        return _("Invalid value for '%(name)s': '%(value)s' (%(message)s)") % {
            "name": name,
            "value": value,
            "message": message,
        }
    return _("Invalid '%(name)s' (%(message)s)") % {"name": name, "message": message}


@api.exception_handler(ValidationError)
def bad_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Answer a parameter that does not validate with a 400 naming it and its value."""
    detail = "; ".join(_describe_validation_error(request, error) for error in exc.errors)
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """Answer a request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with a 413 saying the limit."""
    return api.create_response(
        request,
        {
            "detail": _("The request is too large: at most %(size)s bytes are accepted.")
            % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        },
        status=413,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """Answer a 404 with JSON."""
    return api.create_response(request, {"detail": _("Not found")}, status=404)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Log an unexpected error and answer with JSON, never with a traceback."""
    logger.exception("API error on %s", request.path)
    return api.create_response(request, {"detail": _("Internal server error")}, status=500)


def unknown_path(request: HttpRequest, path: str = "") -> HttpResponse:
    """Answer a path under the API that names no endpoint with a JSON 404."""
    return api.create_response(
        request,
        {"detail": _("No API endpoint at '%(path)s'") % {"path": request.path}},
        status=404,
    )
