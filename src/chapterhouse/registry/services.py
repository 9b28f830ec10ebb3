"""Changes to the registry: terms, bodies, mandates. Every change may carry a decision.

Dates are half-open: a term ``[start, end)`` is held on ``start`` and no longer
on ``end``. Callers pass dates in; nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chapterhouse.core.errors import RecordError, error_day, error_name
from chapterhouse.core.ids import fresh_id, id_stem
from chapterhouse.core.intervals import exists_on, held_on, is_held, overlaps
from chapterhouse.core.locks import lock_row
from chapterhouse.core.partial_dates import start_of, start_text
from chapterhouse.core.text import text_key
from chapterhouse.core.write_schema import (
    PersonChanges,
    PersonFields,
    PersonIdChange,
    given,
    validated,
)
from chapterhouse.custody.access import Viewer, may_choose_ids, may_entrust_people_to
from chapterhouse.custody.services import audit_record, audit_update
from chapterhouse.meetings.effects import ChangeRecorder, fields_update
from chapterhouse.registry import term_rules
from chapterhouse.registry.mandates import mandate_names
from chapterhouse.registry.models import (
    Body,
    BodyName,
    Mandate,
    Person,
    PersonAlias,
    PersonName,
    Term,
)
from chapterhouse.registry.person_ids import real_names, revealed_words
from chapterhouse.registry.person_name_keys import person_name_keys_refresh


def _body_named(body: Body, day: dt.date | None = None) -> str:
    """Return how an error names ``body``: by the name it bore on ``day`` (its latest
    without one) in the reader's language; by id while importing (``core.errors``)."""
    from chapterhouse.registry.selectors import body_name_as_of

    name = body_name_as_of(body=body, as_of=day) if day is not None else body.name
    return error_name(name, body.slug)


def _person_named(person: Person) -> str:
    """Return how an error names ``person``: their call sign when they have one (the name
    everyone may read), else their display name; by id while importing."""
    return error_name(person.call_sign or person.name, person.slug)


def _role_named(slug: str) -> str:
    """Return how an error names a role: its name in the reader's language (the
    organization's wording, else the built-in one); by id while importing."""
    from chapterhouse.core.vocabulary import BUILTIN_ROLES
    from chapterhouse.registry.models import Role

    declared = Role.objects.filter(slug=slug).values_list("name", flat=True).first()
    builtin = BUILTIN_ROLES.get(slug)
    if builtin is not None and not isinstance(declared, dict):
        return error_name(str(builtin[0]), slug)
    return error_name(declared, slug)


def _overlap_message(term: Term) -> str:
    """Return "overlaps the twin term …" naming ``term`` (person, role and body by name,
    days in the reader's format; ids and ISO dates while importing), a whole sentence in
    the active language."""
    names = {
        "person": _person_named(term.person),
        "role": _role_named(term.role),
        "body": _body_named(term.body, term.start),
        "start": error_day(term.start),
    }
    if term.end is None:
        return _("overlaps the twin term %(person)s as %(role)s of %(body)s [%(start)s, open)") % (
            names
        )
    return _("overlaps the twin term %(person)s as %(role)s of %(body)s [%(start)s, %(end)s)") % {
        **names,
        "end": error_day(term.end),
    }


