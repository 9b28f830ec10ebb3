"""Routes of the newsroom's search pages."""

from django.urls import URLPattern, path

from chapterhouse.newsroom.search import views

app_name = "news_search"

urlpatterns: list[URLPattern] = [
    path("<site_lang:lang>/search/", views.search, name="search"),
]
