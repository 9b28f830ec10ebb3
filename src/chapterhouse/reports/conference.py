"""The conference report: what a secretary writes after a conference, in any working language.

``conference_report`` reads a conference as one viewer may see it and words it
in one language (a tree of frozen dataclasses, every string final); the
renderers turn that into Markdown (for a website or an e-mail), HTML (a
template in ``reports/templates/reports/``) and PDF (Typst, through
``reports.pdf``). The same report for the same viewer and language reads the
same in every format.

What goes in, and the rules that choose it:

* the header: number, name, dedication, dates (a CLDR interval: the year once,
  both years when the conference spans the new year);
* the schedule: one line per day in day order, "Day N. <hosts> (<country> —
  <date>)", the date with day and month only unless the conference spans years;
* what changed: ``reports.changes.changes_grouped`` over the conference's dates,
  restricted to the decisions of the conference and its sessions that the viewer may
  see (a change made by a decision they may not see is not told as the conference's);
* resolutions: adopted decisions that carry no effects at all (decisions with
  effects are told by what they did);
* instructions: tasks given by the conference's decisions, with assignees and
  due dates; awards given by them, with the honour and the citation;
* agreements: signed by the conference's decisions, or begun there — named by a
  signing decision not (yet) adopted, or in development/proposed and dated
  within the conference;
* occasions: the commemorations each session was timed to, with the
  anniversary that year as a CLDR ordinal in the language;
* per session: title, place and format, chair, speakers (and rapporteurs),
  guests with their capacity, participants, documents.

Only what the viewer may see goes in: internal sessions, decisions and
documents they may not see are left out, and people they may not see appear
by placeholder. Runs a fixed number of queries (about thirty) however many
sessions and decisions the conference has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chapterhouse.core.cldr import (
    anniversary_ordinal,
    catalogue_code,
    country_name,
    date_day_month,
    date_full,
    date_span,
)
from chapterhouse.core.partial_dates import period_in
from chapterhouse.custody.access import (
    PeopleNamer,
    Viewer,
    custodian_name_expression,
    person_row,
)
from chapterhouse.meetings.models import (
    Conference,
    Decision,
    Document,
    Session,
)
from chapterhouse.meetings.selectors import (
    anniversary,
    body_name_from_renames,
    session_parts_prefetch,
)
from chapterhouse.registry.models import BodyName, Organization
from chapterhouse.relations.models import Agreement, Award, Partner, Task, TaskAssignee
from chapterhouse.reports.changes import (
    ChangesGrouped,
    Words,
    changes_grouped,
    changes_span,
    render_changes_markdown,
)
from chapterhouse.reports.markdown import md
from chapterhouse.reports.pdf import markdown_to_typst, render_pdf

_ONE_DAY = dt.timedelta(days=1)
_REGISTRY_OPS = {"start_term", "end_term", "found_body", "dissolve_body", "rename_body"}


class ReportError(ValueError):
    """A report that cannot be written; the message says why, for the person who asked."""


class UndeclaredLanguage(ReportError):
    """The language asked for is not one of the organization's working languages."""


class NoSessions(ReportError):
    """The conference has no sessions (that the viewer may see) to report on."""


# -- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportHeader:
    number: int | None
    name: str
    dedication: str
    dates: str


@dataclass(frozen=True)
class ScheduleLine:
    day: int
    hosts: tuple[str, ...]
    country: str
    date: str
    line: str


@dataclass(frozen=True)
class Resolution:
    slug: str
    text: str


@dataclass(frozen=True)
class Instruction:
    slug: str
    title: str
    assignees: tuple[str, ...]
    due: str
    line: str


@dataclass(frozen=True)
class AwardEntry:
    person: str
    person_slug: str | None
    honour: str
    citation: str
    line: str


@dataclass(frozen=True)
class AgreementEntry:
    slug: str
    title: str
    status: str
    date: str
    parties: tuple[str, ...]
    line: str


@dataclass(frozen=True)
class OccasionEntry:
    day: int
    name: str
    anniversary: str
    line: str


