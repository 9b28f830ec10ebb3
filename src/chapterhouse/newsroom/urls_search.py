"""Routes of the newsroom's search pages."""

from django.urls import URLPattern

app_name = "news_search"

urlpatterns: list[URLPattern] = []
