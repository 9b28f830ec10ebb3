"""Pages that record a person and change one: their names in several scripts, custody,
contact details, without JSON.

Before a new person is recorded the page looks for people already on the record
whose names are alike in any script (``registry.duplicates.people_like``, among
the people the writer may see) and asks the writer to confirm or to open the
existing person; nothing is recorded until they confirm.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from anyascii import anyascii
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.utils import ErrorDict, ErrorList
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chapterhouse.core import limits
from chapterhouse.core.ids import fresh_id, id_stem
from chapterhouse.core.labels import label
from chapterhouse.custody import selectors as custody
from chapterhouse.custody.access import (
    Viewer,
    may_choose_ids,
    may_entrust_people_to,
    may_record_people,
)
from chapterhouse.registry import services as registry
from chapterhouse.registry.duplicates import people_like
from chapterhouse.registry.models import NAME_KIND_CHOICES, Person
from chapterhouse.web.fields import (
    DeskForm,
    LanguageField,
    PartialDateField,
    RecordChoiceField,
    TextByLanguageField,
    desk_languages,
    officer_body_options,
)
from chapterhouse.web.merged_ids import follows_merged_ids
from chapterhouse.web.write_views import _found, _save, _viewer

# The contact details the page asks for one by one; others on record (a messenger …)
# are kept as they are.
CONTACT_KEYS = ("email", "phone", "address")


def _name_kind_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((kind, label(kind, "name_kind")) for kind, _label in NAME_KIND_CHOICES)]


class NameVariantForm(DeskForm):
    """One other way a person's name is written; a row left blank is no name."""

    name = forms.CharField(
        label=gettext_lazy("Name"), required=False, max_length=limits.NAME_MAX_LENGTH
    )
    lang = LanguageField(label=gettext_lazy("Language"))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False, choices=_name_kind_choices)

    def has_changed(self) -> bool:
        # A row that repeats a name on record is still that name (a formset skips the
        # unchanged rows it takes as extra).
        return bool(self.data.get(self.add_prefix("name"), "").strip()) or super().has_changed()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name") and (data.get("lang") or data.get("kind")):
            self.add_error("name", _("Write the name, or clear its language and kind."))
        return data

    def variant(self) -> dict[str, str] | None:
        """Return the variant as a Chronicle writes it, or None for a blank row."""
        data = self.cleaned_data
        if not data.get("name"):
            return None
        return {key: data[key] for key in ("name", "lang", "kind") if data.get(key)}


NameVariantFormSet = forms.formset_factory(
    NameVariantForm, extra=1, max_num=limits.ITEMS_MAX, validate_max=True
)


def _no_options(viewer: Viewer) -> list[tuple[str, str, str]]:
    return []


