"""The desk's form fields: texts in every working language, partial dates, countries by
their CLDR names, and pickers for people, bodies and the organization's other records.

Every picker works without JavaScript: a person is typed as a name (any variant, any
script, or the call sign) or picked from the suggestions, and the server resolves what
was typed among the people the writer may see, exactly as the API's person search
does; a body, partner, honour or commemoration is a ``<select>`` of what the writer
may see. ``web/desk.js`` turns both into type-ahead lists when scripts run.

A form whose fields depend on who writes derives from :class:`DeskForm` and passes
``viewer=``; the fields learn the viewer and the working languages from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from chapterhouse.core.cldr import babel_locale, catalogue_code
from chapterhouse.core.language import language_name, text
from chapterhouse.core.partial_dates import InvalidPartialDate, PartialDate
from chapterhouse.custody.access import Viewer, may_entrust_people_to
from chapterhouse.registry import selectors as registry
from chapterhouse.registry.models import Body, BodyName, Person
from chapterhouse.registry.search import search_people
from chapterhouse.reports.conference import working_languages

# -- texts in every working language --------------------------------------------------------


class TextByLanguageWidget(forms.MultiWidget):
    """One input per working language, each marked with its ``lang``."""

    template_name = "web/widgets/text_by_language.html"

    def __init__(self, languages: list[str], *, multiline: bool = False) -> None:
        self.languages = languages
        inner: type[forms.Widget] = forms.Textarea if multiline else forms.TextInput
        widgets = [
            inner(attrs={"lang": lang, **({"rows": 3} if multiline else {})}) for lang in languages
        ]
        super().__init__(widgets)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dict):
            return [value.get(lang, "") for lang in self.languages]
        if isinstance(value, str) and value:
            # A plain Text is written in the organization's default language, which the
            # desk lists first.
            return [value, *[""] * (len(self.languages) - 1)]
        return [""] * len(self.languages)

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for widget, lang in zip(context["widget"]["subwidgets"], self.languages, strict=True):
            widget["language_name"] = language_name(lang)
            widget["lang"] = lang
        return context


class TextByLanguageField(forms.MultiValueField):
    """A Chronicle Text typed as one field per working language.

    Cleans to ``{lang: text}`` with the blank languages left out, or None when all are
    blank. ``required`` means the first (default) language must be given.
    """

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        self.languages: list[str] = []
        super().__init__(
            fields=(),
            widget=TextByLanguageWidget([], multiline=multiline),
            require_all_fields=False,
            **kwargs,
        )

    def set_languages(self, languages: list[str]) -> None:
        """Give the field one input per language in ``languages`` (the default first)."""
        self.languages = languages
        self.fields = tuple(forms.CharField(required=False, strip=True) for _ in languages)
        attrs = self.widget.attrs
        self.widget = TextByLanguageWidget(languages, multiline=self.multiline)
        self.widget.attrs.update(attrs)
        self.widget.is_required = self.required

    def clean(self, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            value = self.widget.decompress(value)
        parts = zip(self.languages, value, strict=False)
        values = {lang: (part or "").strip() for lang, part in parts}
        given = {lang: part for lang, part in values.items() if part}
        if self.required and self.languages and not given.get(self.languages[0]):
            raise forms.ValidationError(
                _("Give it at least in %(language)s.")
                % {"language": language_name(self.languages[0])},
                code="required",
            )
        return given or None

    def compress(self, data_list: list[Any]) -> Any:  # pragma: no cover - clean() does it
        return None

    def has_changed(self, initial: Any, data: Any) -> bool:
        return bool(self.clean(data) != (initial or None))


# -- languages ---------------------------------------------------------------------------------

# Two-letter (ISO 639-1) codes: a name variant is written in a language people know by
# name; the three-letter codes CLDR also lists would bury them in a very long list.
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")


def language_choices(working: list[str], lang: str | None = None) -> list[Any]:
    """Return the choices of a language ``<select>``: the working languages first, then
    every other language, named and sorted in ``lang`` (the reader's language by default)."""
    locale = babel_locale(lang or catalogue_code(get_language() or "en"))

    def named(code: str) -> str:
        name = locale.languages.get(code) or code
        return name[:1].upper() + name[1:]

    codes = [code for code in locale.languages if isinstance(code, str)]
    others = sorted(
        (
            (code, named(code))
            for code in codes
            if _LANGUAGE_CODE.fullmatch(code) and code not in working
        ),
        key=lambda pair: pair[1].casefold(),
    )
    return [
        ("", "—"),
        (_("Working languages"), [(code, named(code)) for code in working]),
        (_("Other languages"), others),
    ]


class LanguageField(forms.ChoiceField):
    """A language chosen by its name in the reader's language, the working languages
    first; cleans to its code (or "" when none is chosen)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=[("", "—")], **kwargs)

    def set_languages(self, languages: list[str]) -> None:
        self.choices = language_choices(languages)


# -- dates that may be partial --------------------------------------------------------------


class PartialDateInput(forms.TextInput):
    """A text input for ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; desk.js adds a calendar
    button that fills in a whole day."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={
                "data-partial-date": "",
                "inputmode": "numeric",
                "autocomplete": "off",
                "placeholder": gettext_lazy("YYYY-MM-DD"),
                "size": 12,
                **(attrs or {}),
            }
        )


