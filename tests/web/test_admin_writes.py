"""The admin is no side door: every registered admin is read-only or writes through the
services (permission, validation, locking, audit), and officers who open it are told why
they may not use it."""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse

from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.models import AuditEntry, Grant
from chapterhouse.meetings.models import Decision, Session
from chapterhouse.newsroom.models import Article, ArticleTranslation, Category
from chapterhouse.registry.models import Body, Person
from chapterhouse.relations.models import Agreement, AgreementSignatory
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _superuser_request(admin_user: Any) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    request.viewer = ADMIN
    return request


def _read_only(model_admin: Any, request: Any) -> bool:
    return not (
        model_admin.has_add_permission(request)
        or model_admin.has_change_permission(request)
        or model_admin.has_delete_permission(request)
    )


def _inline_read_only(inline: Any, request: Any) -> bool:
    return not (
        inline.has_add_permission(request, None)
        or inline.has_change_permission(request)
        or inline.has_delete_permission(request)
    )


def test_every_admin_is_read_only_or_writes_through_named_services(admin_user):
    from chapterhouse.custody.admin_audit import ServiceAdmin

    request = _superuser_request(admin_user)
    side_doors = []
    for model, model_admin in admin.site._registry.items():
        name = model._meta.label
        if _read_only(model_admin, request):
            continue
        if not isinstance(model_admin, ServiceAdmin) or not model_admin.writes_through:
            side_doors.append(f"{name}: writes without naming a service")
            continue
        for service in model_admin.writes_through:
            module = inspect.getmodule(service).__name__  # type: ignore[union-attr]
            if "admin" in module:
                side_doors.append(f"{name}: {service.__name__} is not a service")
        own = type(model_admin)
        if (
            model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
        ) and (own.save_model is ServiceAdmin.save_model):
            side_doors.append(f"{name}: saves without a service")
        if (
            model_admin.has_delete_permission(request)
            and own.delete_model is ServiceAdmin.delete_model
        ):
            side_doors.append(f"{name}: deletes without a service")
        for inline in model_admin.get_inline_instances(request):
            if not _inline_read_only(inline, request):
                side_doors.append(f"{name}: inline {type(inline).__name__} writes directly")

    assert side_doors == []


# -- articles and translations -----------------------------------------------------------


def _article_form(article: Article, **changes: Any) -> dict[str, Any]:
    source = article.translations.get(lang=article.source_language)
    data = {
        "category": article.category_id or "",
        "tags": [tag.pk for tag in article.tags.all()],
        "author_person": article.author_person_id or "",
        "author_body": article.author_body_id or "",
        "about_bodies": [b.pk for b in article.about_bodies.all()],
        "about_sessions": [s.pk for s in article.about_sessions.all()],
        "about_conferences": [c.pk for c in article.about_conferences.all()],
        "about_people": [p.pk for p in article.about_people.all()],
        "publish_at_0": article.publish_at.strftime("%Y-%m-%d") if article.publish_at else "",
        "publish_at_1": article.publish_at.strftime("%H:%M:%S") if article.publish_at else "",
        "title": source.title,
        "lead": source.lead,
        "body": source.body,
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != [] or key == "tags"}