class PersonForm(DeskForm):
    """A person's display name and its parts, custody and personal data."""

    id = forms.SlugField(
        label=gettext_lazy("Id"),
        required=False,
        max_length=limits.ID_MAX_LENGTH,
        help_text=gettext_lazy(
            "Optional: made from the name (or the call sign) when left blank. Letters, digits"
            " and hyphens; a few random characters are added to it unless you are an"
            " administrator."
        ),
    )
    name = forms.CharField(
        label=gettext_lazy("Display name"),
        max_length=limits.NAME_MAX_LENGTH,
        help_text=gettext_lazy("As the name is usually written in the default language."),
    )
    given = forms.CharField(
        label=gettext_lazy("Given name"), required=False, max_length=limits.NAME_PART_MAX_LENGTH
    )
    family = forms.CharField(
        label=gettext_lazy("Family name"), required=False, max_length=limits.NAME_PART_MAX_LENGTH
    )
    patronymic = forms.CharField(
        label=gettext_lazy("Patronymic"), required=False, max_length=limits.NAME_PART_MAX_LENGTH
    )
    call_sign = forms.CharField(
        label=gettext_lazy("Call sign"),
        required=False,
        max_length=limits.NAME_PART_MAX_LENGTH,
        help_text=gettext_lazy(
            "A pseudonym: everyone but this person's custodians sees it instead of the name."
        ),
    )
    honorific = TextByLanguageField(label=gettext_lazy("Honorific"), required=False)
    custodian = RecordChoiceField(
        label=gettext_lazy("Custodian"),
        options=_no_options,
        help_text=gettext_lazy(
            "The body that keeps their personal data: one you are an officer of."
        ),
    )
    public = forms.BooleanField(label=gettext_lazy("May appear on public pages"), required=False)
    born = PartialDateField(label=gettext_lazy("Born"), required=False)
    email = forms.EmailField(
        label=gettext_lazy("E-mail"), required=False, max_length=limits.CONTACT_MAX_LENGTH
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        required=False,
        max_length=limits.CONTACT_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=gettext_lazy("Address"), required=False, max_length=limits.CONTACT_MAX_LENGTH
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=limits.NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Record a new person anyway: this is someone else"), required=False
    )

    def __init__(self, *args: Any, viewer: Viewer, custodian: str | None = None, **kw: Any):
        super().__init__(*args, viewer=viewer, **kw)
        field = self.fields["custodian"]
        field.options = partial(officer_body_options, keep=custodian)  # type: ignore[attr-defined]
        field.set_viewer(viewer)  # type: ignore[attr-defined]
        # Only an administrator keeps a person without a custodian body.
        field.required = not may_entrust_people_to(viewer, None)

    def values(self, variants: list[dict[str, str]], contact: dict[str, Any]) -> dict[str, Any]:
        """Return the person as Chronicle values (blank fields are null); ``contact``: the
        contact details on record, of which the page changes only ``CONTACT_KEYS``."""
        data = self.cleaned_data
        parts = ("name", "given", "family", "patronymic", "call_sign", "born", "notes")
        values: dict[str, Any] = {key: data[key].strip() or None for key in parts}
        kept = {key: value for key, value in contact.items() if key not in CONTACT_KEYS}
        typed = {key: data[key].strip() for key in CONTACT_KEYS if data[key].strip()}
        return {
            **values,
            "names": variants,
            "custodian": data["custodian"] or None,
            "public": data["public"],
            "honorific": data["honorific"],
            "contact": {**kept, **typed} or None,
        }


def _person_initial(person: Person) -> dict[str, Any]:
    snapshot = registry.person_snapshot(person)
    contact = snapshot["contact"] or {}
    return {
        **{key: snapshot[key] or "" for key in ("name", "given", "family", "patronymic")},
        "call_sign": snapshot["call_sign"] or "",
        "born": snapshot["born"] or "",
        "custodian": snapshot["custodian"] or "",
        "public": snapshot["public"],
        "honorific": snapshot["honorific"],
        **{key: contact.get(key, "") for key in CONTACT_KEYS},
        "notes": snapshot["notes"] or "",
    }


def _quiet(*forms_: Any) -> None:
    """Show what was typed without judging it: the writer asked for another name row,
    not to save (a bound form otherwise validates as it renders)."""
    for form in forms_:
        if isinstance(form, forms.BaseFormSet):
            form._errors = []  # type: ignore[attr-defined]
            form._non_form_errors = ErrorList()  # type: ignore[attr-defined]
            _quiet(*form.forms)
        else:
            form._errors = ErrorDict()


def _with_another_row(data: Any) -> Any:
    data = data.copy()
    total = data.get("names-TOTAL_FORMS", "0")
    data["names-TOTAL_FORMS"] = str(min(int(total) + 1 if total.isdigit() else 1, limits.ITEMS_MAX))
    return data


