"""Writes through the API: record and change partners, honours and agreements.

The same auth, answers and error shape as ``api.writes`` (bearer token, or the browser
session with its CSRF token; 400 naming each bad field, 401, 403, 404). Only those
who act for the whole organization write these records (``may_act_for_organization``).
An agreement is signed only by a decision: ``"status": "signed"`` is refused.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from pydantic import BaseModel

from chapterhouse.api.relations import router
from chapterhouse.api.writes import AUTH, MISSING, REFUSALS, TextOut, _create, _found, _update
from chapterhouse.relations import services as relations
from chapterhouse.relations.models import Agreement, Honour, Partner
from chapterhouse.relations.write_schema import (
    AgreementChanges,
    AgreementFields,
    HonourChanges,
    HonourFields,
    PartnerChanges,
    PartnerFields,
)


class PartnerWritten(BaseModel):
    """A partner as recorded."""

    id: str
    name: TextOut
    kind: str | None
    country: str | None


class HonourWritten(BaseModel):
    """An honour as recorded."""

    id: str
    name: TextOut
    kind: str


class SignatoryWritten(BaseModel):
    """Who signs for which party."""

    person: str
    party: str
    title: TextOut


class AgreementWritten(BaseModel):
    """An agreement as recorded."""

    id: str
    title: TextOut
    parties: list[str]
    status: str
    date: str | None
    articles: list[TextOut]
    signatories: list[SignatoryWritten]
    signed_by: str | None


def _partner_out(partner: Partner) -> dict[str, Any]:
    return {"id": partner.slug, **relations.partner_snapshot(partner)}


def _honour_out(honour: Honour) -> dict[str, Any]:
    return {"id": honour.slug, **relations.honour_snapshot(honour)}


def _agreement_out(agreement: Agreement) -> dict[str, Any]:
    return {"id": agreement.slug, **relations.agreement_snapshot(agreement)}


def _get(model: Any) -> Any:
    # Partners, honours and agreements are public records: every viewer finds them all.
    return lambda viewer, slug: model.objects.get(slug=slug)


@router.post(
    "/partners",
    auth=AUTH,
    response={201: PartnerWritten, **REFUSALS},
    summary="Record a partner",
    operation_id="partner_create",
)
def partner_create(request: HttpRequest, payload: PartnerFields) -> Any:
    """Record a partner organization. The client must act for the whole organization."""
    return _create(request, relations.partner_create, payload, _partner_out)


@router.patch(
    "/partners/{id}",
    auth=AUTH,
    response={200: PartnerWritten, **MISSING},
    summary="Change a partner",
    operation_id="partner_update",
)
def partner_update(request: HttpRequest, id: str, payload: PartnerChanges) -> Any:
    """Change the given fields of a partner (null clears one)."""
    partner = _found(_get(Partner), request.viewer, id, _("No partner with this id."))  # type: ignore[attr-defined]
    return _update(request, relations.partner_update, payload, _partner_out, partner=partner)


@router.post(
    "/honours",
    auth=AUTH,
    response={201: HonourWritten, **REFUSALS},
    summary="Record an honour",
    operation_id="honour_create",
)
def honour_create(request: HttpRequest, payload: HonourFields) -> Any:
    """Record an honour the organization awards (decisions award it)."""
    return _create(request, relations.honour_create, payload, _honour_out)


@router.patch(
    "/honours/{id}",
    auth=AUTH,
    response={200: HonourWritten, **MISSING},
    summary="Change an honour",
    operation_id="honour_update",
)
def honour_update(request: HttpRequest, id: str, payload: HonourChanges) -> Any:
    """Change the given fields of an honour."""
    honour = _found(_get(Honour), request.viewer, id, _("No honour with this id."))  # type: ignore[attr-defined]
    return _update(request, relations.honour_update, payload, _honour_out, honour=honour)


@router.post(
    "/agreements",
    auth=AUTH,
    response={201: AgreementWritten, **REFUSALS},
    summary="Record an agreement",
    operation_id="agreement_create",
)
def agreement_create(request: HttpRequest, payload: AgreementFields) -> Any:
    """Record an agreement, proposed or in development, with its parties (``self`` and
    partner ids), articles and signatories. A decision signs it."""
    return _create(request, relations.agreement_create, payload, _agreement_out)


@router.patch(
    "/agreements/{id}",
    auth=AUTH,
    response={200: AgreementWritten, **MISSING},
    summary="Change an agreement",
    operation_id="agreement_update",
)
def agreement_update(request: HttpRequest, id: str, payload: AgreementChanges) -> Any:
    """Change the given fields of an agreement; lists (parties, articles, signatories) are
    replaced whole. A signed agreement keeps the status and date its decision gave it."""
    agreement = _found(_get(Agreement), request.viewer, id, _("No agreement with this id."))  # type: ignore[attr-defined]
    return _update(
        request, relations.agreement_update, payload, _agreement_out, agreement=agreement
    )