def test_saving_an_article_s_text_in_the_admin_marks_its_translations_outdated_and_audits_it(
    demo, admin_client: Client
):
    article = Article.objects.get(slug="gc5-opens")
    source = article.translations.get(lang="en")
    url = reverse("admin:newsroom_article_change", args=[article.pk])

    response = admin_client.post(
        url, _article_form(article, body=source.body + "\n\nA paragraph added in the admin.")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    statuses = dict(article.translations.values_list("lang", "status"))
    assert statuses["ko"] == "outdated" and statuses["ru"] == "outdated"
    entry = AuditEntry.objects.filter(object_type="article", object_id="gc5-opens").latest("pk")
    assert entry.via == "admin"
    assert sorted(entry.after["outdated"]) == ["ko", "ru"]


def test_a_translation_s_text_and_status_cannot_be_edited_in_the_admin(demo, admin_client):
    translation = ArticleTranslation.objects.get(article__slug="gc5-opens", lang="ko")
    url = reverse("admin:newsroom_articletranslation_change", args=[translation.pk])

    response = admin_client.post(url, {"title": "Changed", "status": "draft"})

    assert response.status_code == 403
    translation.refresh_from_db()
    assert translation.status == "published" and translation.title != "Changed"
    page = admin_client.get(reverse("admin:newsroom_article_change", args=[translation.article_id]))
    assert 'name="translations-0-status"' not in page.content.decode()


# -- grants --------------------------------------------------------------------------------


@pytest.fixture
def bob_grant(personas) -> Grant:
    return Grant.objects.get(user=personas["bob"], role="officer", body__slug="ec-kz")


def test_a_grant_cannot_be_deleted_in_the_admin(admin_client, bob_grant):
    url = reverse("admin:custody_grant_delete", args=[bob_grant.pk])

    refused = admin_client.post(url, {"post": "yes"})
    bulk = admin_client.post(
        reverse("admin:custody_grant_changelist"),
        {"action": "delete_selected", "_selected_action": [bob_grant.pk], "post": "yes"},
    )

    assert refused.status_code == 403
    assert bulk.status_code in (200, 302)
    assert Grant.objects.filter(pk=bob_grant.pk).exists()


def test_ending_a_grant_in_the_admin_sets_its_end_day_and_audits_it(admin_client, bob_grant):
    url = reverse("admin:custody_grant_change", args=[bob_grant.pk])

    response = admin_client.post(url, {"end": "2030-01-01"})

    assert response.status_code == 302
    bob_grant.refresh_from_db()
    assert bob_grant.end == dt.date(2030, 1, 1)
    entry = AuditEntry.objects.filter(action="revoke", object_type="account").latest("pk")
    assert (entry.via, entry.after) == ("admin", {"end": "2030-01-01"})


def test_the_end_today_action_ends_grants_through_the_service(admin_client, bob_grant):
    response = admin_client.post(
        reverse("admin:custody_grant_changelist"),
        {"action": "end_today", "_selected_action": [bob_grant.pk]},
        follow=True,
    )

    assert "Ended 1 grants." in response.content.decode()
    bob_grant.refresh_from_db()
    assert bob_grant.end is not None
    assert AuditEntry.objects.filter(action="revoke", via="admin").exists()


def test_a_grant_given_in_the_admin_is_audited_with_who_gave_it(admin_client, personas):
    charlie = personas["charlie"]
    body = Body.objects.get(slug="ec-jp")

    response = admin_client.post(
        reverse("admin:custody_grant_add"),
        {"user": charlie.pk, "role": "editor", "body": body.pk, "start": "2025-01-01"},
    )

    assert response.status_code == 302
    grant = Grant.objects.get(user=charlie)
    assert grant.granted_by is not None and grant.granted_by.is_superuser
    entry = AuditEntry.objects.filter(action="grant", object_id=charlie.get_username()).get()
    assert entry.via == "admin"


# -- decisions, sessions, people -----------------------------------------------------------


def _as_shown(client: Client, url: str) -> dict[str, Any]:
    """Return what the admin's change form at ``url`` would post unchanged."""
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        data[f"{inline.formset.prefix}-TOTAL_FORMS"] = "0"
        data[f"{inline.formset.prefix}-INITIAL_FORMS"] = "0"
    return data


def test_a_decision_s_effects_edited_in_the_admin_are_checked_by_the_decision_service(
    demo, admin_client
):
    decision = Decision.objects.get(slug="gc5-d3-nominate")
    url = reverse("admin:meetings_decision_change", args=[decision.pk])
    data = _as_shown(admin_client, url)
    data["effects"] = (
        '[{"op": "start_term", "person": "no-such-person", "body": "council", "role": "member"}]'
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "effects[0].person" in response.content.decode()
    assert "no-such-person" in response.content.decode()
    decision.refresh_from_db()
    assert "no-such-person" not in str(decision.effects)


def test_a_session_day_outside_its_conference_is_refused_in_the_admin_as_everywhere(
    demo, admin_client
):
    session = Session.objects.filter(conference__isnull=False, day__isnull=False).first()
    url = reverse("admin:meetings_session_change", args=[session.pk])
    data = {**_as_shown(admin_client, url), "day": "99"}

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "day" in response.context["adminform"].form.errors
    session.refresh_from_db()
    assert session.day != 99


def test_a_person_edited_in_the_admin_is_audited_like_on_the_site(demo, admin_client):
    person = Person.objects.get(slug="olga-smirnova")
    url = reverse("admin:registry_person_change", args=[person.pk])
    data = {**_as_shown(admin_client, url), "notes": "keeps the spare keys"}

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.filter(object_type="person", object_id="olga-smirnova").latest("pk")
    assert (entry.action, entry.via, entry.after) == (
        "update",
        "admin",
        {"notes": "keeps the spare keys"},
    )


# -- reference data ------------------------------------------------------------------------


def test_an_agreement_with_signatories_is_not_deleted_with_them_and_the_admin_says_why(
    demo, admin_client
):
    agreement = AgreementSignatory.objects.first().agreement

    response = admin_client.post(
        reverse("admin:relations_agreement_delete", args=[agreement.pk]),
        {"post": "yes"},
        follow=True,
    )

    assert Agreement.objects.filter(pk=agreement.pk).exists()
    assert agreement.signatories.exists()
    assert "still refer" in response.content.decode()


def test_a_category_deleted_in_the_admin_leaves_an_audit_entry(demo, admin_client):
    category = Category.objects.create(slug="unused", name={"en": "Unused"})

    admin_client.post(
        reverse("admin:newsroom_category_delete", args=[category.pk]), {"post": "yes"}
    )

    assert not Category.objects.filter(slug="unused").exists()
    entry = AuditEntry.objects.get(object_type="category", object_id="unused")
    assert (entry.action, entry.via) == ("delete", "admin")


# -- who may open the admin ----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "bob", "tanya", "mia", "charlie"])
def test_someone_signed_in_who_is_not_an_administrator_is_told_why_not_asked_to_sign_in(
    client, personas, persona
):
    sign_in(client, personas[persona])

    for url in ("/admin/", "/admin/registry/person/", "/admin/login/"):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 403, url
        assert "The admin is for administrators" in page
        # It points to the newsroom only those who may work there (never a link to a 403).
        assert (reverse("newsroom:index") in page) == (persona in {"alice", "bob", "tanya"})


def test_a_visitor_who_is_not_signed_in_is_still_sent_to_sign_in(db, client):
    response = client.get("/admin/registry/person/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/") or response["Location"].startswith(
        "/accounts/sign-in/"
    )


def test_an_administrator_still_opens_the_admin(demo, admin_client):
    assert admin_client.get("/admin/").status_code == 200


def test_third_party_tables_are_read_only_in_the_admin(admin_client, admin_user):
    user_model = get_user_model()
    url = reverse("admin:auth_user_change", args=[admin_user.pk])

    response = admin_client.post(url, {"username": "renamed", "is_superuser": ""})

    assert response.status_code == 403
    assert user_model.objects.get(pk=admin_user.pk).username != "renamed"
