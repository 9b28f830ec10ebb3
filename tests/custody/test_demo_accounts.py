"""`chapterhouse demo` opens the demo's sign-ins once, with their grants."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from chapterhouse.custody.models import Grant


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_the_demo_opens_its_accounts_once_with_their_grants(db):
    first = run_demo()
    second = run_demo()

    users = get_user_model().objects
    assert users.get(username="admin@example.org").is_superuser
    bekova = users.get(username="bekova@example.org")
    assert bekova.account.person.slug == "aigerim-bekova"
    assert list(Grant.objects.filter(user=bekova).values_list("role", "body__slug")) == [
        ("officer", "ec-kz")
    ]
    # administrator, committee officer, member, news editor, translator
    assert users.filter(username__endswith="@example.org").count() == 6
    assert Grant.objects.filter(user__username="translator@example.org", role="translator").exists()
    assert "Created the demo account bekova@example.org" in first
    assert "Created the demo account" not in second
    assert "chapterhouse-demo" in second


def test_the_demo_officer_signs_in_and_is_asked_to_set_up_a_second_factor(db, client):
    run_demo()

    response = client.post(
        "/accounts/sign-in/",
        {"username": "bekova@example.org", "password": "chapterhouse-demo"},
    )
    assert response.status_code == 302
    assert client.get("/people/olga-smirnova/").url.startswith("/accounts/two-factor/")


def test_the_demo_prints_each_sign_in_on_its_own_line_with_its_role(db):
    run_demo()
    again = run_demo()

    lines = again.splitlines()
    for email in ("admin@example.org", "bekova@example.org", "translator@example.org"):
        (line,) = [line for line in lines if email in line]
        assert len(line) < 120
    (bekova,) = [line for line in lines if "bekova@example.org" in line]
    assert "Kazakh Executive Committee" in bekova
    assert "Kazakhstan" not in again