def term_start(
    *,
    person: Person,
    body: Body,
    role: str,
    start: dt.date,
    title: Any = None,
    start_precision: str = "day",
    end: dt.date | None = None,
    end_precision: str = "day",
    term_length: str = "",
    how: str = "",
    decision: Any = None,
    recorder: ChangeRecorder | None = None,
) -> Term:
    """Start a term and return it.

    ``term_length`` gives ``end`` when ``end`` is not given. A term that starts
    with ``how="reappointed"`` ends the person's open twin (same body, role and
    title) on its start date: from that day on only the new term is held. Any
    other overlap with a twin is an error, as is a term outside the body's life.
    """
    end, end_precision = term_rules.term_end_of(
        start=start, end=end, end_precision=end_precision, term_length=term_length
    )
    if not term_rules.ends_after_start(start=start, end=end):
        raise RecordError(
            _("the term must end after it starts (%(start)s)") % {"start": error_day(start)},
            path="end",
            value=str(end),
        )
    outside = term_rules.outside_body_life(
        start=start, founded=body.founded, dissolved=body.dissolved
    )
    if outside == "before_founding":
        assert body.founded is not None
        raise RecordError(
            _("body %(body)s was founded on %(date)s, after the term starts")
            % {"body": _body_named(body, body.founded), "date": error_day(body.founded)},
            path="start",
            value=start.isoformat(),
        )
    if outside == "after_dissolution":
        assert body.dissolved is not None
        raise RecordError(
            _("body %(body)s was dissolved on %(date)s")
            % {
                "body": _body_named(body, body.dissolved - dt.timedelta(days=1)),
                "date": error_day(body.dissolved),
            },
            path="start",
            value=str(start),
        )
    key = text_key(title)
    # One query for the rules: a person holds few terms in one role of one body.
    twins = list(
        Term.objects.filter(person=person, body=body, role=role, title_key=key)
        .select_related("person", "body")
        .order_by("pk")
    )
    # Two open twins would overlap each other: there is at most one to end.
    ended = term_rules.twins_a_reappointment_ends(twins, start=start, how=how)[:1]
    for closed in ended:
        # "Ends the open term on its start date": a change takes effect on its day,
        # so the old term was last held the day before and both show in history.
        term_close(
            term=closed,
            end=start,
            decision=decision,
            reason="reappointed",
            recorder=recorder,
        )
    clash = term_rules.overlapping_twin(
        [twin for twin in twins if twin not in ended], start=start, end=end
    )
    if clash is not None:
        raise RecordError(_overlap_message(clash), path="start", value=start.isoformat())
    term = Term.objects.create(
        person=person,
        body=body,
        role=role,
        title=title,
        title_key=key,
        start=start,
        start_precision=start_precision,
        end=end,
        end_precision=end_precision,
        term_length=term_length,
        how=how,
        decision=decision,
    )
    if recorder is not None:
        recorder.created(term)
    return term


def term_close(
    *,
    term: Term,
    end: dt.date,
    end_precision: str = "day",
    decision: Any = None,
    reason: Any = None,
    recorder: ChangeRecorder | None = None,
) -> Term:
    """End ``term`` on ``end`` (the first day it is no longer held)."""
    if not term_rules.ends_after_start(start=term.start, end=end):
        raise RecordError(
            _("the term started on %(date)s; it cannot end on or before that")
            % {"date": error_day(term.start)},
            path="end",
            value=end.isoformat(),
        )
    fields_update(
        term,
        recorder=recorder,
        end=end,
        end_precision=end_precision,
        ended_by=decision,
        end_reason=reason,
    )
    return term


def term_end(
    *,
    person: Person,
    body: Body,
    role: str,
    end: dt.date,
    title: Any = None,
    end_precision: str = "day",
    reason: Any = None,
    decision: Any = None,
    recorder: ChangeRecorder | None = None,
) -> Term:
    """End the term that matches and is still running on ``end``.

    Without ``title`` any title matches, but only one term may match.
    """
    # Still held on the day it ends, and begun before it: a term ends on the first day it
    # is no longer held.
    terms = Term.objects.filter(held_on(end), person=person, body=body, role=role, start__lt=end)
    if title is not None:
        terms = terms.filter(title_key=text_key(title))
    found = list(terms[:2])
    if not found:
        raise RecordError(
            _("%(person)s holds no term as %(role)s of %(body)s running on %(date)s")
            % {
                "person": _person_named(person),
                "role": _role_named(role),
                "body": _body_named(body, end),
                "date": error_day(end),
            },
            path="person",
            value=person.slug,
        )
    if len(found) > 1:
        raise RecordError(
            _("%(person)s holds several terms as %(role)s of %(body)s; give the title")
            % {
                "person": _person_named(person),
                "role": _role_named(role),
                "body": _body_named(body),
            },
            path="title",
        )
    return term_close(
        term=found[0],
        end=end,
        end_precision=end_precision,
        decision=decision,
        reason=reason,
        recorder=recorder,
    )


