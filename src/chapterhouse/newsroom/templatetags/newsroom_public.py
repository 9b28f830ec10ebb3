"""Tags of the public news site's frame: ``{% load newsroom_public %}``.

Every page extending ``newsroom/public/base.html`` gets its navigation from
here, so the pages of other areas (search, photos) need not pass anything:
``{% news_language as news_lang %}`` is the working language of the page and
``{% news_categories as categories %}`` the categories (one query, none when
the view already put ``news_categories`` in the context).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from chapterhouse.newsroom.models import Category

register = template.Library()


@register.simple_tag(takes_context=True)
def news_language(context: template.Context) -> str:
    """Return the page's working language: the view's ``lang``, else the active language's."""
    from chapterhouse.newsroom.public.selectors import site_language_of

    lang = context.get("lang")
    if isinstance(lang, str) and lang:
        return lang
    return site_language_of(translation.get_language())


@register.simple_tag(takes_context=True)
def news_categories(context: template.Context) -> Any:
    """Return the categories for the navigation: the view's ``news_categories``, else all."""
    given = context.get("news_categories")
    if given is not None:
        return given
    return list(Category.objects.order_by("slug"))
