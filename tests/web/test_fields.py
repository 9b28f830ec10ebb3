"""The desk's fields: texts by language, partial dates, countries and pickers that only
offer what the writer may see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from chapterhouse.custody.access import ADMIN, viewer_for_user
from chapterhouse.web.fields import (
    CountryField,
    DeskForm,
    PartialDateField,
    PersonPickerField,
    RecordChoiceField,
    TextByLanguageField,
)

pytestmark = pytest.mark.django_db


class SampleForm(DeskForm):
    name = TextByLanguageField(label="Name", required=True)
    day = PartialDateField(label="Day", required=False)
    who = PersonPickerField(label="Who", required=False)
    body = RecordChoiceField(label="Body", required=False)
    country = CountryField(label="Country", required=False)


def _viewer(personas, name):
    return viewer_for_user(personas[name], on=dt.date(2026, 1, 1))


def _form(viewer, **data):
    return SampleForm({"name_0": "Name", **data}, viewer=viewer)


def test_a_text_has_one_input_per_working_language_the_default_first(demo):
    html = str(SampleForm(viewer=ADMIN)["name"])
    langs = [part.split('"')[0] for part in html.split('lang="')[1:]]
    assert langs == ["en", "ko", "ru", "zh", "de"]


def test_a_text_keeps_only_the_languages_given(demo):
    form = _form(ADMIN, name_0="Friends", name_2="Друзья", name_1="  ")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == {"en": "Friends", "ru": "Друзья"}


def test_a_required_text_needs_the_default_language(demo):
    form = SampleForm({"name_2": "Друзья"}, viewer=ADMIN)
    assert not form.is_valid()
    assert "English" in form.errors["name"][0]


@pytest.mark.parametrize(
    ("typed", "kept"), [("2025", "2025"), ("2025-05", "2025-05"), ("2025-05-09", "2025-05-09")]
)
def test_a_date_may_be_a_year_a_month_or_a_day(demo, typed, kept):
    form = _form(ADMIN, day=typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == kept


@pytest.mark.parametrize("typed", ["2025-02-30", "9 May 2025", "2025-13"])
def test_a_date_that_is_not_on_the_calendar_is_refused_beside_the_field(demo, typed):
    form = _form(ADMIN, day=typed)
    assert not form.is_valid()
    assert typed in form.errors["day"][0]


def test_countries_are_named_in_the_readers_language(demo):
    with translation.override("ru"):
        html = str(SampleForm(viewer=ADMIN)["country"])
    assert ">Казахстан<" in html
    assert 'value="KZ"' in html
    assert 'value="EU"' not in html


def test_a_person_is_found_by_a_name_in_another_script(personas):
    form = _form(_viewer(personas, "bob"), who="Бекова")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["who"] == "aigerim-bekova"


def test_a_hidden_person_is_answered_like_nobody(personas):
    bob = _viewer(personas, "bob")
    hidden = _form(bob, who="lark")
    missing = _form(bob, who="nobody-at-all")
    assert not hidden.is_valid() and not missing.is_valid()
    assert hidden.errors["who"][0].replace("lark", "X") == missing.errors["who"][0].replace(
        "nobody-at-all", "X"
    )
    assert _form(_viewer(personas, "alice"), who="lark").is_valid()


def test_a_chosen_person_shows_by_name_with_the_id(personas):
    form = SampleForm(initial={"who": "aigerim-bekova"}, viewer=_viewer(personas, "bob"))
    assert "(aigerim-bekova)" in str(form["who"])
    typed = _form(_viewer(personas, "bob"), who="Aigerim Bekova (aigerim-bekova)")
    assert typed.is_valid() and typed.cleaned_data["who"] == "aigerim-bekova"


def test_bodies_offered_are_those_the_writer_may_see(personas):
    charlie = str(SampleForm(viewer=_viewer(personas, "charlie"))["body"])
    admin = str(SampleForm(viewer=ADMIN)["body"])
    assert admin.count("<option") >= charlie.count("<option")
    assert 'value="council"' in charlie


def test_a_renamed_body_is_offered_by_its_new_name_and_found_by_its_old_one(demo):
    html = str(SampleForm(viewer=ADMIN)["body"])
    option = next(line for line in html.splitlines() if 'value="press-bureau"' in line)
    assert ">Information Bureau<" in option
    assert "Press Bureau" in option  # among the names it is found by