def body_create(
    *,
    slug: str,
    kind: str,
    name: Any,
    parent: Body | None = None,
    founded: dt.date | None = None,
    founded_precision: str = "day",
    dissolved: dt.date | None = None,
    dissolved_precision: str = "day",
    mandates: Iterable[str] = (),
    decision: Any = None,
    recorder: ChangeRecorder | None = None,
    **fields: Any,
) -> Body:
    """Create a body with the mandates it holds from its founding on."""
    if Body.objects.filter(slug=slug).exists():
        raise RecordError(
            _("a body with id %(id)s already exists") % {"id": repr(slug)}, path="id", value=slug
        )
    if parent is not None and parent.dissolved and founded and founded >= parent.dissolved:
        raise RecordError(
            _("parent %(body)s was dissolved on %(date)s")
            % {
                "body": _body_named(parent, parent.dissolved - dt.timedelta(days=1)),
                "date": error_day(parent.dissolved),
            },
            path="parent",
            value=parent.slug,
        )
    body = Body.objects.create(
        slug=slug,
        kind=kind,
        name=name,
        parent=parent,
        founded=founded,
        founded_precision=founded_precision,
        dissolved=dissolved,
        dissolved_precision=dissolved_precision,
        founded_by=decision,
        **fields,
    )
    if recorder is not None:
        recorder.created(body)
    for mandate in mandates:
        created = Mandate.objects.create(
            body=body,
            slug=mandate,
            start=founded,
            start_precision=founded_precision,
            end=dissolved,
            end_precision=dissolved_precision,
        )
        if recorder is not None:
            recorder.created(created)
    return body


def body_rename(
    *, body: Body, name: Any, date: dt.date, decision: Any, recorder: ChangeRecorder | None = None
) -> BodyName:
    """Give ``body`` a new name from ``date`` on; the old one stays in history."""
    if not _exists(body, date):
        raise RecordError(
            _("body %(body)s does not exist on %(date)s")
            % {"body": _body_named(body, date), "date": error_day(date)},
            path="body",
            value=body.slug,
        )
    rename = BodyName.objects.create(body=body, name=name, start=date, decision=decision)
    if recorder is not None:
        recorder.created(rename)
    return rename


def _exists(body: Body, day: dt.date) -> bool:
    return is_held(body.founded, body.dissolved, day)


def body_dissolve(
    *,
    body: Body,
    date: dt.date,
    date_precision: str = "day",
    transfers: Iterable[dict[str, Any]] = (),
    decision: Any = None,
    recorder: ChangeRecorder | None = None,
) -> list[Mandate]:
    """Dissolve ``body`` on ``date``: end its open terms and move its mandates.

    ``date`` is the first day the body no longer exists, the day the change
    takes effect: its terms end and its mandates pass on that day, so as of
    ``date`` the receivers hold them and the body holds nothing. Each transfer
    is ``{"mandate", "to": [Body] | None, "to_kind": str | None,
    "holder_role": str | None}``; ``to_kind`` means every body of that kind
    that exists on ``date``. Mandates not transferred lapse. Returns the
    mandates created by the transfers. A body with living sub-bodies cannot be
    dissolved: they would be orphaned. All or nothing.
    """
    with transaction.atomic():
        return _body_dissolve(
            body=body,
            date=date,
            date_precision=date_precision,
            transfers=transfers,
            decision=decision,
            recorder=recorder,
        )


