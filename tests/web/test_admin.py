"""The admin: every model is there, decisions are adopted and annulled through the services,
and the log of what decisions changed cannot be edited."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from chapterhouse.meetings.models import Conference, Decision, EffectLog
from chapterhouse.registry.models import Term

pytestmark = pytest.mark.django_db

APPS = ("registry", "meetings", "relations")


def _models():
    return [model for label in APPS for model in apps.get_app_config(label).get_models()]


def test_every_model_of_the_record_is_in_the_admin():
    missing = [model.__name__ for model in _models() if not admin.site.is_registered(model)]

    assert missing == []


def test_every_list_and_form_opens(demo, admin_client):
    # One test for all models: loading the demo once keeps the suite fast.
    failures = []
    for model in _models():
        opts = model._meta
        urls = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
        first = model.objects.first()
        if first is not None:
            urls.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            )
        failures += [
            (url, status) for url in urls if (status := admin_client.get(url).status_code) != 200
        ]

    assert failures == []


def test_the_lists_can_be_searched(demo, admin_client):
    response = admin_client.get(reverse("admin:registry_person_changelist"), {"q": "박민준"})

    assert "Park Min-jun" in response.content.decode()


def _act(admin_client, action, *slugs):
    ids = [Decision.objects.get(slug=slug).pk for slug in slugs]
    return admin_client.post(
        reverse("admin:meetings_decision_changelist"),
        {"action": action, "_selected_action": ids},
        follow=True,
    )


def test_annulling_a_decision_reverts_what_it_changed(demo, admin_client):
    response = _act(admin_client, "annul_selected", "gc5-d1-elect")

    assert "Decision gc5-d1-elect is annulled." in response.content.decode()
    assert Decision.objects.get(slug="gc5-d1-elect").status == "annulled"
    assert not Term.objects.filter(person__slug="park-minjun", role="head").exists()


def test_annulling_reports_each_decision_that_cannot_be_annulled(demo, admin_client):
    response = _act(admin_client, "annul_selected", "gc5-d3-nominate", "gc5-rename")
    page = response.content.decode()

    assert "Decision gc5-d3-nominate was not annulled" in page
    assert "only an adopted decision can be annulled" in page
    assert "Decision gc5-rename is annulled." in page
    assert Decision.objects.get(slug="gc5-d3-nominate").status == "proposed"


def test_adopting_a_proposed_decision_applies_it(demo, admin_client):
    response = _act(admin_client, "adopt_selected", "gc5-d3-nominate")

    assert "Decision gc5-d3-nominate is adopted." in response.content.decode()
    assert Term.objects.filter(person__slug="joao-silva", body__slug="council").exists()


def test_adopting_reports_an_error_and_changes_nothing(demo, admin_client):
    response = _act(admin_client, "adopt_selected", "gc5-d1-elect")

    assert "Decision gc5-d1-elect was not adopted: " in response.content.decode()
    assert Decision.objects.get(slug="gc5-d1-elect").status == "adopted"


def test_the_effect_log_can_be_read_but_not_changed(demo, admin_client):
    entry = EffectLog.objects.first()
    change_url = reverse("admin:meetings_effectlog_change", args=[entry.pk])

    page = admin_client.get(change_url).content.decode()
    posted = admin_client.post(change_url, {"action": "x", "seq": 99})
    added = admin_client.get(reverse("admin:meetings_effectlog_add"))
    deleted = admin_client.get(reverse("admin:meetings_effectlog_delete", args=[entry.pk]))

    assert 'name="seq"' not in page
    assert posted.status_code == 403
    assert added.status_code == 403
    assert deleted.status_code == 403
    entry.refresh_from_db()
    assert entry.seq != 99


def test_an_adopted_decision_cannot_be_deleted_or_its_status_edited(demo, admin_client):
    decision = Decision.objects.get(slug="gc5-d1-elect")

    deleted = admin_client.get(reverse("admin:meetings_decision_delete", args=[decision.pk]))
    form = admin_client.get(reverse("admin:meetings_decision_change", args=[decision.pk]))

    assert deleted.status_code == 403
    assert 'name="status"' not in form.content.decode()
    assert 'name="effects"' not in form.content.decode()


def test_terms_cannot_be_added_or_edited_around_the_decisions(demo, admin_client):
    term = Term.objects.get(person__slug="park-minjun", body__slug="ec-jp", role="head")

    assert admin_client.get(reverse("admin:registry_term_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:registry_term_change", args=[term.pk]), {"role": "member"}
    )

    assert response.status_code == 403
    term.refresh_from_db()
    assert term.role == "head"


def test_a_new_decision_with_a_misspelt_effect_is_refused_with_its_path(demo, admin_client):
    response = admin_client.post(
        reverse("admin:meetings_decision_add"),
        {
            "slug": "admin-election",
            "conference": "",
            "session": "",
            "date": "2025-06-01",
            "date_precision": "day",
            "kind": "election",
            "text": '{"en": "An election"}',
            "votes": "null",
            "effects": '[{"op": "start_term", "persn": "park-minjun", "body": "council",'
            ' "role": "member"}]',
            "position": "0",
            "extra": "null",
            "log-TOTAL_FORMS": "0",
            "log-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "persn" in response.content.decode()
    assert not Decision.objects.filter(slug="admin-election").exists()


def test_a_decision_recorded_in_the_admin_changes_the_record_once_adopted(demo, admin_client):
    response = admin_client.post(
        reverse("admin:meetings_decision_add"),
        {
            "slug": "admin-election",
            "conference": Conference.objects.get(slug="gc-5").pk,
            "session": "",
            "date": "2025-06-01",
            "date_precision": "day",
            "kind": "election",
            "text": '{"en": "An election"}',
            "votes": "null",
            "effects": '[{"op": "start_term", "person": "lars-eriksson", "body": "council",'
            ' "role": "member", "how": "elected"}]',
            "position": "0",
            "extra": "null",
            "log-TOTAL_FORMS": "0",
            "log-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    _act(admin_client, "adopt_selected", "admin-election")

    term = Term.objects.get(person__slug="lars-eriksson", body__slug="council", role="member")
    assert term.decision.slug == "admin-election"