class PartialDateField(forms.CharField):
    """A date that may be only a year or a month; cleans to its Chronicle text."""

    widget = PartialDateInput
    default_help_text = gettext_lazy("A day (2025-05-09), or a month (2025-05) or year (2025).")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", self.default_help_text)
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        value = (super().to_python(value) or "").strip()
        if not value:
            return ""
        try:
            return str(PartialDate.parse(value))
        except InvalidPartialDate:
            raise forms.ValidationError(
                _(
                    "“%(value)s” is not a date on the calendar: write a day as 2025-05-09,"
                    " a month as 2025-05 or a year as 2025."
                )
                % {"value": value},
                code="invalid",
            ) from None


# -- countries --------------------------------------------------------------------------------

# CLDR also names regions (001), groupings (EU, UN) and placeholders (ZZ); only the
# two-letter codes of ISO 3166-1 are countries a session can take place in.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "XK"}


def country_choices(lang: str | None = None) -> list[tuple[str, str]]:
    """Return ``(code, name)`` for every country, named and sorted in ``lang`` (the
    reader's language by default)."""
    locale = babel_locale(lang or catalogue_code(get_language() or "en"))
    names = [
        (code, name)
        for code, name in locale.territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    return sorted(names, key=lambda pair: pair[1].casefold())


class CountryField(forms.ChoiceField):
    """An ISO 3166-1 country chosen by its name in the reader's language."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=self._choices_now, **kwargs)

    def _choices_now(self) -> list[tuple[str, str]]:
        return [("", "—"), *country_choices()]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "data-picker": "select"}


# -- people ------------------------------------------------------------------------------------

_ID_IN_BRACKETS = re.compile(r"\(([^()\s]+)\)\s*$")


def person_label(viewer: Viewer, person: Person) -> str:
    """Return how the desk writes a chosen person: their name as ``viewer`` may read it,
    with the id in brackets so the text resolves back to the same person."""
    return f"{viewer.display_name(person)} ({person.slug})"


def person_labels(viewer: Viewer, slugs: Iterable[str]) -> dict[str, str]:
    """Return `person_label` for each of ``slugs`` the viewer may see, in one query: give
    rows of person pickers these as their initial values, and no row asks again."""
    wanted = [slug for slug in slugs if slug]
    if not wanted:
        return {}
    people = registry.people_visible(viewer=viewer).filter(slug__in=wanted)
    return {person.slug: person_label(viewer, person) for person in people}


class PersonPickerInput(forms.TextInput):
    """A person typed by name; desk.js suggests matches from the API's person search."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={"data-picker": "people", "autocomplete": "off", "spellcheck": "false"}
            | (attrs or {})
        )
        self.viewer: Viewer | None = None

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-source"] = reverse("api-v1:people")
        return context

    def format_value(self, value: Any) -> str | None:
        # An id (the initial value of an edit form) shows as the person's name.
        if isinstance(value, Person) and self.viewer is not None:
            return person_label(self.viewer, value)
        if isinstance(value, str) and value and self.viewer is not None and "(" not in value:
            person = registry.people_visible(viewer=self.viewer).filter(slug=value).first()
            if person is not None:
                return person_label(self.viewer, person)
        return super().format_value(value)