@dataclass(frozen=True)
class Participant:
    name: str
    slug: str | None
    role: str
    capacity: str

    def __str__(self) -> str:
        if not self.capacity:
            return self.name
        return pgettext("person with post", "%(name)s (%(post)s)") % {
            "name": self.name,
            "post": self.capacity,
        }


@dataclass(frozen=True)
class DocumentEntry:
    slug: str
    kind: str
    title: str
    author: str
    line: str


@dataclass(frozen=True)
class SessionSection:
    slug: str
    day: int
    heading: str
    date: str
    place: str
    format: str
    chair: str
    speakers: tuple[Participant, ...]
    guests: tuple[Participant, ...]
    participants: tuple[Participant, ...]
    documents: tuple[DocumentEntry, ...]


@dataclass(frozen=True)
class ConferenceReport:
    """A conference report in one language, as one viewer may read it."""

    slug: str
    lang: str
    header: ReportHeader
    schedule: tuple[ScheduleLine, ...]
    changes: ChangesGrouped
    resolutions: tuple[Resolution, ...]
    instructions: tuple[Instruction, ...]
    awards: tuple[AwardEntry, ...]
    agreements: tuple[AgreementEntry, ...]
    occasions: tuple[OccasionEntry, ...]
    sessions: tuple[SessionSection, ...]


# -- reading ------------------------------------------------------------------------------------


def working_languages() -> tuple[list[str], str]:
    """Return the organization's working languages (in display order) and its default."""
    org = Organization.objects.values("languages", "default_language").first()
    if org is None:
        return ["en"], "en"
    default = org["default_language"] or "en"
    return list(org["languages"] or [default]), default


def declared_language(lang: str, languages: Sequence[str]) -> str:
    """Return the working language ``lang`` names (``ZH``, ``zh-hans`` → ``zh``), or raise
    ``UndeclaredLanguage`` saying which languages there are."""
    wanted = catalogue_code(lang or "")
    for code in languages:
        if catalogue_code(code) == wanted:
            return code
    raise UndeclaredLanguage(
        _("“%(lang)s” is not a working language of the organization; use one of: %(languages)s")
        % {"lang": lang, "languages": ", ".join(languages)}
    )


def _conference_days(
    found: Conference, sessions: Sequence[Session]
) -> tuple[dt.date, dt.date] | None:
    """Return the first and last day of the conference: its own dates, else its sessions'."""
    dates = [session.date for session in sessions if session.date is not None]
    first = found.start or (min(dates) if dates else None)
    last = (found.end - _ONE_DAY) if found.end else (max(dates) if dates else None)
    if first is None or last is None:
        return None
    return first, max(first, last)


