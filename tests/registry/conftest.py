"""A small organization built through the services, for tests that need no demo data.

The council sits on top; two executive committees and a logistics
department report to it. Alice chairs the council, Bob heads the eastern
committee, Charlie directs logistics.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from chapterhouse.registry.models import Body, Person
from chapterhouse.registry.services import body_create, term_start

D = dt.date


@dataclass
class SmallOrg:
    council: Body
    east: Body
    west: Body
    logistics: Body
    alice: Person
    bob: Person
    charlie: Person


@pytest.fixture
def small_org(db: None) -> SmallOrg:
    """Return a council with two executive committees and a logistics department."""
    council = body_create(
        slug="council",
        kind="coordination_committee",
        name={"en": "Council", "ru": "Совет"},
        founded=D(2000, 1, 1),
        founded_precision="year",
        mandates=["statutes"],
    )
    east = body_create(
        slug="ec-east",
        kind="executive_committee",
        name={"en": "Eastern Committee"},
        parent=council,
        founded=D(2005, 1, 1),
    )
    west = body_create(
        slug="ec-west",
        kind="executive_committee",
        name={"en": "Western Committee"},
        parent=council,
        founded=D(2006, 1, 1),
    )
    logistics = body_create(
        slug="dept-logistics",
        kind="department",
        name={"en": "Logistics Department"},
        parent=council,
        number=4,
        founded=D(2010, 3, 1),
        founded_precision="month",
        mandates=["event-logistics", "transport"],
    )
    alice = Person.objects.create(slug="alice", name="Alice Archer")
    bob = Person.objects.create(slug="bob", name="Bob Baker")
    charlie = Person.objects.create(slug="charlie", name="Charlie Chen")
    term_start(person=alice, body=council, role="chair", start=D(2015, 6, 1), how="elected")
    term_start(person=bob, body=east, role="head", start=D(2019, 9, 1), how="elected")
    term_start(person=charlie, body=logistics, role="director", start=D(2021, 5, 1))
    return SmallOrg(council, east, west, logistics, alice, bob, charlie)
