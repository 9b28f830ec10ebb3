"""Routes of the newsroom's public pages."""

from django.urls import URLPattern

app_name = "news"

urlpatterns: list[URLPattern] = []
