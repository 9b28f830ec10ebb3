"""Routes of the newsroom's public pages: the news site under each working language.

These come last in the root URLs, so no other page's path is read as a language;
``<site_lang:lang>`` matches only the organization's working languages.
"""

from django.urls import path

from chapterhouse.newsroom.public import views
from chapterhouse.newsroom.public.feeds import NewsFeed
from chapterhouse.newsroom.public.page_cache import public_page

app_name = "news"

news_feed = public_page(NewsFeed())

urlpatterns = [
    path("news/", views.negotiate, name="negotiate"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("<site_lang:lang>/", views.home, name="home"),
    path("<site_lang:lang>/feed.atom", news_feed, name="feed"),
    path("<site_lang:lang>/news/<str:slug>/", views.article, name="article"),
    path("<site_lang:lang>/categories/<str:slug>/", views.category, name="category"),
    path("<site_lang:lang>/categories/<str:slug>/feed.atom", news_feed, name="category_feed"),
    path("<site_lang:lang>/tags/<str:slug>/", views.tag, name="tag"),
]
