"""The site's URLs plus ``/bench/bare/``: a view doing nothing, the yardstick of the load test."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from chapterhouse.urls import urlpatterns as site_patterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"bare", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *site_patterns]