def _body_dissolve(
    *,
    body: Body,
    date: dt.date,
    date_precision: str,
    transfers: Iterable[dict[str, Any]],
    decision: Any,
    recorder: ChangeRecorder | None,
) -> list[Mandate]:
    if not _exists(body, date - dt.timedelta(days=1)):
        raise RecordError(
            _("body %(body)s does not exist on %(date)s")
            % {"body": _body_named(body, date), "date": error_day(date)},
            path="body",
            value=body.slug,
        )
    living = list(Body.objects.filter(parent=body).filter(exists_on(date)).order_by("slug"))
    if living:
        raise RecordError(
            _("body %(body)s still has sub-bodies on %(date)s: %(bodies)s")
            % {
                "body": _body_named(body, date),
                "date": error_day(date),
                "bodies": ", ".join(_body_named(child, date) for child in living),
            },
            path="body",
            value=body.slug,
        )
    later = Term.objects.filter(body=body, start__gte=date).first()
    if later is not None:
        raise RecordError(
            _("body %(body)s has a term starting on %(date)s, after its dissolution")
            % {"body": _body_named(body, later.start), "date": error_day(later.start)},
            path="body",
            value=body.slug,
        )
    fields_update(
        body,
        recorder=recorder,
        dissolved=date,
        dissolved_precision=date_precision,
        dissolved_by=decision,
    )
    for term in Term.objects.filter(body=body).filter(overlaps(date, None)):
        term_close(
            term=term, end=date, decision=decision, reason="body dissolved", recorder=recorder
        )
    last_day = date - dt.timedelta(days=1)
    held = {m.slug: m for m in body.mandates.filter(held_on(last_day, open_start=True))}
    moved: list[Mandate] = []
    for index, transfer in enumerate(transfers):
        slug = transfer["mandate"]
        if slug not in held:
            titles = mandate_names({slug, *held})
            names = {
                "body": _body_named(body, last_day),
                "mandate": repr(error_name(titles.get(slug), slug)),
                "date": error_day(date),
            }
            raise RecordError(
                _("body %(body)s holds no mandate %(mandate)s on %(date)s (it holds: %(held)s)")
                % {
                    **names,
                    "held": ", ".join(
                        error_name(titles.get(held_slug), held_slug) for held_slug in sorted(held)
                    ),
                }
                if held
                else _("body %(body)s holds no mandate %(mandate)s on %(date)s (it holds: none)")
                % names,
                path=f"transfer[{index}].mandate",
                value=slug,
            )
        targets: list[Body]
        if transfer.get("to"):
            targets = list(transfer["to"])
            for target in targets:
                if not _exists(target, date):
                    raise RecordError(
                        _("body %(body)s does not exist on %(date)s")
                        % {"body": _body_named(target, date), "date": error_day(date)},
                        path=f"transfer[{index}].to",
                        value=target.slug,
                    )
        else:
            targets = list(
                Body.objects.filter(kind=transfer["to_kind"])
                .filter(exists_on(date))
                .exclude(pk=body.pk)
                .order_by("slug")
            )
            if not targets:
                raise RecordError(
                    _("no body of kind %(kind)s exists on %(date)s")
                    % {"kind": repr(transfer["to_kind"]), "date": error_day(date)},
                    path=f"transfer[{index}].to_kind",
                    value=transfer["to_kind"],
                )
        for target in targets:
            mandate = Mandate.objects.create(
                body=target,
                slug=slug,
                start=date,
                start_precision="day",
                holder_role=transfer.get("holder_role") or "",
                decision=decision,
                transferred_from=body,
            )
            if recorder is not None:
                recorder.created(mandate)
            moved.append(mandate)
    for mandate in held.values():
        fields_update(
            mandate,
            recorder=recorder,
            end=date,
            end_precision=date_precision,
            ended_by=decision,
        )
    return moved


# -- people, written through the web, the API and the CLI ------------------------------------

# The fields of a person a write may set, in the order an audit entry lists them.
PERSON_FIELDS = (
    "name",
    "names",
    "given",
    "family",
    "patronymic",
    "call_sign",
    "born",
    "custodian",
    "public",
    "honorific",
    "contact",
    "notes",
)


