"""A decision not yet adopted lists what it would change by name: bodies, honours,
agreements and their partners, not their ids."""

from __future__ import annotations

import datetime as dt

import pytest

from chapterhouse.custody.access import ADMIN
from chapterhouse.meetings.services import decision_create

pytestmark = pytest.mark.django_db

AT = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def proposed(*effects: dict) -> str:
    decision = decision_create(
        viewer=ADMIN,
        via="cli",
        at=AT,
        values={"session": "gc5-d1", "kind": "election", "effects": list(effects)},
    )
    return decision.slug


def test_the_effects_of_a_proposed_decision_are_listed_by_name(demo, client):
    slug = proposed(
        {"op": "start_term", "person": "erik-lind", "body": "ec-kz", "role": "member"},
        {"op": "dissolve_body", "body": "cell-almaty-uni"},
        {"op": "award", "person": "timur-akhmetov", "honour": "friendship-badge"},
        {"op": "sign_agreement", "agreement": "coop-teachers"},
    )

    html = client.get(f"/decisions/{slug}/").content.decode()
    listed = html[html.index("What it would change if adopted") :]

    assert '<a href="/bodies/ec-kz/">Kazakh Executive Committee</a>' in listed
    assert (
        '<a href="/bodies/cell-almaty-uni/">Primary Cell at the Almaty University of Languages</a>'
        in listed
    )
    assert "(Friendship Badge)" in listed
    assert "Agreement with the Almaty Teachers&#x27; Union</a>" in listed
    assert "Almaty Teachers" in listed.split("</a>", 4)[-1]
    for id in ("ec-kz</a>", "cell-almaty-uni</a>", "(friendship-badge)", "coop-teachers</a>"):
        assert id not in listed
