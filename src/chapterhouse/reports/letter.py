"""An award's letter of thanks, typeset as a PDF in the recipient's language.

The letter names the person as the reader of the record may name them (a
call-signed person by their call sign, which is what they work under; anyone
else by the name variant in the letter's language when there is one), the
honour, the decision that awarded it and its date, and the text of the citation
document when the reader may see it. Who may print it is the web view's
business (`web.relations_views.award_letter`); this module only composes it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import translation
from django.utils.translation import gettext as _

from chapterhouse.core.cldr import catalogue_code, date_full
from chapterhouse.core.text import text_in
from chapterhouse.custody.access import Viewer, local_names_for
from chapterhouse.meetings.models import Document
from chapterhouse.registry.models import Organization, PersonName
from chapterhouse.relations.models import Award
from chapterhouse.reports.pdf import render_pdf, typst_text


def recipient_language(award: Award, languages: Sequence[str], default: str) -> str:
    """Return the language a letter to ``award``'s person is written in: the language of
    their native name variant when it is a working language, else the organization's
    default."""
    native = (
        PersonName.objects.filter(person_id=award.person_id, kind="native")
        .exclude(lang="")
        .values_list("lang", flat=True)
    )
    for lang in native:
        for code in languages:
            if catalogue_code(code) == catalogue_code(lang):
                return code
    return default


def recipient_name(award: Award, viewer: Viewer, lang: str) -> str:
    """Return how the letter addresses the person: by call sign when they have one; else as
    ``viewer`` may read them, in ``lang``'s script when a variant in it is recorded (the
    rule of `Viewer.display_name`, docs/decisions/0028)."""
    person = award.person
    if person.call_sign:
        return person.call_sign
    return viewer.display_name(person, local_names=local_names_for([person.pk], lang))


def letter_markup(award: Award, viewer: Viewer, lang: str, default: str) -> tuple[str, str]:
    """Return the letter's title and Typst markup in ``lang``."""
    organization = Organization.objects.first()
    org_name = text_in(organization.name, lang, default) if organization else ""
    honour = text_in(award.honour.name, lang, default)
    decision = award.decision
    decided = text_in(decision.text, lang, default) if decision.text else ""
    citation = ""
    if award.citation_id is not None:
        document = (
            Document.objects.filter(viewer.document_filter()).filter(pk=award.citation_id).first()
        )
        if document is not None:
            citation = text_in(document.text, lang, default)
    name = recipient_name(award, viewer, lang)
    with translation.override(catalogue_code(lang)):
        title = _("Letter of thanks")
        lines = [
            f"#align(center)[#text(size: 13pt)[{typst_text(org_name)}]]",
            "#v(1.5em)",
            f'#align(center)[#text(size: 20pt, weight: "bold")[{typst_text(title)}]]',
            "#v(2em)",
            f'#text(size: 16pt, weight: "bold")[{typst_text(name)}]',
            "",
            typst_text(_awarded(award, name=name, honour=honour, lang=lang, default=default)),
        ]
        if decided:
            lines += ["", f"#emph[{typst_text(decided)}]"]
        if citation:
            lines += ["", "#v(1em)", typst_text(citation)]
        lines += ["", "#v(3em)", f"#align(right)[{typst_text(date_full(award.date, lang))}]", ""]
    return f"{title} — {name}", "\n".join(lines)


def _awarded(award: Award, *, name: str, honour: str, lang: str, default: str) -> str:
    """Return "X is awarded “H” by the decision of <the meeting> of <date>." naming the
    meeting that decided (its conference, else its session) rather than the decision's id."""
    decision = award.decision
    session = decision.session
    conference = decision.conference or (session.conference if session else None)
    if conference is not None:
        meeting = text_in(conference.name, lang, default)
    elif session is not None:
        meeting = text_in(session.title, lang, default)
    else:
        meeting = ""
    values = {
        "name": name,
        "honour": honour,
        "meeting": meeting,
        "date": date_full(decision.date or award.date, lang),
    }
    if meeting:
        return (
            _("%(name)s is awarded “%(honour)s” by the decision of %(meeting)s of %(date)s.")
            % values
        )
    return _("%(name)s is awarded “%(honour)s” by the decision of %(date)s.") % values


def letter_pdf(award: Award, viewer: Viewer, lang: str, default: str) -> bytes:
    """Return ``award``'s letter of thanks as a PDF in ``lang``."""
    title, markup = letter_markup(award, viewer, lang, default)
    return render_pdf(markup, lang=lang, title=title)