def conference_report(
    *, conference: Conference | str, lang: str, viewer: Viewer
) -> ConferenceReport:
    """Return the report of ``conference`` (a Conference or its id) in ``lang`` for ``viewer``.

    Raise ``Conference.DoesNotExist`` for an unknown id, ``UndeclaredLanguage``
    for a language the organization does not work in, and ``NoSessions`` for a
    conference without sessions the viewer may see.
    """
    found = (
        conference
        if isinstance(conference, Conference)
        else Conference.objects.get(slug=conference)
    )
    languages, default = working_languages()
    lang = declared_language(lang, languages)
    words = Words(lang, default=default)
    renames = Prefetch("body__renames", queryset=BodyName.objects.order_by("start", "pk"))
    sessions = list(
        Session.objects.filter(conference=found)
        .filter(viewer.session_filter())
        .select_related("chair")
        .annotate(chair_custodian_name=custodian_name_expression("chair__"))
        .order_by(F("day").asc(nulls_last=True), "date", "pk")
        .prefetch_related(*session_parts_prefetch(viewer))
    )
    if not sessions:
        raise NoSessions(
            _("The conference %(id)s has no sessions recorded yet, so there is nothing to report.")
            % {"id": found.slug}
        )
    all_decisions = Decision.objects.filter(Q(conference=found) | Q(session__conference=found))
    decisions = list(
        all_decisions.filter(viewer.decision_filter()).order_by("date", "position", "pk")
    )
    visible_ids = [decision.pk for decision in decisions]
    days = _conference_days(found, sessions)
    spans_years = days is not None and days[0].year != days[1].year

    tasks = list(
        Task.objects.filter(decision_id__in=visible_ids)
        .prefetch_related(
            Prefetch(
                "assignees",
                queryset=TaskAssignee.objects.select_related("body", "person")
                .annotate(custodian_name=custodian_name_expression("person__"))
                .prefetch_related(renames),
            )
        )
        .order_by(F("due").asc(nulls_last=True), "slug")
    )
    awards = list(
        Award.objects.filter(decision_id__in=visible_ids)
        .select_related("person", "honour", "citation")
        .annotate(custodian_name=custodian_name_expression("person__"))
        .order_by("date", "pk")
    )
    citation_ids = {award.citation_id for award in awards if award.citation_id}
    visible_citations = (
        set(
            Document.objects.filter(pk__in=citation_ids)
            .filter(viewer.document_filter())
            .values_list("pk", flat=True)
        )
        if citation_ids
        else set()
    )
    agreements = _agreements(decisions, days)
    party_slugs = {slug for agreement in agreements for slug in agreement.parties or []}
    partners = (
        dict(Partner.objects.filter(slug__in=party_slugs).values_list("slug", "name"))
        if party_slugs
        else {}
    )
    organization_name = (
        Organization.objects.values_list("name", flat=True).first()
        if "self" in party_slugs
        else None
    )

    people = [
        person_row(session.chair, custodian_name=getattr(session, "chair_custodian_name", None))
        for session in sessions
    ]
    for session in sessions:
        for attendance in session.attendees.all():
            people.append(
                person_row(
                    attendance.person, custodian_name=getattr(attendance, "custodian_name", None)
                )
            )
        for document in session.documents.all():
            people.append(
                person_row(
                    document.author, custodian_name=getattr(document, "author_custodian_name", None)
                )
            )
    for award in awards:
        people.append(
            person_row(award.person, custodian_name=getattr(award, "custodian_name", None))
        )
    for task in tasks:
        for assignee in task.assignees.all():
            if assignee.person is not None:
                people.append(
                    person_row(
                        assignee.person, custodian_name=getattr(assignee, "custodian_name", None)
                    )
                )

    # Every change the conference's decisions made, also those that take effect before or
    # after its days (a term that starts later, a decision dated after the last day). Only
    # the decisions the viewer may see: to tell a change here is to say that this
    # conference made it, which a reader of an internal session's decision may not learn
    # (the change itself still shows, without its decision, on the pages of the record).
    shown_decisions = all_decisions.filter(viewer.decision_filter())
    span = changes_span(shown_decisions.filter(status="adopted").values("pk"))
    if span is not None and days is not None:
        span = (min(span[0], days[0]), max(span[1], days[1]))
    elif days is not None:
        span = days
    if span is not None:
        changes = changes_grouped(
            viewer=viewer,
            start=span[0],
            end=span[1],
            decisions=shown_decisions.values("pk"),
            lang=lang,
            words=words,
        )
    else:
        changes = ChangesGrouped(lang=lang, start=dt.date.min, end=dt.date.min, heading="")

    with words.active():
        namer = PeopleNamer(viewer, people)

        def name(person: Any, custodian_name: Any) -> tuple[str, str | None]:
            row = person_row(person, custodian_name=custodian_name)
            return namer.name(row) or "?", namer.slug(row)

        header = ReportHeader(
            number=found.number,
            name=words.text(found.name, found.slug),
            dedication=words.text(found.dedication),
            dates=date_span(days[0], days[1], lang) if days else "",
        )
        schedule = []
        occasions = []
        sections = []
        for index, session in enumerate(sessions, start=1):
            day = session.day or index
            schedule.append(_schedule_line(session, day, words, spans_years))
            for occasion in session.occasions.all():
                number = anniversary(on=session.date, commemorated=occasion.commemoration.date)
                occasion_name = words.text(occasion.commemoration.name, occasion.commemoration.slug)
                ordinal = anniversary_ordinal(number, lang) if number else ""
                entry = (
                    pgettext("calendar commemoration", "%(name)s — %(anniversary)s")
                    % {"name": occasion_name, "anniversary": ordinal}
                    if ordinal
                    else occasion_name
                )
                occasions.append(
                    OccasionEntry(
                        day=day,
                        name=occasion_name,
                        anniversary=ordinal,
                        line=pgettext("report occasion", "Day %(day)s: %(occasion)s")
                        % {"day": day, "occasion": entry},
                    )
                )
            sections.append(_session_section(session, day, words, name))

        resolutions = tuple(
            Resolution(slug=decision.slug, text=words.text(decision.text, decision.slug))
            for decision in decisions
            if decision.status == "adopted" and not decision.effects
        )
        instructions = tuple(_instruction(task, words, viewer, name) for task in tasks)
        award_entries = []
        for award in awards:
            person, slug = name(award.person, getattr(award, "custodian_name", None))
            honour = words.text(award.honour.name, award.honour.slug)
            citation = (
                words.text(award.citation.title, award.citation.slug)
                if award.citation_id in visible_citations and award.citation is not None
                else ""
            )
            values = {"person": person, "honour": honour, "citation": citation}
            line = (
                pgettext("report award", "%(person)s: %(honour)s (citation: %(citation)s)") % values
                if citation
                else pgettext("report award", "%(person)s: %(honour)s") % values
            )
            award_entries.append(
                AwardEntry(
                    person=person, person_slug=slug, honour=honour, citation=citation, line=line
                )
            )
        agreement_entries = tuple(
            _agreement_entry(agreement, words, partners, organization_name)
            for agreement in agreements
        )
        return ConferenceReport(
            slug=found.slug,
            lang=lang,
            header=header,
            schedule=tuple(schedule),
            changes=changes,
            resolutions=resolutions,
            instructions=instructions,
            awards=tuple(award_entries),
            agreements=agreement_entries,
            occasions=tuple(occasions),
            sessions=tuple(sections),
        )


