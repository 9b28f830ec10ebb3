"""Routes of the newsroom's search pages."""

from django.urls import URLPattern, path

from chapterhouse.newsroom import search_views

app_name = "news_search"

urlpatterns: list[URLPattern] = [
    path("<site_lang:lang>/search/", search_views.search, name="search"),
]
