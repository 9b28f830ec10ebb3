"""Pages of the organization's outside world: partners, honours (with their recipients and
the letter of thanks) and agreements, and the desk's forms that record them.

Reading is public (a hidden person is never named: honours list only the recipients
the reader may see, signatories the reader may not see appear by placeholder).
Writing partners, honours and agreements is for those who act for the whole
organization (``custody.access.may_act_for_organization``); the services check it
again, validate, lock and audit. An agreement is signed only by a decision.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from chapterhouse.core.http import BadRequest, bad_request_page, page_asked, show_errors
from chapterhouse.core.labels import label
from chapterhouse.core.language import text
from chapterhouse.custody.access import Viewer, may_act_for_organization
from chapterhouse.meetings import selectors as meetings_selectors
from chapterhouse.meetings.models import Decision
from chapterhouse.registry.models import Organization
from chapterhouse.relations import selectors
from chapterhouse.relations import services as relations
from chapterhouse.relations.models import (
    HONOUR_KIND_CHOICES,
    Affiliation,
    Agreement,
    Award,
    Honour,
    Partner,
)
from chapterhouse.reports.conference import UndeclaredLanguage, declared_language, working_languages
from chapterhouse.reports.letter import letter_pdf, recipient_language
from chapterhouse.web.fields import (
    CountryField,
    DeskForm,
    PartialDateField,
    PersonPickerField,
    RecordMultipleChoiceField,
    TextByLanguageField,
    _names_of,
    person_labels,
)
from chapterhouse.web.views import _pager
from chapterhouse.web.write_views import ID_HELP, _posted, _viewer

PER_PAGE = 100
SELF = selectors.SELF_PARTY


def _require_organization(viewer: Viewer) -> None:
    if not may_act_for_organization(viewer):
        raise PermissionDenied(
            _(
                "Only those who act for the whole organization (officers of the body at the"
                " top, administrators) record partners, honours and agreements."
            )
        )


def _found(model: Any, slug: str) -> Any:
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise Http404(_("Nothing with this id."))
    return found


def partner_options(viewer: Viewer) -> list[tuple[str, str, str]]:
    """Return ``(id, name, every name)`` for each partner (partners are public records)."""
    rows = Partner.objects.order_by("slug").values_list("slug", "name")
    return sorted(
        ((slug, text(name), _names_of(slug, name)) for slug, name in rows),
        key=lambda row: row[1].casefold(),
    )


def _pages(count: int) -> int:
    return max(1, -(-count // PER_PAGE))


def _organization_name() -> str:
    organization = Organization.objects.only("name").first()
    return text(organization.name) if organization else _("Our organization")


# -- partners ---------------------------------------------------------------------------------


@require_GET
def partner_list(request: HttpRequest) -> HttpResponse:
    """List the partner organizations: name in the reader's language, kind, country."""
    viewer = _viewer(request)
    try:
        number = page_asked(request)
    except BadRequest as error:
        return bad_request_page(request, error)
    found = selectors.partner_list(viewer=viewer, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    return render(
        request,
        "web/partner_list.html",
        {
            "nav": "orgchart",
            "partners": found["items"],
            "pager": _pager(number, _pages(found["count"]), {}),
            "may_write": may_act_for_organization(viewer),
        },
    )


@require_GET
def partner_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a partner, its agreements and the people affiliated with it whom the reader sees."""
    viewer = _viewer(request)
    try:
        partner = selectors.partner_detail(partner=slug, viewer=viewer)
    except Partner.DoesNotExist:
        raise Http404(_("No partner with this id.")) from None
    affiliations = (
        Affiliation.objects.filter(partner__slug=slug)
        .filter(viewer.people_filter("person__"))
        .select_related("person")
        .order_by("person__name", "position", "pk")
    )
    names = viewer.display_names(affiliation.person for affiliation in affiliations)
    people = [
        {
            "id": affiliation.person.slug,
            "name": names[affiliation.person_id],
            "title": affiliation.title,
            "start": affiliation.start,
            "start_precision": affiliation.start_precision,
            "end": affiliation.end,
            "end_precision": affiliation.end_precision,
        }
        for affiliation in affiliations
        # A private post is personal data: only the person's custodians see it.
        if not affiliation.private or viewer.sees_personal_data(affiliation.person)
    ]
    return render(
        request,
        "web/partner.html",
        {
            "nav": "orgchart",
            "partner": partner,
            "people": people,
            "may_write": may_act_for_organization(viewer),
        },
    )


class PartnerForm(DeskForm):
    """A partner organization."""

    id = forms.CharField(label=gettext_lazy("Id"), required=False, max_length=80, help_text=ID_HELP)
    name = TextByLanguageField(label=gettext_lazy("Name"))
    kind = forms.CharField(
        label=gettext_lazy("Kind"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("E.g. foundation, youth union, government."),
    )
    country = CountryField(label=gettext_lazy("Country"), required=False)

    def clean_kind(self) -> str:
        kind: str = self.cleaned_data.get("kind") or ""
        return "_".join(kind.strip().lower().split())

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"] or None,
            "country": data["country"] or None,
        }


def _record_form_page(
    request: HttpRequest,
    record: Any,
    *,
    form_class: Any,
    initial: dict[str, Any],
    create: Any,
    update: Any,
    done: tuple[str, str],
    page: str,
    template: str,
) -> HttpResponse:
    """Record a new partner or honour (``record`` None) or change one: the form, the
    service's refusals beside their fields, the success message on the record's page."""
    viewer = _viewer(request)
    _require_organization(viewer)
    form = form_class(_posted(request), initial=initial, viewer=viewer)
    if record is not None:
        form.fields["id"].disabled = True
        form.fields["id"].initial = record.slug
    if request.method == "POST" and form.is_valid():
        at = timezone.now()
        try:
            if record is None:
                values = {"id": form.cleaned_data["id"] or None, **form.values()}
                saved = create(viewer=viewer, via="web", at=at, values=values)
            else:
                saved = update(viewer, "web", at, record, form.values())
            messages.success(request, done[0] if record is None else done[1])
            return redirect(page, saved.slug)
        except ValidationError as error:
            show_errors(form, error)
    return render(
        request,
        template,
        {"nav": "orgchart", "form": form, page.split(":")[1]: record},
    )


def _partner_form_page(request: HttpRequest, partner: Partner | None) -> HttpResponse:
    return _record_form_page(
        request,
        partner,
        form_class=PartnerForm,
        initial=(
            {"name": partner.name, "kind": partner.kind, "country": partner.country}
            if partner is not None
            else {}
        ),
        create=relations.partner_create,
        update=lambda viewer, via, at, record, changes: relations.partner_update(
            viewer=viewer, via=via, at=at, partner=record, changes=changes
        ),
        done=(_("The partner is recorded."), _("The partner is saved.")),
        page="web:partner",
        template="web/forms/partner.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_new(request: HttpRequest) -> HttpResponse:
    """Record a partner organization."""
    return _partner_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change a partner organization."""
    _require_organization(_viewer(request))
    return _partner_form_page(request, _found(Partner, slug))


# -- honours ----------------------------------------------------------------------------------


def _recipients(viewer: Viewer, honours: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Return the awards of ``honours`` whose person the reader may see, by honour, in date
    order: each with the person's name as the reader may read it, the date, the decision
    (its id only when the reader may see it) and whether the reader may print the letter."""
    awards = (
        Award.objects.filter(honour_id__in=honours)
        .filter(viewer.people_filter("person__"))
        .select_related("person", "decision")
        .order_by("date", "pk")
    )
    visible_decisions = set(
        Decision.objects.filter(viewer.decision_filter())
        .filter(pk__in={award.decision_id for award in awards})
        .values_list("pk", flat=True)
    )
    names = viewer.display_names(award.person for award in awards)
    found: dict[int, list[dict[str, Any]]] = {}
    for award in awards:
        decision = award.decision if award.decision_id in visible_decisions else None
        found.setdefault(award.honour_id, []).append(
            {
                "pk": award.pk,
                "person": award.person.slug,
                "name": names[award.person_id],
                "date": award.date,
                "decision": decision.slug if decision else None,
                "letter": decision is not None,
            }
        )
    return found


@require_GET
def honour_list(request: HttpRequest) -> HttpResponse:
    """List the honours with the recipients the reader may see."""
    viewer = _viewer(request)
    try:
        number = page_asked(request)
    except BadRequest as error:
        return bad_request_page(request, error)
    count = Honour.objects.count()
    offset = (number - 1) * PER_PAGE
    honours = list(Honour.objects.order_by("slug")[offset : offset + PER_PAGE])
    recipients = _recipients(viewer, [honour.pk for honour in honours])
    rows = [
        {
            "id": honour.slug,
            "name": honour.name,
            "kind": honour.kind,
            "awards": recipients.get(honour.pk, []),
        }
        for honour in honours
    ]
    return render(
        request,
        "web/honour_list.html",
        {
            "nav": "orgchart",
            "honours": rows,
            "pager": _pager(number, _pages(count), {}),
            "may_write": may_act_for_organization(viewer),
        },
    )


@require_GET
def honour_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show an honour and its recipients the reader may see, with their letters of thanks."""
    viewer = _viewer(request)
    honour = _found(Honour, slug)
    return render(
        request,
        "web/honour.html",
        {
            "nav": "orgchart",
            "honour": honour,
            "awards": _recipients(viewer, [honour.pk]).get(honour.pk, []),
            "may_write": may_act_for_organization(viewer),
        },
    )


def honour_kind_choices() -> list[tuple[str, str]]:
    """The kinds of honour (the model's vocabulary), named in the reader's language."""
    return [(kind, label(kind, "honour_kind")) for kind, _name in HONOUR_KIND_CHOICES]


class HonourForm(DeskForm):
    """An honour the organization awards."""

    id = forms.CharField(label=gettext_lazy("Id"), required=False, max_length=80, help_text=ID_HELP)
    name = TextByLanguageField(label=gettext_lazy("Name"))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=honour_kind_choices)

    def values(self) -> dict[str, Any]:
        return {"name": self.cleaned_data["name"], "kind": self.cleaned_data["kind"]}


def _honour_form_page(request: HttpRequest, honour: Honour | None) -> HttpResponse:
    return _record_form_page(
        request,
        honour,
        form_class=HonourForm,
        initial={"name": honour.name, "kind": honour.kind} if honour is not None else {},
        create=relations.honour_create,
        update=lambda viewer, via, at, record, changes: relations.honour_update(
            viewer=viewer, via=via, at=at, honour=record, changes=changes
        ),
        done=(_("The honour is recorded."), _("The honour is saved.")),
        page="web:honour",
        template="web/forms/honour.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def honour_new(request: HttpRequest) -> HttpResponse:
    """Record an honour."""
    return _honour_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def honour_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change an honour."""
    _require_organization(_viewer(request))
    return _honour_form_page(request, _found(Honour, slug))


@require_GET
def award_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """Send an award's letter of thanks as a PDF, in the recipient's language (``?lang=``
    picks another working language). Only a reader who may see both the person and the
    decision gets it; anyone else is answered as if there were no such award."""
    viewer = _viewer(request)
    award = (
        Award.objects.filter(viewer.people_filter("person__"))
        .filter(viewer.decision_filter("decision__"))
        .select_related("person", "honour", "decision")
        .filter(pk=pk)
        .first()
    )
    if award is None:
        raise Http404(_("No award with this id."))
    languages, default = working_languages()
    asked = request.GET.get("lang", "").strip()
    if asked:
        try:
            lang = declared_language(asked, languages)
        except UndeclaredLanguage as error:
            return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    else:
        lang = recipient_language(award, languages, default)
    response = HttpResponse(
        letter_pdf(award, viewer, lang, default), content_type="application/pdf"
    )
    filename = f"{award.honour.slug}-{award.date.isoformat()}-{lang}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# -- agreements -------------------------------------------------------------------------------


@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    """List the agreements: title, parties, status and date."""
    viewer = _viewer(request)
    try:
        number = page_asked(request)
    except BadRequest as error:
        return bad_request_page(request, error)
    found = selectors.agreement_list(viewer=viewer, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    names = dict(Partner.objects.values_list("slug", "name"))
    ours = _organization_name()
    agreements = [
        {
            **row,
            "parties": [
                {
                    "id": party,
                    "name": ours if party == SELF else names.get(party),
                    "self": party == SELF,
                }
                for party in row["parties"]
            ],
        }
        for row in found["items"]
    ]
    return render(
        request,
        "web/agreement_list.html",
        {
            "nav": "orgchart",
            "agreements": agreements,
            "pager": _pager(number, _pages(found["count"]), {}),
            "may_write": may_act_for_organization(viewer),
        },
    )


@require_GET
def agreement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show an agreement: articles, parties, signatories and its status history."""
    viewer = _viewer(request)
    try:
        agreement = selectors.agreement_detail(agreement=slug, viewer=viewer)
    except Agreement.DoesNotExist:
        raise Http404(_("No agreement with this id.")) from None
    stored = Agreement.objects.get(slug=slug)
    history = meetings_selectors.agreement_history(agreement=stored, viewer=viewer)
    return render(
        request,
        "web/agreement.html",
        {
            "nav": "orgchart",
            "agreement": agreement,
            "history": history,
            "ours": _organization_name(),
            "may_write": may_act_for_organization(viewer),
        },
    )


class AgreementStatusField(forms.ChoiceField):
    """Proposed or in development: "signed" is refused with the reason (a decision signs)."""

    def validate(self, value: Any) -> None:
        if value == "signed" and not self.disabled:
            raise forms.ValidationError(
                _(
                    "An agreement is signed only by a decision: record a decision with a"
                    " “sign the agreement” step, and adopting it signs the agreement."
                ),
                code="signed",
            )
        super().validate(value)


class AgreementForm(DeskForm):
    """An agreement's own fields; its articles and signatories are formsets beside it."""

    id = forms.CharField(label=gettext_lazy("Id"), required=False, max_length=80, help_text=ID_HELP)
    title = TextByLanguageField(label=gettext_lazy("Title"))
    ourselves = forms.BooleanField(
        label=gettext_lazy("Our organization is a party"), required=False, initial=True
    )
    partners = RecordMultipleChoiceField(
        label=gettext_lazy("Partners"),
        options=partner_options,
        required=False,
        help_text=gettext_lazy("The other parties, in order."),
    )
    status = AgreementStatusField(
        label=gettext_lazy("Status"),
        help_text=gettext_lazy("A decision signs it (its “sign the agreement” step)."),
    )
    date = PartialDateField(label=gettext_lazy("Date"), required=False)

    def __init__(self, *args: Any, signed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statuses = ["proposed", "in_development"] + (["signed"] if signed else [])
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (status, label(status, "agreement_status")) for status in statuses
        ]
        if signed:
            for name in ("status", "date"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Signed by a decision: annul that decision to change this."
                )

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        parties = ([SELF] if data["ourselves"] else []) + list(data["partners"] or [])
        values: dict[str, Any] = {"title": data["title"], "parties": parties}
        if not self.fields["status"].disabled:
            values["status"] = data["status"]
            values["date"] = data["date"] or None
        return values


class ArticleForm(DeskForm):
    """One article of an agreement."""

    text = TextByLanguageField(label=gettext_lazy("Its text"), multiline=True, required=False)


class SignatoryForm(DeskForm):
    """Who signs an agreement, for which party, under which title."""

    person = PersonPickerField(label=gettext_lazy("Signatory"), required=False)
    party = forms.ChoiceField(label=gettext_lazy("For"))
    title = TextByLanguageField(label=gettext_lazy("Their title"), required=False)

    def __init__(self, *args: Any, parties: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = parties  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and data.get("title") and "person" not in self.errors:
            self.add_error("person", _("Say who signs."))
        return data


ArticleFormSet = forms.formset_factory(ArticleForm, extra=1, can_delete=True)
SignatoryFormSet = forms.formset_factory(SignatoryForm, extra=1, can_delete=True)


def _party_choices(data: Any, initial_parties: list[str]) -> list[tuple[str, str]]:
    """Ourselves and the partners chosen on the form (every partner while none is)."""
    chosen = (
        data.getlist("partners")
        if data is not None
        else [party for party in initial_parties if party != SELF]
    )
    names = dict(Partner.objects.values_list("slug", "name"))
    partners = [slug for slug in chosen if slug in names] or sorted(
        names, key=lambda slug: text(names[slug]).casefold()
    )
    return [(SELF, _organization_name()), *((slug, text(names[slug])) for slug in partners)]


def _kept(formset: Any, has: str) -> list[Any]:
    """The forms of ``formset`` that give a value (not removed, ``has`` filled in)."""
    return [
        form
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get(has)
    ]


def _place_errors(
    error: ValidationError, form: forms.Form, articles: list[Any], signatories: list[Any]
) -> None:
    """Put a service's problems beside their fields: the agreement's, an article's or a
    signatory's row."""
    if not hasattr(error, "error_dict"):
        show_errors(form, error)
        return
    rest: dict[str, list[str]] = {}
    for path, problems in error.message_dict.items():
        head, _sep, tail = path.partition("]")
        name, _bracket, index = head.partition("[")
        rows = {"articles": articles, "signatories": signatories}.get(name)
        if rows is not None and index.isdigit() and int(index) < len(rows):
            field = tail.lstrip(".") or "text"
            for message in problems:
                rows[int(index)].add_error(
                    field if field in rows[int(index)].fields else None, message
                )
        elif name == "parties":
            for message in problems:
                form.add_error("partners", message)
        else:
            rest[path] = problems
    if rest:
        show_errors(form, ValidationError(rest))


def _quiet(*forms_and_sets: Any) -> None:
    """Show forms rebound to add a row without their errors (nothing was submitted yet)."""
    for item in forms_and_sets:
        members = item.forms if hasattr(item, "forms") else [item]
        for member in members:
            member.full_clean()
            member._errors = ErrorDict()
        if hasattr(item, "forms"):
            item._errors = [ErrorDict() for _form in item.forms]
            item._non_form_errors = ErrorList()


def _agreement_form_page(request: HttpRequest, agreement: Agreement | None) -> HttpResponse:
    viewer = _viewer(request)
    _require_organization(viewer)
    initial: dict[str, Any] = {}
    articles_initial: list[dict[str, Any]] = []
    signatories_initial: list[dict[str, Any]] = []
    if agreement is not None:
        snapshot = relations.agreement_snapshot(agreement)
        initial = {
            "id": agreement.slug,
            "title": agreement.title,
            "ourselves": SELF in snapshot["parties"],
            "partners": [party for party in snapshot["parties"] if party != SELF],
            "status": agreement.status,
            "date": snapshot["date"] or "",
        }
        articles_initial = [{"text": article} for article in snapshot["articles"]]
        labels = person_labels(viewer, [row["person"] for row in snapshot["signatories"]])
        signatories_initial = [
            {
                "person": labels.get(row["person"], row["person"]),
                "party": row["party"],
                "title": row["title"],
            }
            for row in snapshot["signatories"]
        ]
    data: Any = _posted(request)
    adding = data.get("add") if data is not None else None
    if adding in {"article", "signatory"}:
        data = data.copy()
        prefix = "articles" if adding == "article" else "signatories"
        total = f"{prefix}-TOTAL_FORMS"
        data[total] = str(int(data.get(total) or 0) + 1)
    parties = _party_choices(data, initial.get("partners", []))
    signed = agreement is not None and agreement.status == "signed"
    form = AgreementForm(data, initial=initial, viewer=viewer, signed=signed)
    if agreement is not None:
        form.fields["id"].disabled = True
    articles = ArticleFormSet(
        data, initial=articles_initial, prefix="articles", form_kwargs={"viewer": viewer}
    )
    signatories = SignatoryFormSet(
        data,
        initial=signatories_initial,
        prefix="signatories",
        form_kwargs={"viewer": viewer, "parties": parties},
    )
    if adding:
        _quiet(form, articles, signatories)
    elif data is not None:
        valid = form.is_valid()
        valid = articles.is_valid() and valid
        valid = signatories.is_valid() and valid
        if valid:
            kept_articles = _kept(articles, "text")
            kept_signatories = _kept(signatories, "person")
            values = {
                **form.values(),
                "articles": [row.cleaned_data["text"] for row in kept_articles],
                "signatories": [
                    {
                        "person": row.cleaned_data["person"],
                        "party": row.cleaned_data["party"],
                        **(
                            {"title": row.cleaned_data["title"]}
                            if row.cleaned_data["title"]
                            else {}
                        ),
                    }
                    for row in kept_signatories
                ],
            }
            try:
                if agreement is None:
                    saved = relations.agreement_create(
                        viewer=viewer,
                        via="web",
                        at=timezone.now(),
                        values={"id": form.cleaned_data["id"] or None, **values},
                    )
                    messages.success(request, _("The agreement is recorded."))
                else:
                    saved = relations.agreement_update(
                        viewer=viewer,
                        via="web",
                        at=timezone.now(),
                        agreement=agreement,
                        changes=values,
                    )
                    messages.success(request, _("The agreement is saved."))
                return redirect("web:agreement", saved.slug)
            except ValidationError as error:
                _place_errors(error, form, kept_articles, kept_signatories)
    return render(
        request,
        "web/forms/agreement.html",
        {
            "nav": "orgchart",
            "form": form,
            "articles": articles,
            "signatories": signatories,
            "agreement": agreement,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_new(request: HttpRequest) -> HttpResponse:
    """Record an agreement with its articles and signatories."""
    return _agreement_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change an agreement, its articles and signatories."""
    _require_organization(_viewer(request))
    return _agreement_form_page(request, _found(Agreement, slug))