def _agreements(decisions: list[Decision], days: tuple[dt.date, dt.date] | None) -> list[Agreement]:
    """Return the agreements signed, proposed or developed by ``decisions``, or begun at the
    conference."""
    adopted = [decision.pk for decision in decisions if decision.status == "adopted"]
    named = {
        effect["agreement"]
        for decision in decisions
        for effect in decision.effects or []
        if isinstance(effect, dict)
        and effect.get("op") in ("sign_agreement", "agreement_status")
        and isinstance(effect.get("agreement"), str)
    }
    condition = Q(signed_by_id__in=adopted) | Q(slug__in=named)
    if days is not None:
        condition |= Q(
            status__in=("proposed", "in_development"), date__gte=days[0], date__lte=days[1]
        )
    return list(
        Agreement.objects.filter(condition).order_by(F("date").asc(nulls_last=True), "slug")
    )


def _schedule_line(session: Session, day: int, words: Words, spans_years: bool) -> ScheduleLine:
    hosts = tuple(
        words.text(body_name_from_renames(host.body, session.date), host.body.slug)
        for host in session.hosts.all()
    )
    country = country_name(session.country, words.lang) if session.country else ""
    date = ""
    if session.date is not None:
        date = (
            date_full(session.date, words.lang)
            if spans_years or session.date_precision != "day"
            else date_day_month(session.date, words.lang)
        )
    who = words.join(hosts) or words.text(session.title, session.slug)
    values = {"day": day, "hosts": who, "country": country, "date": date}
    if country and date:
        line = pgettext("report schedule", "Day %(day)s. %(hosts)s (%(country)s — %(date)s)")
    elif country or date:
        values["where"] = country or date
        line = pgettext("report schedule", "Day %(day)s. %(hosts)s (%(where)s)")
    else:
        line = pgettext("report schedule", "Day %(day)s. %(hosts)s")
    return ScheduleLine(day=day, hosts=hosts, country=country, date=date, line=line % values)


