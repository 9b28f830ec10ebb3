"""The JSON API under /api/v1/: the endpoints, the OpenAPI document and its docs page."""

from django.urls import path, re_path

from chapterhouse.api.main import api, docs_file, unknown_path

urlpatterns = [
    path("docs/files/<str:name>", docs_file, name="api-docs-file"),
    path("", api.urls),
    # Anything else under the API answers in JSON too, not with an HTML page.
    re_path(r"^(?P<path>.*)$", unknown_path),
]
