"""The two front doors: the web pages and the JSON API, plus the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("chapterhouse.api.urls")),
    path("accounts/", include("chapterhouse.custody.urls")),
    path("", include("chapterhouse.web.urls")),
]
