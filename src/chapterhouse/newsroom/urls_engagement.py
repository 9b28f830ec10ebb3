"""Routes of the newsroom's engagement pages."""

from django.urls import URLPattern

app_name = "engagement"

urlpatterns: list[URLPattern] = []