def person_plain_fields(person: Person) -> dict[str, Any]:
    """Return the person's name parts, birth, custodian, visibility and honorific as a
    Chronicle writes them (blank as None, ids, dates as text): what the snapshot of a write
    and the subject access export (`custody.selectors.person_data`) both hold."""
    return {
        "given": person.given or None,
        "family": person.family or None,
        "patronymic": person.patronymic or None,
        "call_sign": person.call_sign or None,
        "born": start_text(person.born, person.born_precision),
        "custodian": person.custodian.slug if person.custodian_id else None,  # type: ignore[union-attr]
        "public": person.public,
        "honorific": person.honorific,
    }


def person_snapshot(person: Person) -> dict[str, Any]:
    """Return the person's writable fields as a Chronicle writes them (ids, dates as text)."""
    return {
        "name": person.name,
        "names": _variants_of(person) or None,
        **person_plain_fields(person),
        "contact": person.contact or None,
        "notes": person.notes or None,
    }


def _variants_of(person: Person) -> list[dict[str, str]]:
    """Return the person's name variants as a Chronicle lists them (no blank keys)."""
    if person.pk is None:
        return []
    rows = person.names.values_list("name", "lang", "kind")
    return [
        {key: value for key, value in zip(("name", "lang", "kind"), row, strict=True) if value}
        for row in rows
    ]


def _variants_set(person: Person, variants: list[dict[str, Any]] | None) -> None:
    """Replace the person's name variants with ``variants`` (the saved person's)."""
    person.names.all().delete()
    PersonName.objects.bulk_create(
        PersonName(
            person=person,
            name=variant["name"],
            lang=variant.get("lang") or "",
            kind=variant.get("kind") or "",
            position=position,
        )
        for position, variant in enumerate(variants or [])
    )


def _custodian(viewer: Viewer, slug: str | None) -> Body | None:
    """Return the custodian body ``slug``; the viewer must be an officer there."""
    if slug is None:
        if not may_entrust_people_to(viewer, None):
            raise PermissionDenied(
                _("Only an administrator may keep a person without a custodian body.")
            )
        return None
    body = Body.objects.filter(viewer.body_filter()).filter(slug=slug).first()
    if body is None:
        raise ValidationError({"custodian": [_("No body with the id “%(id)s”.") % {"id": slug}]})
    if not may_entrust_people_to(viewer, body.pk):
        raise PermissionDenied(
            _("Only officers of %(body)s (or a body above) may entrust people to it.")
            % {"body": body.slug}
        )
    return body


def _person_set(viewer: Viewer, person: Person, data: dict[str, Any]) -> None:
    for key in ("name", "given", "family", "patronymic", "call_sign", "notes"):
        if key in data:
            setattr(person, key, data[key] or "")
    if "public" in data:
        person.public = bool(data["public"])
    if "honorific" in data:
        person.honorific = data["honorific"]
    if "contact" in data:
        person.contact = data["contact"] or {}
    if "born" in data:
        born, precision = start_of(data["born"])
        person.born, person.born_precision = born, precision
    if "custodian" in data:
        person.custodian = _custodian(viewer, data["custodian"])


def _edit_refusal(viewer: Viewer, person: Person) -> str:
    """Say who may edit ``person``, naming their custodian only where the viewer may see
    that body (an internal committee is never named to an outsider, not even here)."""
    custodian = person.custodian
    if custodian is None:
        return _("Only an administrator may edit this person.")
    if viewer.sees_body(custodian.pk, internal=custodian.internal):
        return _("Only officers of %(body)s (or a body above) may edit this person.") % {
            "body": custodian.slug
        }
    return _("Only the officers of this person's custodian body may edit this person.")


def _names_of(person: Person, *, stored: bool) -> list[str]:
    """Return the ways ``person``'s real name is written (``stored``: with the variants
    already recorded for them)."""
    variants: list[tuple[str, str]] = (
        list(person.names.values_list("name", "kind")) if stored and person.pk else []
    )
    return real_names(
        name=person.name,
        given=person.given,
        family=person.family,
        patronymic=person.patronymic,
        variants=variants,
    )