def _session_section(session: Session, day: int, words: Words, name: Any) -> SessionSection:
    title = words.text(session.title)
    heading = (
        pgettext("report session", "Day %(day)s. %(title)s") % {"day": day, "title": title}
        if title
        else pgettext("report session", "Day %(day)s") % {"day": day}
    )
    place = [
        words.text(session.venue),
        words.text(session.city),
        words.text(session.region),
        country_name(session.country, words.lang) if session.country else "",
    ]
    chair = ""
    if session.chair is not None:
        chair = name(session.chair, getattr(session, "chair_custodian_name", None))[0]
    speakers, guests, participants = [], [], []
    for attendance in session.attendees.all():
        if attendance.role == "chair":
            continue
        person, slug = name(attendance.person, getattr(attendance, "custodian_name", None))
        entry = Participant(
            name=person,
            slug=slug,
            role=words.label(attendance.role, "attendee_role"),
            capacity=words.text(attendance.capacity),
        )
        if attendance.role in ("speaker", "rapporteur"):
            speakers.append(entry)
        elif attendance.role == "guest":
            guests.append(entry)
        else:
            participants.append(entry)
    documents = []
    for document in session.documents.all():
        kind = words.label(document.kind, "document_kind")
        doc_title = words.text(document.title, document.slug)
        author = (
            name(document.author, getattr(document, "author_custodian_name", None))[0]
            if document.author is not None
            else ""
        )
        values = {"title": doc_title, "kind": kind, "author": author}
        line = (
            pgettext("report document", "%(title)s (%(kind)s, %(author)s)") % values
            if author
            else pgettext("report document", "%(title)s (%(kind)s)") % values
        )
        documents.append(
            DocumentEntry(slug=document.slug, kind=kind, title=doc_title, author=author, line=line)
        )
    return SessionSection(
        slug=session.slug,
        day=day,
        heading=heading,
        date=period_in(session.date, session.date_precision, words.lang),
        place=", ".join(part for part in place if part),
        format=words.label(session.format, "format"),
        chair=chair,
        speakers=tuple(speakers),
        guests=tuple(guests),
        participants=tuple(participants),
        documents=tuple(documents),
    )


def _instruction(task: Task, words: Words, viewer: Viewer, name: Any) -> Instruction:
    assignees = []
    for assignee in task.assignees.all():
        if assignee.body is not None:
            if viewer.sees_body(assignee.body_id, internal=assignee.body.internal):
                assignees.append(
                    words.text(body_name_from_renames(assignee.body, None), assignee.body.slug)
                )
        elif assignee.person is not None:
            assignees.append(name(assignee.person, getattr(assignee, "custodian_name", None))[0])
    title = words.text(task.title, task.slug)
    due = period_in(task.due, task.due_precision, words.lang)
    values = {"title": title, "assignees": words.join(assignees), "due": due}
    if assignees and due:
        line = pgettext("report instruction", "%(title)s — %(assignees)s, by %(due)s")
    elif assignees:
        line = pgettext("report instruction", "%(title)s — %(assignees)s")
    elif due:
        line = pgettext("report instruction", "%(title)s, by %(due)s")
    else:
        line = "%(title)s"
    return Instruction(
        slug=task.slug, title=title, assignees=tuple(assignees), due=due, line=line % values
    )


def _agreement_entry(
    agreement: Agreement, words: Words, partners: dict[str, Any], organization: Any
) -> AgreementEntry:
    parties = tuple(
        words.text(organization if slug == "self" else partners.get(slug), slug)
        for slug in agreement.parties or []
    )
    title = words.text(agreement.title, agreement.slug)
    status = words.label(agreement.status, "agreement_status")
    date = period_in(agreement.date, agreement.date_precision, words.lang)
    values = {"title": title, "status": status, "date": date, "parties": words.join(parties)}
    line = (
        pgettext("report agreement", "%(title)s — %(status)s, %(date)s") % values
        if date
        else pgettext("report agreement", "%(title)s — %(status)s") % values
    )
    return AgreementEntry(
        slug=agreement.slug,
        title=title,
        status=status,
        date=date,
        parties=parties,
        line=line,
    )


# -- rendering ----------------------------------------------------------------------------------


def _people(people: Sequence[Participant], words_join: Any) -> str:
    return words_join(str(person) for person in people)


