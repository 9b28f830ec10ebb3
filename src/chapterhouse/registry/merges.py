"""Merging two records of one person, and undoing a merge (docs/decisions/0032).

`person_merge` moves every row that points to the merged person (terms, name
variants, awards, attendances, authorships, assignments, affiliations, an
account, articles about them …: every foreign key to Person in every app,
found through the model's relations so that a new one is not forgotten) to the
kept person, rewrites the decisions' effects and documents' signatories that
name them by id, adds their display name as a name variant of the kept person,
deletes the merged row and keeps its id as a `PersonAlias`. The alias records
what was moved and the merged row as it was; `person_unmerge` puts everything
back from it, unless something newer builds on the merge.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils.translation import gettext as _

from chapterhouse.core.intervals import overlaps
from chapterhouse.core.locks import lock_row
from chapterhouse.custody.access import Viewer, may_merge_people
from chapterhouse.custody.models import AuditEntry
from chapterhouse.custody.services import audit_record
from chapterhouse.registry.models import Person, PersonAlias, PersonName, PersonNameKey, Term
from chapterhouse.registry.person_name_keys import person_name_keys_refresh
from chapterhouse.registry.services import (
    _body_named,
    _renamed_people,
    _role_named,
)

# The keys under which the merge records the name variant it added to the kept person,
# and how each moved term ended then (a later end builds on the merge).
ADDED_NAME = "registry.PersonName.added"
TERM_ENDS = "registry.Term.ends"
NOT_ROWS = {"json", ADDED_NAME, TERM_ENDS}


def _relations() -> list[tuple[str, type[models.Model], str, bool]]:
    """Return ``(label, model, field name, one_to_one)`` for every foreign key to Person
    (a many-to-many's through model among them)."""
    found: list[tuple[str, type[models.Model], str, bool]] = []
    # Hidden relations included: a many-to-many's through rows (Article.about_people) are
    # reached by their own foreign key to Person, and moved (or dropped) row by row.
    for relation in Person._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.many_to_many:
            continue
        if relation.related_model is PersonNameKey:
            continue  # derived from the names: rebuilt after the merge, never moved
        if relation.one_to_many or relation.one_to_one:
            model = relation.related_model
            name = relation.field.name  # type: ignore[union-attr]
            label = f"{model._meta.label}.{name}"  # type: ignore[union-attr]
            found.append((label, model, name, bool(relation.one_to_one)))  # type: ignore[arg-type]
    return sorted(found, key=lambda item: item[0])


def _named(viewer: Viewer, person: Person) -> str:
    return f"{viewer.display_name(person)} ({person.slug})"


def _refuse_overlaps(viewer: Viewer, keep: Person, other: Person) -> None:
    """Refuse a merge that would give the kept person two overlapping terms in the same
    role of the same body, naming each pair."""
    clashes: list[str] = []
    for term in Term.objects.filter(person=other).select_related("body"):
        twins = Term.objects.filter(overlaps(term.start, term.end)).filter(
            person=keep, body_id=term.body_id, role=term.role
        )
        for twin in twins:
            clashes.append(
                _("%(role)s of %(body)s from %(start)s (%(other)s) and from %(twin)s (%(keep)s)")
                % {
                    "role": _role_named(term.role),
                    "body": _body_named(term.body, term.start),
                    "start": term.start.isoformat(),
                    "twin": twin.start.isoformat(),
                    "other": other.slug,
                    "keep": keep.slug,
                }
            )
    if clashes:
        raise ValidationError(
            _(
                "Merging would give %(keep)s overlapping terms in the same role of the same "
                "body: %(terms)s. End or correct one of each pair first."
            )
            % {"keep": _named(viewer, keep), "terms": "; ".join(clashes)}
        )


def _rename_in_json(old: str, new: str) -> dict[str, dict[str, Any]]:
    """Make every decision effect and document signatory that names ``old`` name ``new``;
    return ``{label: {pk: [value before, value after]}}``."""
    Decision = apps.get_model("meetings", "Decision")
    Document = apps.get_model("meetings", "Document")
    changed: dict[str, dict[str, Any]] = {"meetings.Decision.effects": {}}
    changed["meetings.Document.signatories"] = {}
    for decision in Decision.objects.select_for_update().filter(effects__icontains=old):
        effects = _renamed_people(decision.effects, old, new)
        if effects != decision.effects:
            changed["meetings.Decision.effects"][str(decision.pk)] = [decision.effects, effects]
            decision.effects = effects
            decision.save(update_fields=["effects"])
    for document in Document.objects.select_for_update().filter(signatories__icontains=old):
        signatories = [new if slug == old else slug for slug in document.signatories]
        if signatories != document.signatories:
            changed["meetings.Document.signatories"][str(document.pk)] = [
                document.signatories,
                signatories,
            ]
            document.signatories = signatories
            document.save(update_fields=["signatories"])
    return {label: rows for label, rows in changed.items() if rows}


def person_merge(
    *, viewer: Viewer, via: str, at: dt.datetime, keep: Person, other: Person
) -> PersonAlias:
    """Merge ``other`` into ``keep`` and return the alias that ``other``'s id becomes.

    Refused (PermissionDenied) unless the viewer may edit both (`may_merge_people`);
    refused (ValidationError, nothing changed) for a person merged into themselves, when
    both have an account, or when the kept person would hold two overlapping terms in the
    same role of the same body. The kept person's own fields are not changed.
    """
    if keep.pk == other.pk:
        raise ValidationError(_("A person cannot be merged into themselves."))
    with transaction.atomic():
        # Both rows locked, in id order, so that two merges of the same pair never deadlock.
        for person in sorted((keep, other), key=lambda person: person.pk):
            lock_row(person)
        if not may_merge_people(viewer, keep, other):
            raise PermissionDenied(
                _("Only someone who may edit both people may merge them: %(people)s.")
                % {"people": f"{keep.slug}, {other.slug}"}
            )
        _refuse_overlaps(viewer, keep, other)
        relations = _relations()
        for _label, model, name, one_to_one in relations:
            manager = model._default_manager
            if (
                one_to_one
                and manager.filter(**{name: keep}).exists()
                and manager.filter(**{name: other}).exists()
            ):
                raise ValidationError(
                    _("Both people have a %(what)s; a merge cannot join two into one.")
                    % {"what": model._meta.verbose_name}
                )
        merged = json.loads(serializers.serialize("json", [other], cls=DjangoJSONEncoder))[0]
        moved: dict[str, Any] = {}
        for label, model, name, _one in relations:
            rows = model._default_manager.filter(**{name: other})
            if model._meta.auto_created:
                # A many-to-many row: where the kept person is already there, the merged
                # person's row is dropped (and restored on unmerge), else it is moved.
                owner = next(
                    field.name
                    for field in model._meta.fields
                    if field.is_relation and field.name != name
                )
                both = set(
                    model._default_manager.filter(**{name: keep}).values_list(
                        f"{owner}_id", flat=True
                    )
                )
                dropped = list(
                    rows.filter(**{f"{owner}_id__in": both}).values_list(f"{owner}_id", flat=True)
                )
                rows.filter(**{f"{owner}_id__in": both}).delete()
                if dropped:
                    moved[f"{label}.dropped"] = sorted(dropped)
            pks = sorted(rows.values_list("pk", flat=True))
            if pks:
                model._default_manager.filter(pk__in=pks).update(**{name: keep})
                moved[label] = pks
        moved_terms = moved.get("registry.Term.person", [])
        if moved_terms:
            moved[TERM_ENDS] = {
                str(pk): [end.isoformat() if end else None, ended_by]
                for pk, end, ended_by in Term.objects.filter(pk__in=moved_terms).values_list(
                    "pk", "end", "ended_by_id"
                )
            }
        json_changes = _rename_in_json(other.slug, keep.slug)
        if json_changes:
            moved["json"] = json_changes
        if other.name and other.name not in {keep.name, *keep.names.values_list("name", flat=True)}:
            position = keep.names.count()
            variant = PersonName.objects.create(
                person=keep, name=other.name, kind="alias", position=position
            )
            moved[ADDED_NAME] = variant.pk
        other_slug = other.slug
        other.delete()
        entry = audit_record(
            viewer=viewer,
            via=via,
            action="merge",
            object_type="person",
            object_id=keep.slug,
            at=at,
            body=keep.custodian_id,
            after={"merged": other_slug},
        )
        alias = PersonAlias.objects.create(
            slug=other_slug,
            person=keep,
            merged_at=at,
            audit_entry=entry.pk,
            merged=merged,
            moved=moved,
        )
        # The kept person is now found by the merged person's names too (registry.search).
        person_name_keys_refresh(person_ids=[keep.pk])
    return alias


def _models_by_label() -> dict[str, tuple[type[models.Model], str]]:
    return {label: (model, name) for label, model, name, _one in _relations()}


def _newer_changes(alias: PersonAlias) -> list[str]:
    """Return what was written after the merge and builds on it (empty: it may be undone)."""
    keep = alias.person
    found: list[str] = []
    later = AuditEntry.objects.filter(pk__gt=alias.audit_entry, object_type="person").filter(
        object_id__in=[keep.slug, alias.slug]
    )
    for entry in later.order_by("pk")[:5]:
        found.append(
            _("%(action)s of %(id)s on %(at)s")
            % {"action": entry.action, "id": entry.object_id, "at": entry.at.date().isoformat()}
        )
    relations = _models_by_label()
    for label, pks in alias.moved.items():
        if label in NOT_ROWS or label.endswith(".dropped"):
            continue
        model, name = relations[label]
        still = model._default_manager.filter(pk__in=pks, **{name: keep}).count()
        if still != len(pks):
            found.append(
                _("%(count)s moved %(what)s changed or removed since")
                % {"count": len(pks) - still, "what": model._meta.verbose_name_plural}
            )
    ends = alias.moved.get(TERM_ENDS, {})
    if ends:
        now = {
            str(pk): [end.isoformat() if end else None, ended_by]
            for pk, end, ended_by in Term.objects.filter(
                pk__in=[int(pk) for pk in ends]
            ).values_list("pk", "end", "ended_by_id")
        }
        if any(now.get(pk) != state for pk, state in ends.items()):
            found.append(_("a moved term was ended or changed after the merge"))
    for label, rows in alias.moved.get("json", {}).items():
        model_label, field = label.rsplit(".", 1)
        model = apps.get_model(model_label)
        current = dict(model._default_manager.filter(pk__in=rows).values_list("pk", field))
        for pk, (_before, after) in rows.items():
            if current.get(int(pk)) != after:
                found.append(
                    _("%(what)s %(id)s changed since")
                    % {"what": model._meta.verbose_name, "id": pk}
                )
    return found


def person_unmerge(*, viewer: Viewer, via: str, at: dt.datetime, alias: PersonAlias) -> Person:
    """Undo the merge that made ``alias``: restore the merged person with their id, move back
    what the merge moved, and return them.

    Refused like the merge itself (`may_merge_people`), and refused (ValidationError, nothing
    changed) once something newer builds on the merge: a later edit of either person, a
    moved row changed or removed, a moved term ended by a later decision, a decision or
    document rewritten by the merge changed again.
    """
    with transaction.atomic():
        keep = alias.person
        lock_row(keep)
        alias = PersonAlias.objects.select_for_update().get(pk=alias.pk)
        restored = next(serializers.deserialize("json", json.dumps([alias.merged])))
        other: Person = restored.object  # type: ignore[assignment]
        if not may_merge_people(viewer, keep, other):
            raise PermissionDenied(
                _("Only someone who may edit both people may undo their merge: %(people)s.")
                % {"people": f"{keep.slug}, {alias.slug}"}
            )
        newer = _newer_changes(alias)
        if newer:
            raise ValidationError(
                _(
                    "The merge of %(other)s into %(keep)s cannot be undone: newer changes "
                    "build on it (%(changes)s)."
                )
                % {"other": alias.slug, "keep": keep.slug, "changes": "; ".join(newer)}
            )
        if Person.objects.filter(slug=alias.slug).exists():
            raise ValidationError(_("Another person has the id %(id)s now.") % {"id": alias.slug})
        moved = alias.moved
        alias.delete()
        other.save(force_insert=True)
        relations = _models_by_label()
        for label, pks in moved.items():
            if label in NOT_ROWS or label.endswith(".dropped"):
                continue
            model, name = relations[label]
            model._default_manager.filter(pk__in=pks).update(**{name: other})
        for label, owners in moved.items():
            if label.endswith(".dropped"):
                model, name = relations[label.removesuffix(".dropped")]
                owner = next(
                    field.name
                    for field in model._meta.fields
                    if field.is_relation and field.name != name
                )
                model._default_manager.bulk_create(
                    model(**{f"{owner}_id": pk, name: other}) for pk in owners
                )
        for label, rows in moved.get("json", {}).items():
            model_label, field = label.rsplit(".", 1)
            model = apps.get_model(model_label)
            for pk, (before, _after) in rows.items():
                model._default_manager.filter(pk=int(pk)).update(**{field: before})
        if ADDED_NAME in moved:
            PersonName.objects.filter(pk=moved[ADDED_NAME]).delete()
        audit_record(
            viewer=viewer,
            via=via,
            action="unmerge",
            object_type="person",
            object_id=keep.slug,
            at=at,
            body=keep.custodian_id,
            before={"merged": alias.slug},
        )
        person_name_keys_refresh(person_ids=[keep.pk, other.pk])
    return other


def alias_of(slug: str) -> PersonAlias | None:
    """Return the alias ``slug`` is, if it names a merged person."""
    return PersonAlias.objects.select_related("person").filter(slug=slug).first()


def kept_person_id(viewer: Viewer, slug: str) -> str | None:
    """Return the id of the person that ``slug``, the old id of a merged person, names now
    (docs/decisions/0032); None when ``slug`` is no merged person's id, or when ``viewer``
    may not see the kept person: the old id is then as unknown as any other. Every
    per-person page and endpoint asks this of an id it finds no person by."""
    alias = alias_of(slug)
    if alias is None or not viewer.visible_people([alias.person.pk]):
        return None
    return alias.person.slug