def _forms(
    request: HttpRequest, viewer: Viewer, *, initial: dict[str, Any], variants: list[Any]
) -> tuple[PersonForm, Any, bool]:
    """Return the person form, the name variants' formset and whether the writer asked for
    another name row (then nothing is saved)."""
    languages = desk_languages()
    data: Any = request.POST if request.method == "POST" else None
    adding = data is not None and "add_name" in data
    if adding:
        data = _with_another_row(data)
    form = PersonForm(
        data,
        initial=initial,
        viewer=viewer,
        languages=languages,
        custodian=initial.get("custodian") or None,
    )
    names = NameVariantFormSet(
        data,
        initial=variants,
        prefix="names",
        form_kwargs={"viewer": viewer, "languages": languages},
    )
    if adding:
        _quiet(form, names)
    return form, names, adding


def _variants(names: Any) -> list[dict[str, str]]:
    return [variant for variant in (row.variant() for row in names.forms) if variant]


def _new_id(viewer: Viewer, form: PersonForm) -> str | None:
    """Return the id to ask for: the one typed, else one made from the name (not for a
    call-signed person, whose id must not give the name away)."""
    data = form.cleaned_data
    if data["id"] or data["call_sign"].strip():
        return data["id"] or None
    stem = id_stem(anyascii(data["name"]), fallback="")
    if stem and may_choose_ids(viewer):
        # An administrator's id is used as it is: one already taken gets a few random
        # characters here instead of being refused (an administrator sees every id).
        taken = Person.objects.filter(slug=stem).exists()
        return (
            fresh_id(stem, taken=lambda slug: Person.objects.filter(slug=slug).exists())
            if taken
            else stem
        )
    return stem or None


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    """Record a person, after a warning when someone alike is already on the record."""
    viewer = _viewer(request)
    if not may_record_people(viewer):
        raise PermissionDenied(_("Only officers of a body may record people."))
    form, names, adding = _forms(request, viewer, initial={}, variants=[])
    duplicates: list[tuple[Person, int]] = []
    if request.method == "POST" and not adding and form.is_valid() and names.is_valid():
        variants = _variants(names)
        if not form.cleaned_data["confirm"]:
            data = form.cleaned_data
            duplicates = people_like(
                viewer=viewer,
                names=[
                    data["name"],
                    f"{data['given']} {data['family']}",
                    data["call_sign"],
                    *(variant["name"] for variant in variants),
                ],
            )
        if not duplicates:
            values = {"id": _new_id(viewer, form), **form.values(variants, {})}
            person = _save(
                request,
                form,
                lambda viewer, via, at: registry.person_create(
                    viewer=viewer, via=via, at=at, values=values
                ),
            )
            if person is not None:
                messages.success(
                    request, _("%(name)s is recorded.") % {"name": viewer.display_name(person)}
                )
                return redirect("web:person", person.slug)
    return render(
        request,
        "web/forms/person.html",
        {
            "nav": "people",
            "form": form,
            "names": names,
            "person": None,
            "duplicates": [
                (person, viewer.display_name(person), score) for person, score in duplicates
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@follows_merged_ids
def person_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change a person's names, custody and personal data (their custodians only)."""
    viewer = _viewer(request)
    person = _found(custody.visible_person, viewer, slug)
    if not viewer.may_edit_person(person):
        raise PermissionDenied(
            _("Only officers of this person's custodian body (or above) may edit them.")
        )
    initial = _person_initial(person)
    variants = registry.person_snapshot(person)["names"] or []
    form, names, adding = _forms(request, viewer, initial=initial, variants=variants)
    del form.fields["id"], form.fields["confirm"]
    if request.method == "POST" and not adding and form.is_valid() and names.is_valid():
        changes = form.values(_variants(names), person.contact or {})
        saved = _save(
            request,
            form,
            lambda viewer, via, at: registry.person_update(
                viewer=viewer, via=via, at=at, person=person, changes=changes
            ),
        )
        if saved is not None:
            messages.success(request, _("The person is saved."))
            return redirect("web:person", person.slug)
    return render(
        request,
        "web/forms/person.html",
        {"nav": "people", "form": form, "names": names, "person": person, "duplicates": []},
    )
