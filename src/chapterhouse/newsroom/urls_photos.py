"""Routes of the newsroom's photos pages."""

from django.urls import URLPattern

app_name = "photos"

urlpatterns: list[URLPattern] = []