def _refuse_revealing_id(slug: str, names: list[str], *, key: str = "id") -> None:
    """Refuse ``slug`` as the id of a person with a call sign when it contains a word of their
    real name (``registry.person_ids``); the error is under ``key``."""
    revealed = revealed_words(slug, names)
    if revealed:
        raise ValidationError(
            {
                key: [
                    _(
                        "The id “%(id)s” contains “%(words)s” from the real name of a person "
                        "with a call sign. Ids are public: give one made from the call sign or "
                        "a neutral one (chapterhouse person change-id changes a stored id)."
                    )
                    % {"id": slug, "words": "”, “".join(revealed)}
                ]
            }
        )


def _new_person_id(
    viewer: Viewer, requested: str | None, call_sign: str | None, names: list[str]
) -> str:
    """Return the id of a new person (see ``core.ids``): an administrator's choice, else the
    suggestion (or the call sign, never the real name, or "person") with random characters.

    A person with a call sign never gets an id containing a word of their real name: an
    administrator's choice that does is refused, a generated one is drawn again.
    """

    def taken(slug: str) -> bool:
        # A merged person's id names the kept person for good (docs/decisions/0032).
        return (
            Person.objects.filter(slug=slug).exists()
            or PersonAlias.objects.filter(slug=slug).exists()
        )

    if may_choose_ids(viewer) and requested:
        if call_sign:
            _refuse_revealing_id(requested, names)
        if taken(requested):
            raise ValidationError({"id": [_("A person with this id already exists.")]})
        return requested
    if call_sign:
        # The suggestion of a non-administrator is only a stem: the call sign's stem is used
        # when the suggestion would give the name away.
        stem = id_stem(requested, fallback="")
        if not stem or revealed_words(stem, names):
            stem = id_stem(call_sign, fallback="person")
            if revealed_words(stem, names):
                stem = "person"
        return fresh_id(stem, taken=lambda slug: taken(slug) or bool(revealed_words(slug, names)))
    return fresh_id(id_stem(requested or call_sign, fallback="person"), taken=taken)


def person_create(
    *, viewer: Viewer, via: str, at: dt.datetime, values: Mapping[str, Any]
) -> Person:
    """Record a new person from ``values`` (see PersonFields).

    The viewer must be an officer of the custodian body (or a body above it);
    only an administrator records a person without a custodian.
    """
    fields = validated(PersonFields, values)
    data = given(fields)
    data.setdefault("custodian", None)
    with transaction.atomic():
        names = real_names(
            name=fields.name,
            given=fields.given,
            family=fields.family,
            patronymic=fields.patronymic,
            variants=[(variant.name, variant.kind) for variant in fields.names or []],
        )
        person = Person(slug=_new_person_id(viewer, fields.id, fields.call_sign, names))
        _person_set(viewer, person, data)
        person.save()
        if "names" in data:
            _variants_set(person, data["names"])
        person_name_keys_refresh(person_ids=[person.pk])
        snapshot = person_snapshot(person)
        audit_record(
            viewer=viewer,
            via=via,
            action="create",
            object_type="person",
            object_id=person.slug,
            at=at,
            body=person.custodian_id,
            after={key: value for key, value in snapshot.items() if value is not None},
        )
    return person