def render_markdown(report: ConferenceReport) -> str:
    """Return ``report`` as Markdown: headings, bullet lists, every text run escaped."""
    from chapterhouse.core.cldr import list_join

    def join(items: Any) -> str:
        return list_join(items, report.lang)

    out: list[str] = []

    def section(title: str, lines: Sequence[str]) -> None:
        if lines:
            out.append(f"## {md(title)}\n")
            out.extend(f"- {md(line)}" for line in lines)
            out.append("")

    with translation.override(catalogue_code(report.lang)):
        header = report.header
        out.append(f"# {md(header.name)}\n")
        if header.dedication:
            out.append(f"*{md(header.dedication)}*\n")
        if header.dates:
            out.append(f"{md(header.dates)}\n")
        section(pgettext("report section", "Schedule"), [line.line for line in report.schedule])
        if not report.changes.is_empty:
            out.append(f"## {md(pgettext('report section', 'What changed'))}\n")
            changes = render_changes_markdown(report.changes, level=2)
            # The range's own heading is the report's dates: keep only the sections.
            out.append(changes.split("\n", 2)[2].strip() + "\n")
        section(pgettext("report section", "Resolutions"), [r.text for r in report.resolutions])
        section(pgettext("report section", "Instructions"), [i.line for i in report.instructions])
        section(pgettext("report section", "Awards"), [a.line for a in report.awards])
        section(pgettext("report section", "Agreements"), [a.line for a in report.agreements])
        section(pgettext("report section", "Occasions"), [o.line for o in report.occasions])
        out.append(f"## {md(pgettext('report section', 'Sessions'))}\n")
        for session in report.sessions:
            out.append(f"### {md(session.heading)}\n")
            for label, value in _session_facts(session, join):
                out.append(f"- **{md(label)}:** {md(value)}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _session_facts(session: SessionSection, join: Any) -> list[tuple[str, str]]:
    """Return the (label, value) lines of one session, in the active language."""
    facts = [
        (pgettext("report session", "Date"), session.date),
        (pgettext("report session", "Place"), session.place),
        (pgettext("report session", "Format"), session.format),
        (pgettext("report session", "Chair"), session.chair),
        (pgettext("report session", "Speakers"), _people(session.speakers, join)),
        (pgettext("report session", "Guests"), _people(session.guests, join)),
        (pgettext("report session", "Participants"), _people(session.participants, join)),
        (
            pgettext("report session", "Documents"),
            "; ".join(document.line for document in session.documents),
        ),
    ]
    return [(label, value) for label, value in facts if value]


def report_context(report: ConferenceReport) -> dict[str, Any]:
    """Return what the report templates need, worded in the report's language."""
    from chapterhouse.core.cldr import list_join

    def join(items: Any) -> str:
        return list_join(items, report.lang)

    with translation.override(catalogue_code(report.lang)):
        return {
            "report": report,
            "sessions": [
                {"section": session, "facts": _session_facts(session, join)}
                for session in report.sessions
            ],
        }


def render_html_fragment(
    report: ConferenceReport, *, changes_template: str = "reports/_changes.html"
) -> str:
    """Return the report's body as HTML (for a page that has its own head and layout).
    ``changes_template`` draws what changed: a site passes its own, which links the names
    (a report saved as a file has nothing to link to)."""
    with translation.override(catalogue_code(report.lang)):
        return render_to_string(
            "reports/_conference_body.html",
            {**report_context(report), "changes_template": changes_template},
        )


def render_html(report: ConferenceReport) -> str:
    """Return ``report`` as a standalone HTML document in its language."""
    with translation.override(catalogue_code(report.lang)):
        return render_to_string(
            "reports/conference.html",
            {**report_context(report), "body": mark_safe(render_html_fragment(report))},
        )


def render_pdf_report(report: ConferenceReport) -> bytes:
    """Return ``report`` typeset as an A4 PDF (Typst, Noto fonts for every script)."""
    return render_pdf(
        markdown_to_typst(render_markdown(report)), lang=report.lang, title=report.header.name
    )