# A picker takes a person whose name scores at least this (registry.search: 0–100) …
PICKED = 90
# … and the best of several when the next scores this much less.
CLEARLY = 10


class PersonPickerField(forms.CharField):
    """A person the writer may see, typed as a name, a call sign or an id; cleans to the
    person's id.

    Someone the writer may not see is answered exactly like someone who does not exist.
    Several matches are listed, so the writer can pick one.
    """

    widget = PersonPickerInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault(
            "help_text", gettext_lazy("Type part of a name in any script, or a call sign.")
        )
        super().__init__(**kwargs)
        self.viewer: Viewer | None = None

    def set_viewer(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.widget.viewer = viewer

    def to_python(self, value: Any) -> str:
        typed = (super().to_python(value) or "").strip()
        if not typed:
            return ""
        assert self.viewer is not None, "DeskForm gives its pickers the viewer"
        visible = registry.people_visible(viewer=self.viewer)
        bracketed = _ID_IN_BRACKETS.search(typed)
        for slug in filter(None, [bracketed.group(1) if bracketed else None, typed]):
            person = visible.filter(slug=slug).first()
            if person is not None:
                return person.slug
        # Only close matches count: a typed "Lark" does not pick "Lars Eriksson".
        matches = [
            match
            for match in search_people(typed, viewer=self.viewer, limit=6)
            if match.score >= PICKED
        ]
        found = [match.person for match in matches]
        # The best match is the one meant when the next is clearly worse.
        if len(found) == 1 or (found and matches[0].score - matches[1].score >= CLEARLY):
            return found[0].slug
        if not found:
            raise forms.ValidationError(
                _("No person called “%(name)s” is on the record.") % {"name": typed},
                code="unknown",
            )
        raise forms.ValidationError(
            _("Several people match “%(name)s”: %(people)s. Choose one.")
            % {
                "name": typed,
                "people": "; ".join(person_label(self.viewer, person) for person in found[:5]),
            },
            code="ambiguous",
        )


# -- bodies and the organization's other records ----------------------------------------------


class OptionsSelect(forms.Select):
    """A ``<select>`` whose options carry every name they can be found by (desk.js filters
    on them as the writer types)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"data-picker": "select"} | (attrs or {}))
        self.search_names: dict[str, str] = {}

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        names = self.search_names.get(str(value))
        if names:
            option["attrs"]["data-names"] = names
        return option


class OptionsSelectMultiple(OptionsSelect, forms.SelectMultiple):
    """The several-choice form of :class:`OptionsSelect` (its options, ``SelectMultiple``'s
    reading of the submitted values)."""


Options = Callable[[Viewer], Iterable[tuple[str, str, str]]]


def _names_of(*values: Any) -> str:
    """Return every name variant in ``values`` (Texts or strings), space-separated."""
    found: list[str] = []
    for value in values:
        if isinstance(value, dict):
            found.extend(str(part) for part in value.values() if part)
        elif isinstance(value, list):
            found.append(_names_of(*value))
        elif value:
            found.append(str(value))
    return " ".join(found)


def body_options(viewer: Viewer) -> list[tuple[str, str, str]]:
    """Return ``(id, name, every name)`` for each body ``viewer`` may see, named as it is
    called today (after its latest rename) and found by every name it ever bore."""
    bodies = Body.objects.filter(viewer.body_filter())
    today = timezone.localdate()
    rows = (
        bodies.annotate(today_name=registry.body_name_as_of_expression(as_of=today))
        .order_by("kind", "number", "slug")
        .values_list("pk", "slug", "name", "today_name", "aliases")
    )
    renames: dict[int, list[Any]] = {}
    for body_id, name in BodyName.objects.values_list("body_id", "name"):
        renames.setdefault(body_id, []).append(name)
    return [
        (slug, text(now), _names_of(slug, name, aliases, renames.get(pk, [])))
        for pk, slug, name, now, aliases in rows
    ]


def officer_body_options(viewer: Viewer, *, keep: str | None = None) -> list[tuple[str, str, str]]:
    """Return ``(id, name, every name)`` for each body ``viewer`` may entrust people to
    (`may_entrust_people_to`: every body for an administrator), and the body ``keep`` (a
    record's current one) whatever."""
    bodies = Body.objects.filter(viewer.body_filter())
    rows = bodies.order_by("kind", "number", "slug").values_list("pk", "slug", "name", "aliases")
    return [
        (slug, text(name), _names_of(slug, name, aliases))
        for pk, slug, name, aliases in rows
        if slug == keep or may_entrust_people_to(viewer, pk)
    ]


class RecordChoiceMixin:
    """Choices computed for the writer from ``options(viewer)``; ids outside them are
    refused as unknown."""

    options: Options
    empty_label: str | None
    widget: Any

    def set_viewer(self, viewer: Viewer) -> None:
        rows = list(self.options(viewer))
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        choices: Any = [*empty, *((slug, name) for slug, name, _names in rows)]
        self.choices = choices
        self.widget.search_names = {slug: names for slug, _name, names in rows}


class RecordChoiceField(RecordChoiceMixin, forms.ChoiceField):
    """One record (a body, by default) among those the writer may see; cleans to its id."""

    widget = OptionsSelect

    def __init__(
        self, *, options: Options = body_options, empty_label: str | None = "—", **kw: Any
    ):
        self.options = options
        self.empty_label = empty_label
        super().__init__(choices=[], **kw)
        self.error_messages["invalid_choice"] = gettext_lazy(
            "“%(value)s” is not one you can choose."
        )


class RecordMultipleChoiceField(RecordChoiceMixin, forms.MultipleChoiceField):
    """Several records (bodies, by default) among those the writer may see; cleans to
    their ids in the order given."""

    widget = OptionsSelectMultiple

    def __init__(self, *, options: Options = body_options, **kw: Any) -> None:
        self.options = options
        self.empty_label = None
        super().__init__(choices=[], **kw)
        self.error_messages["invalid_choice"] = gettext_lazy(
            "“%(value)s” is not one you can choose."
        )


# -- forms that know who writes ---------------------------------------------------------------


def desk_languages() -> list[str]:
    """Return the organization's working languages, the default first (one query)."""
    listed, default = working_languages()
    return [default, *[lang for lang in listed if lang != default]]


class DeskForm(forms.Form):
    """A form whose pickers and multilingual texts depend on the writer and the
    organization: pass ``viewer=``."""

    template_name = "web/forms/_form.html"

    def __init__(
        self, *args: Any, viewer: Viewer, languages: list[str] | None = None, **kwargs: Any
    ) -> None:
        """``languages``: the working languages, the default first, when the caller has
        them already (the forms of a formset share one query)."""
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        for field in self.fields.values():
            if isinstance(field, TextByLanguageField | LanguageField):
                if languages is None:
                    languages = desk_languages()
                field.set_languages(languages)
            set_viewer = getattr(field, "set_viewer", None)
            if set_viewer is not None:
                set_viewer(viewer)
