"""The body kinds and roles every organization has without declaring them."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

BUILTIN_BODY_KINDS: dict[str, tuple[Promise, int]] = {
    "coordination_committee": (_("Coordination committee"), 0),
    "department": (_("Department"), 10),
    "bureau": (_("Bureau"), 20),
    "executive_committee": (_("Executive committee"), 30),
    "regional_committee": (_("Regional committee"), 40),
    "society": (_("Society"), 50),
    "primary_cell": (_("Primary cell"), 60),
    "branch": (_("Branch"), 70),
    "working_group": (_("Working group"), 80),
}

BUILTIN_ROLES: dict[str, tuple[Promise, int]] = {
    "chair": (_("Chair"), 0),
    "deputy_chair": (_("Deputy chair"), 10),
    "head": (_("Head"), 20),
    "deputy_head": (_("Deputy head"), 30),
    "director": (_("Director"), 40),
    "secretary": (_("Secretary"), 50),
    "member": (_("Member"), 60),
    "candidate_member": (_("Candidate member"), 70),
    "adviser": (_("Adviser"), 80),
    "representative": (_("Representative"), 90),
    "board_member": (_("Board member"), 100),
    "activist": (_("Activist"), 110),
}
