"""Authorization-matrix rows of the public news site (newsroom/urls_public.py).

The news site is public: every persona reads the same pages. The scheduled demo
article (gc5-closing-statement, publish_at 2030) is not on the site for anyone,
editors included: they preview it in the workspace, not on the public site.
"""

from __future__ import annotations

from typing import Any


def rows(allowed: Any, everyone: set[str], signed_in: set[str], login: int) -> list[Any]:
    nobody: set[str] = set()
    return [
        ("news/", "/news/", allowed(nobody, no=302)),
        ("sitemap.xml", "/sitemap.xml", allowed(everyone)),
        # The root files every site is asked for (web/site_files.py).
        ("favicon.ico", "/favicon.ico", allowed(everyone)),
        ("robots.txt", "/robots.txt", allowed(everyone)),
        ("<site_lang:lang>/", "/en/", allowed(everyone)),
        ("<site_lang:lang>/", "/ko/?page=1", allowed(everyone)),
        ("<site_lang:lang>/", "/ko/?page=99", allowed(nobody)),
        ("<site_lang:lang>/feed.atom", "/ru/feed.atom", allowed(everyone)),
        ("<site_lang:lang>/news/<str:slug>/", "/en/news/gc5-opens/", allowed(everyone)),
        ("<site_lang:lang>/news/<str:slug>/", "/de/news/gc5-steppe-day/", allowed(everyone)),
        (
            "<site_lang:lang>/news/<str:slug>/",
            "/en/news/gc5-closing-statement/",
            allowed(nobody),
        ),
        ("<site_lang:lang>/news/<str:slug>/", "/en/news/no-such-article/", allowed(nobody)),
        (
            "<site_lang:lang>/categories/<str:slug>/",
            "/zh/categories/conference-news/",
            allowed(everyone),
        ),
        ("<site_lang:lang>/categories/<str:slug>/", "/en/categories/nope/", allowed(nobody)),
        (
            "<site_lang:lang>/categories/<str:slug>/feed.atom",
            "/de/categories/statements/feed.atom",
            allowed(everyone),
        ),
        (
            "<site_lang:lang>/categories/<str:slug>/feed.atom",
            "/de/categories/nope/feed.atom",
            allowed(nobody),
        ),
        ("<site_lang:lang>/tags/<str:slug>/", "/ru/tags/youth/", allowed(everyone)),
        ("<site_lang:lang>/tags/<str:slug>/", "/ru/tags/nope/", allowed(nobody)),
    ]
