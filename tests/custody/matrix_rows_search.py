"""Authorization matrix rows of the news search page: public, for everyone."""

from __future__ import annotations

from typing import Any


def rows(allowed: Any, everyone: set[str], signed_in: set[str], login: int) -> list[Any]:
    return [
        ("<site_lang:lang>/search/", "/en/search/?q=conference", allowed(everyone)),
        ("<site_lang:lang>/search/", "/ko/search/?q=%EB%8C%80%ED%9A%8C", allowed(everyone)),
        ("<site_lang:lang>/search/", "/en/search/?q=x&page=nope", allowed(set(), no=400)),
        # Not a working language of the organization: no such page.
        ("<site_lang:lang>/search/", "/fr/search/?q=conference", allowed(set())),
    ]
