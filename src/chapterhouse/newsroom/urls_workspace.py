"""Routes of the newsroom's workspace pages."""

from django.urls import URLPattern

app_name = "newsroom"

urlpatterns: list[URLPattern] = []