def person_update(
    *, viewer: Viewer, via: str, at: dt.datetime, person: Person, changes: Mapping[str, Any]
) -> Person:
    """Change the given fields of ``person`` (see PersonChanges); null clears a field.

    Officers of the person's custodian body (or above) edit them, and may hand
    them only to a body they are officers of too. An erased person's data stays
    erased. A change that changes nothing leaves no audit entry.
    """
    data = given(validated(PersonChanges, changes))
    if data.get("name", "") is None:
        raise ValidationError({"name": [_("A person needs a name.")]})
    with transaction.atomic():
        # Read under a row lock: of two changes at once, the second starts from the first's.
        lock_row(person)
        if not viewer.may_edit_person(person):
            raise PermissionDenied(_edit_refusal(viewer, person))
        if person.erased is not None:
            raise ValidationError({"__all__": [_("This person's personal data was erased.")]})
        before = person_snapshot(person)
        _person_set(viewer, person, data)
        if "names" in data:
            _variants_set(person, data["names"])
        if person.call_sign:
            # A call sign given to (or a name changed for) someone whose id was made from
            # their name would publish the name under the call sign.
            _refuse_revealing_id(person.slug, _names_of(person, stored=True), key="call_sign")
        person.save()
        person_name_keys_refresh(person_ids=[person.pk])
        after = person_snapshot(person)
        audit_update(
            viewer=viewer,
            via=via,
            object_type="person",
            object_id=person.slug,
            at=at,
            body=person.custodian_id,
            before=before,
            after=after,
        )
    return person


def _renamed_people(value: Any, old: str, new: str) -> Any:
    """Return ``value`` (a decision's effects) with every ``"person": old`` made ``new``."""
    if isinstance(value, list):
        return [_renamed_people(item, old, new) for item in value]
    if isinstance(value, dict):
        return {
            key: (new if key == "person" and item == old else _renamed_people(item, old, new))
            for key, item in value.items()
        }
    return value


def person_change_id(
    *, viewer: Viewer, via: str, at: dt.datetime, person: Person, new_id: str
) -> Person:
    """Give ``person`` the id ``new_id`` and return them; everything that names them by id
    (decisions' effects, documents' signatories) follows.

    Who may edit the person may change their id (`Viewer.may_edit_person`). An
    administrator's ``new_id`` is used as it is (refused when taken); anyone else's is a
    stem that gets random characters, as for a new person (`custody.access.may_choose_ids`),
    so that "taken" never tells them about a person they may not see. For a person with a
    call sign, an id containing a word of their real name is refused. Records written
    before (audit entries, earlier exports) keep the old id.
    """
    from django.apps import apps

    # By name, like the registry's foreign keys to decisions: meetings builds on the
    # registry, so the registry does not import it.
    Decision = apps.get_model("meetings", "Decision")
    Document = apps.get_model("meetings", "Document")

    new_id = validated(PersonIdChange, {"id": new_id}).id
    with transaction.atomic():
        # Decisions and documents name the person by id: lock_row takes the record's lock
        # too, so no decision is adopted or annulled from the old id while it changes.
        lock_row(person)
        if not viewer.may_edit_person(person):
            raise PermissionDenied(_edit_refusal(viewer, person))
        old_id = person.slug
        if new_id == old_id:
            return person
        names = _names_of(person, stored=True)
        if may_choose_ids(viewer):
            if person.call_sign:
                _refuse_revealing_id(new_id, names)
            if Person.objects.filter(slug=new_id).exists():
                raise ValidationError({"id": [_("A person with this id already exists.")]})
            chosen = new_id
        else:
            chosen = _new_person_id(viewer, new_id, person.call_sign or None, names)
        person.slug = chosen
        person.save(update_fields=["slug"])
        person_name_keys_refresh(person_ids=[person.pk])
        # JSON containment is not portable to SQLite: the text search narrows, Python decides.
        for decision in Decision.objects.select_for_update().filter(effects__icontains=old_id):
            effects = _renamed_people(decision.effects, old_id, chosen)
            if effects != decision.effects:
                decision.effects = effects
                decision.save(update_fields=["effects"])
        for document in Document.objects.select_for_update().filter(signatories__icontains=old_id):
            signatories = [chosen if slug == old_id else slug for slug in document.signatories]
            if signatories != document.signatories:
                document.signatories = signatories
                document.save(update_fields=["signatories"])
        audit_record(
            viewer=viewer,
            via=via,
            action="update",
            object_type="person",
            object_id=chosen,
            at=at,
            body=person.custodian_id,
            before={"id": old_id},
            after={"id": chosen},
        )
    return person
