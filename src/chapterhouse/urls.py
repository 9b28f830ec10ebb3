"""The front doors: the web pages and the JSON API, plus the admin.

The public news site lives under a working language (``/en/``, ``/ru/`` …); its
patterns come last so that no other page's path is read as a language.
"""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("chapterhouse.api.urls")),
    path("accounts/", include("chapterhouse.custody.urls")),
    path("newsroom/", include("chapterhouse.newsroom.workflow.urls")),
    path("", include("chapterhouse.newsroom.engagement.urls")),
    path("", include("chapterhouse.newsroom.photos.urls")),
    path("", include("chapterhouse.newsroom.search.urls")),
    path("", include("chapterhouse.web.urls")),
    path("", include("chapterhouse.newsroom.public.urls")),
]

# A refusal shows why, on the site's own page (web/errors.py); 404 and 500 use the
# templates of the same names.
handler403 = "chapterhouse.web.errors.permission_denied"
