"""CLDR through Babel for an explicit language: ordinals, countries, dates and lists.

Unlike ``core.formatting`` (which reads the request's active language), every
function here takes ``lang`` as an argument, so reports, feeds and the CLI can
write any working language from one process. ``lang`` is an organization or
Django language code (``ko``, ``en``, ``ru``, ``zh``, ``zh-hans``, ``de``); an
unknown code falls back to English rather than failing a whole report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval, format_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal
from django.utils import translation
from django.utils.translation import pgettext

# Organization languages are BCP 47 (``zh``); Django's catalogues for Chinese
# are keyed by script (``zh-hans``), and so is the CLDR locale we want.
_CATALOGUE_ALIASES = {"zh": "zh-hans", "zh-cn": "zh-hans", "zh-sg": "zh-hans"}


def catalogue_code(lang: str) -> str:
    """Return the Django catalogue code for ``lang`` (``zh`` → ``zh-hans``, ``DE`` → ``de``)."""
    lowered = lang.strip().lower().replace("_", "-")
    return _CATALOGUE_ALIASES.get(lowered, lowered)


@lru_cache(maxsize=64)
def babel_locale(lang: str) -> Locale:
    """Return the CLDR locale of ``lang`` (``zh-hans`` → ``zh_Hans``), else English."""
    try:
        return Locale.parse(translation.to_locale(catalogue_code(lang)))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def number_in(value: int | float, lang: str) -> str:
    """Return ``value`` with ``lang``'s digits and grouping (``1,000``, ``1 000``, ``1.000``)."""
    return format_decimal(value, locale=babel_locale(lang))


def _anniversary_message(category: str) -> str:
    """Return the gettext message of one CLDR ordinal category, translated in the active language.

    The msgids and contexts are the ones ``core.formatting`` already uses, so the
    five working languages are translated in the catalogues today. ``zero`` and
    ``many`` exist in no working language; they get their own messages so that a
    translator of a language that has them (Italian ``many``: 8th, 11th …) can
    word them, and read as English ``other`` until then.
    """
    if category == "zero":
        return pgettext("ordinal zero", "%(number)sth anniversary")
    if category == "one":
        return pgettext("ordinal one", "%(number)sst anniversary")
    if category == "two":
        return pgettext("ordinal two", "%(number)snd anniversary")
    if category == "few":
        return pgettext("ordinal few", "%(number)srd anniversary")
    if category == "many":
        return pgettext("ordinal many", "%(number)sth anniversary")
    return pgettext("ordinal other", "%(number)sth anniversary")


def anniversary_ordinal(number: int, lang: str) -> str:
    """Return "the ``number``-th anniversary" in ``lang``.

    The CLDR ordinal rules of ``lang`` itself choose the category (English:
    1st, 2nd, 3rd, 4th, 11th, 21st, 112th; Korean, Russian, Chinese and German
    have only ``other``), and the interface catalogue of ``lang`` words each
    category: ``79th anniversary``, ``79-я годовщина``, ``79. Jahrestag``,
    ``79周年``, ``79주년``. The number is written with ``lang``'s digits.
    """
    locale = babel_locale(lang)
    category = locale.ordinal_form(number)
    with translation.override(catalogue_code(lang)):
        message = _anniversary_message(category)
    return message % {"number": number_in(number, lang)}


def country_name(code: str, lang: str) -> str:
    """Return the name of ISO 3166-1 ``code`` in ``lang`` (``KR`` → ``대한민국``, ``South Korea``).

    An unknown code is returned as it was given, an empty one as ``""``.
    """
    if not code:
        return ""
    return babel_locale(lang).territories.get(code.upper(), code)


def date_day_month(value: dt.date, lang: str) -> str:
    """Return the day and month of ``value`` in ``lang``'s own order and words.

    ``May 18`` (CLDR ``en`` is US English), ``18 мая``, ``18. Mai``, ``5月18日``,
    ``5월 18일``: the year is left out, for a schedule within one year.
    """
    return format_skeleton("MMMMd", value, locale=babel_locale(lang))


def date_full(value: dt.date, lang: str) -> str:
    """Return ``value`` with day, month and year in ``lang`` (CLDR long format, no weekday).

    ``May 18, 2025``, ``18 мая 2025 г.``, ``18. Mai 2025``, ``2025年5月18日``,
    ``2025년 5월 18일``.
    """
    return format_date(value, format="long", locale=babel_locale(lang))


def date_span(first: dt.date, last: dt.date, lang: str) -> str:
    """Return the days ``first`` to ``last`` (both included) as one CLDR interval in ``lang``.

    ``May 18 – 20, 2025``, ``18—20 мая 2025 г.``, ``18.–20. Mai 2025``; a span
    over a year's end names both years; a single day is written as ``date_full``.
    """
    if first == last:
        return date_full(first, lang)
    return format_interval(first, last, "yMMMMd", locale=babel_locale(lang))


def list_join(items: Iterable[str], lang: str) -> str:
    """Return ``items`` joined as a list in ``lang`` (``A, B, and C``, ``A, B и C``, ``A、B和C``).

    Empty items are dropped; no items give ``""``.
    """
    kept = [item for item in items if item]
    if not kept:
        return ""
    return format_list(kept, locale=babel_locale(lang))
