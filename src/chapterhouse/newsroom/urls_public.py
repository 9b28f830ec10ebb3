"""Routes of the newsroom's public pages: the news site under each working language.

These come last in the root URLs, so no other page's path is read as a language;
``<site_lang:lang>`` matches only the organization's working languages.
"""

from django.urls import path

from chapterhouse.newsroom import public_views
from chapterhouse.newsroom.feeds import NewsFeed
from chapterhouse.newsroom.page_cache import public_page

app_name = "news"

news_feed = public_page(NewsFeed())

urlpatterns = [
    path("news/", public_views.negotiate, name="negotiate"),
    path("sitemap.xml", public_views.sitemap, name="sitemap"),
    path("<site_lang:lang>/", public_views.home, name="home"),
    path("<site_lang:lang>/feed.atom", news_feed, name="feed"),
    path("<site_lang:lang>/news/<str:slug>/", public_views.article, name="article"),
    path("<site_lang:lang>/categories/<str:slug>/", public_views.category, name="category"),
    path("<site_lang:lang>/categories/<str:slug>/feed.atom", news_feed, name="category_feed"),
    path("<site_lang:lang>/tags/<str:slug>/", public_views.tag, name="tag"),
]
