"""Who is looking: the one place that decides what a reader may see and change.

Every selector that returns people, bodies, sessions, decisions or documents
takes a `Viewer` and asks it. Pages, the API, exports and the CLI build a
viewer once (from the signed-in user, an API token or `--scope`) and pass it
down, so the tiers below hold everywhere:

* public: people with `public: true` (their display name and posts), and
  bodies, sessions, decisions and documents not marked internal;
* members: anyone with a grant on a body also sees its internal records; an
  officer or member grant also shows the people who hold posts in that body or
  its sub-bodies (or whose custodian is there). The newsroom's roles (editor,
  translator) do not by themselves show anyone who is not public: they are for
  articles, not for people (docs/decisions/0025);
* custodian: personal data (birth date, contact details, notes, private
  affiliations, the real name behind a call sign) only for officers of the
  person's custodian body or a body above it, administrators, and the person.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import Exists, Model, OuterRef, Q
from django.utils.translation import get_language, gettext

from chapterhouse.core.generations import generations, memoized
from chapterhouse.core.intervals import held_on
from chapterhouse.custody.models import ROLES, Grant
from chapterhouse.registry.models import Body, Person, Term
from chapterhouse.registry.tree import bodies_above, children_by_parent, descendants

# Roles that may write: officers record sessions and decisions and edit members;
# editors and translators act in the newsroom.
WRITE_ROLE = "officer"
# Roles whose grant shows the people of the body who are not public (least privilege: the
# newsroom's editors and translators need no one's private record, see 0025).
PEOPLE_ROLES = ("officer", "member")


@dataclass(frozen=True)
class Viewer:
    """A reader or writer and the bodies each of their roles covers on one day."""

    user_id: int | None = None
    person_id: int | None = None
    is_admin: bool = False
    label: str = "anonymous"
    # role -> ids of the bodies the role covers (granted bodies and everything below).
    scopes: Mapping[str, frozenset[int]] = field(default_factory=dict)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and not self.is_admin

    @property
    def is_restricted(self) -> bool:
        """Whether anything at all is hidden from this viewer."""
        return not self.is_admin

    @property
    def member_bodies(self) -> frozenset[int]:
        """Every body this viewer holds any grant on (directly or from above)."""
        return frozenset().union(*self.scopes.values()) if self.scopes else frozenset()

    @property
    def people_bodies(self) -> frozenset[int]:
        """The bodies whose people (post holders and those in their custody) this viewer may
        see although they are not public: those an officer or member grant covers."""
        return self.bodies_with(*PEOPLE_ROLES)

    def covers(self, role: str, body_id: int | None) -> bool:
        """Whether the viewer holds `role` on the body (administrators hold every role)."""
        if self.is_admin:
            return True
        return body_id is not None and body_id in self.scopes.get(role, frozenset())

    def covers_all(self, role: str, body_ids: Iterable[int]) -> bool:
        return all(self.covers(role, body_id) for body_id in body_ids)

    def has_role(self, *roles: str) -> bool:
        """Whether the viewer holds one of `roles` on some body (administrators hold every
        role)."""
        return self.is_admin or any(self.scopes.get(role) for role in roles)

    def bodies_with(self, *roles: str) -> frozenset[int]:
        """The bodies one of `roles` covers for this viewer (granted bodies and everything
        below). Administrators cover every body without a grant: this lists only grants, so
        ask `is_admin` first where they count."""
        return frozenset().union(*(self.scopes.get(role, frozenset()) for role in roles))

    # --- records -----------------------------------------------------------

    def sees_internal(self, body_ids: Iterable[int]) -> bool:
        """Whether an internal record of these bodies is visible; no bodies means any grant."""
        if self.is_admin:
            return True
        bodies = list(body_ids)
        if not bodies:
            return bool(self.member_bodies)
        return any(body_id in self.member_bodies for body_id in bodies)

    def sees_body(self, body_id: int | None, *, internal: bool) -> bool:
        """Whether a body already loaded is visible (the Python twin of `body_filter`)."""
        return self.is_admin or not internal or body_id in self.member_bodies

    def session_filter(self, prefix: str = "") -> Q:
        """A filter on Session (or `prefix` + Session) keeping the sessions the viewer may see:
        those not internal, and internal ones hosted by a body the viewer has a grant
        covering (a session without hosts: any grant)."""
        if self.is_admin:
            return Q()
        visible = Q(**{f"{prefix}internal": False})
        if self.member_bodies:
            visible |= self._sees_hosts(f"{prefix}pk" if prefix else "pk")
        return visible

    def decision_filter(self, prefix: str = "") -> Q:
        """A filter on Decision (or `prefix` + Decision): an internal decision, or any decision
        of an internal session, follows its session's hosts; a conference-level internal
        decision needs any grant."""
        if self.is_admin:
            return Q()
        visible = Q(**{f"{prefix}internal": False}) & (
            Q(**{f"{prefix}session__isnull": True}) | Q(**{f"{prefix}session__internal": False})
        )
        if self.member_bodies:
            visible |= self._sees_hosts(f"{prefix}session_id")
        return visible

    def document_filter(self, prefix: str = "") -> Q:
        """A filter on Document (or `prefix` + Document): like a decision, it follows its
        session."""
        if self.is_admin:
            return Q()
        visible = Q(**{f"{prefix}internal": False}) & Q(**{f"{prefix}session__internal": False})
        if self.member_bodies:
            visible |= self._sees_hosts(f"{prefix}session_id")
        return visible

    def _sees_hosts(self, session_ref: str) -> Q:
        """True where the session at `session_ref` has a host the viewer covers, or no host
        at all (and no session at all: a conference-level record)."""
        from chapterhouse.meetings.models import SessionHost

        hosts = SessionHost.objects.filter(session_id=OuterRef(session_ref))
        covered = hosts.filter(body_id__in=self.member_bodies)
        return Q(Exists(covered)) | ~Q(Exists(hosts))

    def task_filter(self, prefix: str = "") -> Q:
        """A filter on Task (or `prefix` + Task): a task is hidden only when every body it is
        assigned to is an internal body hidden from the viewer (see docs/decisions/0021).

        A task given by a decision the viewer may not see stays, without its decision
        (`decision_id_expression`), as every consequence of such a decision does (0019).
        """
        if self.is_admin:
            return Q()
        from chapterhouse.relations.models import TaskAssignee

        outer = f"{prefix}pk" if prefix else "pk"
        to_bodies = TaskAssignee.objects.filter(task_id=OuterRef(outer), body__isnull=False)
        seen = to_bodies.filter(Q(body__internal=False) | Q(body_id__in=self.member_bodies))
        return ~Q(Exists(to_bodies)) | Q(Exists(seen))

    def body_filter(self, prefix: str = "") -> Q:
        """A filter on Body (or on `prefix` + Body) keeping what the viewer may see."""
        if self.is_admin:
            return Q()
        return Q(**{f"{prefix}internal": False}) | Q(**{f"{prefix}pk__in": self.member_bodies})

    def hidden_body_ids(self, *, at_most: int) -> list[int] | None:
        """Return the ids of the bodies `body_filter` leaves out (the internal bodies the viewer
        is no member of): none, without a query, for an administrator; None when there are
        more than `at_most` (filter with `body_filter` instead).

        For counting a long range: what the viewer may see is everything minus the few rows
        of these bodies, both counted on indexes, where `body_filter` joins every row to its
        body."""
        if self.is_admin:
            return []
        ids = list(
            Body.objects.filter(internal=True)
            .exclude(pk__in=self.member_bodies)
            .order_by()
            .values_list("pk", flat=True)[: at_most + 1]
        )
        return None if len(ids) > at_most else ids

    # --- people --------------------------------------------------------------

    def people_filter(self, prefix: str = "") -> Q:
        """A filter on Person (or on `prefix` + Person) keeping the people the viewer may see."""
        if self.is_admin:
            return Q()
        visible = Q(**{f"{prefix}public": True})
        if self.person_id is not None:
            visible |= Q(**{f"{prefix}pk": self.person_id})
        members = self.people_bodies
        if members:
            outer = f"{prefix}pk" if prefix else "pk"
            holds_post = Exists(Term.objects.filter(person=OuterRef(outer), body_id__in=members))
            visible |= Q(**{f"{prefix}custodian_id__in": members}) | Q(holds_post)
        return visible

    def visible_people(self, person_ids: Iterable[int]) -> set[int]:
        """Return those of `person_ids` the viewer may see (one query, none for admins)."""
        return _visible_ids(Person, person_ids, None if self.is_admin else self.people_filter)

    def sees_personal_data(self, person: Person | Mapping[str, Any]) -> bool:
        """Whether the viewer is the person's custodian (or above it), an admin, or the person."""
        if self.is_admin:
            return True
        pk, custodian = _person_keys(person)
        if self.person_id is not None and pk == self.person_id:
            return True
        return self.covers(WRITE_ROLE, custodian)

    def personal_data_filter(self, prefix: str = "") -> Q:
        """A filter on Person (or `prefix` + Person) keeping those whose personal data the
        viewer may read (see `sees_personal_data`)."""
        if self.is_admin:
            return Q()
        mine = Q(**{f"{prefix}custodian_id__in": self.bodies_with(WRITE_ROLE)})
        if self.person_id is not None:
            mine |= Q(**{f"{prefix}pk": self.person_id})
        return mine

    def may_edit_person(self, person: Person | Mapping[str, Any]) -> bool:
        """Officers of the custodian body (or above) edit a person; people see but don't edit."""
        if self.is_admin:
            return True
        _, custodian = _person_keys(person)
        return self.covers(WRITE_ROLE, custodian)

    def display_name(
        self, person: Person | Mapping[str, Any], *, local_names: Mapping[int, str] | None = None
    ) -> str:
        """The name this viewer may read, in the reader's language where a variant exists.

        The call sign hides the real name (and every variant of it) from non-custodians.
        Otherwise the variant in the active language (`local_name_of`) is shown, looked up
        in `local_names` (from `local_names_for`, one query for a whole page) or, without
        it, in the person's prefetched ``names``; the display name is the fallback. No
        query is run here (see docs/decisions/0028).
        """
        name, call_sign = _person_names(person)
        if call_sign and not self.sees_personal_data(person):
            return call_sign
        return _local_name(person, local_names) or name

    def display_names(self, people: Iterable[Person | Mapping[str, Any]]) -> dict[int, str]:
        """Return ``{person id: display_name}`` for people the viewer may see, with the
        variants in the reader's language read in one query for all of them (none for
        those shown by call sign)."""
        people = list(people)
        by_real_name = [
            pk
            for person in people
            if (pk := _person_keys(person)[0]) is not None
            and not (_person_names(person)[1] and not self.sees_personal_data(person))
        ]
        local_names = local_names_for(by_real_name)
        return {
            pk: self.display_name(person, local_names=local_names)
            for person in people
            if (pk := _person_keys(person)[0]) is not None
        }


# --- what a writer may do ------------------------------------------------------------


def top_body_ids() -> frozenset[int]:
    """Return the ids of the bodies at the top of the organization (no parent); one query."""
    return frozenset(Body.objects.filter(parent__isnull=True).values_list("pk", flat=True))


def may_record_for_some_body(viewer: Viewer) -> bool:
    """Whether the viewer may record anything at the desk at all: an administrator, or an
    officer of some body (what exactly, the other questions here answer)."""
    return viewer.has_role(WRITE_ROLE)


def may_act_for_organization(viewer: Viewer) -> bool:
    """Whether the viewer may do what only the organization as a whole does (sign its
    agreements, confer its honours, found a body at the top): administrators, and officers
    of every body at the top (the coordination committee)."""
    if viewer.is_admin:
        return True
    tops = top_body_ids()
    return bool(tops) and viewer.covers_all(WRITE_ROLE, tops)


def may_record_conference(viewer: Viewer) -> bool:
    """Whether the viewer may create a conference or change its name, number, kind and days.

    A conference is the organization's, not one committee's: its sessions are hosted by
    different committees in different countries, so no one committee's officers decide
    when it is held. Administrators and those who act for the organization as a whole
    (`may_act_for_organization`: officers of the coordination committee) record it; the
    officers of each committee then record their own sessions in it.
    """
    return may_act_for_organization(viewer)


def may_record_session_for(viewer: Viewer, host_ids: Iterable[int | None]) -> bool:
    """Whether the viewer may record (or change) a session held by the bodies ``host_ids``.

    A joint session is recorded by an officer of any one of its hosts, and the other hosts
    see it as theirs: administrators, and officers of at least one host (or a body above
    it). A session without hosts is the administrators' alone.
    """
    if viewer.is_admin:
        return True
    return any(viewer.covers(WRITE_ROLE, host_id) for host_id in host_ids)


def session_may_change(viewer: Viewer, session: Any) -> bool:
    """Whether the viewer may change ``session`` (a meetings Session) and record its
    decisions: an officer of any of its hosts (a joint session is each host's), or an
    admin (see `may_record_session_for`); no query for those who record nothing."""
    if not may_record_for_some_body(viewer):
        return False
    return may_record_session_for(viewer, session.hosts.values_list("body_id", flat=True))


def sessions_may_change(viewer: Viewer, sessions: Any) -> list[Any]:
    """Return those of ``sessions`` (a queryset of Sessions) whose decisions the viewer
    may record, as `session_may_change` answers for each, in two queries."""
    rows = list(sessions.prefetch_related("hosts__body"))
    if not may_record_for_some_body(viewer):
        return []
    return [
        session
        for session in rows
        if may_record_session_for(viewer, [host.body_id for host in session.hosts.all()])
    ]


def document_may_add(viewer: Viewer, session: Any) -> bool:
    """Whether the viewer may add a document to ``session``: whoever may change it."""
    return session_may_change(viewer, session)


class DecisionConcerns(Protocol):
    """What `decision_may_change` asks of a decision: the bodies hosting its session and
    those its effects touch (``None`` when its effects name a record the viewer may not
    see, or do what only the organization or a person's custodians may do). The meetings
    app builds it (`meetings.services.ConcernedBodies`), lazily: nothing is read for
    an administrator or for someone who records nothing."""

    @property
    def host_ids(self) -> list[int]: ...

    @property
    def touched_ids(self) -> list[int] | None: ...


def decision_may_change(viewer: Viewer, decision: DecisionConcerns) -> bool:
    """Whether the viewer may change, adopt or annul a decision: an administrator, or one
    who may record its session (an officer of one of its hosts, `may_record_session_for`)
    and is an officer of every body its effects touch."""
    if viewer.is_admin:
        return True
    if not may_record_for_some_body(viewer):
        return False
    if not may_record_session_for(viewer, decision.host_ids):
        return False
    touched = decision.touched_ids
    return touched is not None and viewer.covers_all(WRITE_ROLE, touched)


def may_choose_ids(viewer: Viewer) -> bool:
    """Whether the id a viewer asks for a new record is used as it is.

    Only for those who see every record (administrators): anyone else could learn from
    "this id is taken" that a record they may not see exists, so their new records get
    the id they suggest plus a few random characters (see `core.ids`).
    """
    return viewer.is_admin


def may_record_people(viewer: Viewer) -> bool:
    """Whether the viewer may record a new person: administrators, and officers of a body
    (the new person's custodian must be a body they are an officer of)."""
    return viewer.has_role(WRITE_ROLE)


def may_entrust_people_to(viewer: Viewer, body_id: int | None) -> bool:
    """Whether the viewer may make the body ``body_id`` a person's custodian: its officers
    (or those of a body above it) and administrators; ``None``, a person kept by no body,
    is the administrators' alone."""
    if body_id is None:
        return viewer.is_admin
    return viewer.covers(WRITE_ROLE, body_id)


def may_merge_people(viewer: Viewer, keep: Person, other: Person) -> bool:
    """Whether the viewer may merge ``other`` into ``keep`` (or undo that merge): whoever
    may edit BOTH people (officers of both custodian bodies or above, administrators).
    Merging moves one person's whole record onto another, so it takes the right to change
    each of them; a right over one of the two is not enough."""
    return viewer.may_edit_person(keep) and viewer.may_edit_person(other)


def may_list_duplicates(viewer: Viewer) -> bool:
    """Whether the viewer may open the list of likely duplicates: those who may merge some
    people at all (administrators and officers of a body); each pair shows only people
    they may see."""
    return may_record_people(viewer)


def may_use_admin(user: Any) -> bool:
    """Whether a signed-in user may open the Django admin: active staff (administrators).
    Officers and everyone else work on the site, where each page checks their grants."""
    return bool(user.is_active and user.is_staff)


def may_manage_accounts_in_admin(user: Any) -> bool:
    """Whether a signed-in user may read accounts, grants, invitations and API tokens in
    the Django admin (and revoke tokens there): active superusers, not every staff member
    `may_use_admin` lets in."""
    return bool(user.is_active and user.is_superuser)


def may_read_public_record(viewer: Viewer) -> bool:
    """Whether the viewer may open the public record's pages (org chart, conferences,
    calendar, people, instructions, news): everyone, the anonymous visitor included. What
    each page shows of it is still filtered by the viewer (`people_filter` and the rest)."""
    return True


# Grants that open the newsroom's workspace: editors and translators work there; officers
# follow what their committees publish.
NEWSROOM_WORKSPACE_ROLES = ("editor", "translator", "officer")


def may_use_newsroom_workspace(viewer: Viewer) -> bool:
    """Whether the viewer may open the newsroom's workspace (coverage, queue, review):
    administrators, and editors, translators and officers of any body. A plain member or an
    account without grants reads the published news only."""
    return viewer.has_role(*NEWSROOM_WORKSPACE_ROLES)


# Roles that decide about a body's news: its articles, their translations, albums and comments.
EDITORIAL_ROLES = ("editor", "officer")
# The role that translates a body's articles.
TRANSLATOR_ROLE = "translator"


def may_edit_news_of(viewer: Viewer, body_id: int | None) -> bool:
    """Whether the viewer is an editor or officer of the body (or of a body above it), or
    an administrator: the one rule behind the newsroom's questions below. No body (an
    article by a person, for the questions that read only its author): administrators."""
    return any(viewer.covers(role, body_id) for role in EDITORIAL_ROLES)


def may_edit_news_of_every(viewer: Viewer, body_ids: Iterable[int]) -> bool:
    """Whether the viewer edits the news of every one of these bodies (`may_edit_news_of`);
    no bodies at all: administrators only."""
    ids = list(body_ids)
    if viewer.is_admin:
        return True
    return bool(ids) and all(may_edit_news_of(viewer, body_id) for body_id in ids)


def may_edit_some_news(viewer: Viewer) -> bool:
    """Whether the viewer edits the news of some body (an editor or officer anywhere, or an
    administrator): who writes articles, reviews translations, makes albums of their own
    and opens the moderation of comments."""
    return viewer.has_role(*EDITORIAL_ROLES)


def news_bodies_edited_by(viewer: Viewer) -> frozenset[int] | None:
    """Return the bodies whose news the viewer edits (`may_edit_news_of`); None means every
    body (administrators)."""
    return None if viewer.is_admin else viewer.bodies_with(*EDITORIAL_ROLES)


def article_responsible_bodies(article: Any) -> list[int]:
    """Return the ids of the bodies whose editors act on `article` (a newsroom Article).

    The body that wrote it; for an article by a person, every body it is about
    (none: only administrators act on it). One query for an article by a person.
    """
    if article.author_body_id is not None:
        return [article.author_body_id]
    return sorted(article.about_bodies.values_list("pk", flat=True))


def article_may_edit(viewer: Viewer, article: Any) -> bool:
    """Whether the viewer may change, publish and send `article`: an editor or officer of
    every body responsible for it (`article_responsible_bodies`), or an administrator."""
    if viewer.is_admin:
        return True
    return may_edit_news_of_every(viewer, article_responsible_bodies(article))


def album_may_change(viewer: Viewer, article: Any | None) -> bool:
    """Whether the viewer may make or fill an album of ``article`` (None: an album of its own).

    An article's albums belong to the editors and officers of the body that wrote
    it (an article by a person: administrators only). An album without an article
    belongs to the newsroom as a whole: any editor or officer.
    """
    if article is None:
        return may_edit_some_news(viewer)
    return may_edit_news_of(viewer, article.author_body_id)


def album_may_add(viewer: Viewer) -> bool:
    """Whether the viewer may make any album at all (an editor or officer somewhere)."""
    return album_may_change(viewer, None)


def comments_may_moderate(viewer: Viewer, article: Any) -> bool:
    """Whether the viewer moderates the comments on `article`: an editor or officer of the
    body that wrote it (an article by a person: administrators only)."""
    return may_edit_news_of(viewer, article.author_body_id)


def may_comment_as_member(viewer: Viewer) -> bool:
    """Whether the viewer comments as a member (signed in, with any grant, or an admin)."""
    return viewer.user_id is not None and (viewer.is_admin or bool(viewer.member_bodies))


def may_translate_some_news(viewer: Viewer) -> bool:
    """Whether the viewer translates for some body (or is an administrator): who opens the
    translators' queue."""
    return viewer.has_role(TRANSLATOR_ROLE)


def news_bodies_translated_by(viewer: Viewer) -> frozenset[int] | None:
    """Return the bodies whose articles the viewer translates; None means every body
    (administrators)."""
    return None if viewer.is_admin else viewer.bodies_with(TRANSLATOR_ROLE)


def assignment_may_claim(viewer: Viewer, assignment: Any) -> bool:
    """Whether the viewer may take on a translation assignment: a translator of its body
    (or of a body above it), or an administrator."""
    return viewer.covers(TRANSLATOR_ROLE, assignment.body_id)


def assignment_may_review(viewer: Viewer, assignment: Any) -> bool:
    """Whether the viewer reviews a translation assignment (approves it or sends it back):
    an editor or officer of its body (or above it), or an administrator."""
    return may_edit_news_of(viewer, assignment.body_id)


def assignment_may_see(viewer: Viewer, assignment: Any) -> bool:
    """Whether the viewer may open a translation assignment: whoever claimed it, may claim
    it or reviews it, and administrators."""
    return (
        viewer.is_admin
        or (viewer.user_id is not None and assignment.claimed_by_id == viewer.user_id)
        or assignment_may_claim(viewer, assignment)
        or assignment_may_review(viewer, assignment)
    )


def assignment_may_cancel(viewer: Viewer, assignment: Any) -> bool:
    """Whether the viewer may withdraw a translation assignment: whoever reviews it or may
    edit its article (`article_may_edit`)."""
    return assignment_may_review(viewer, assignment) or article_may_edit(viewer, assignment.article)


def may_close_accounts(viewer: Viewer) -> bool:
    """Whether the viewer may close or reopen anyone's account: administrators (an account
    may hold grants on several committees, so no one committee's officers decide)."""
    return viewer.is_admin


def may_invite(viewer: Viewer) -> bool:
    """Whether the viewer may invite someone with a role: administrators, and officers of
    some body (for the bodies they are officers of, see `grantable_body_ids`)."""
    return viewer.has_role(WRITE_ROLE)


def grantable_body_ids(viewer: Viewer) -> frozenset[int] | None:
    """Return the bodies on which the viewer may hand out roles: those they are an officer
    of (or below one); None means every body (administrators)."""
    return None if viewer.is_admin else viewer.bodies_with(WRITE_ROLE)


def may_grant_roles_on(viewer: Viewer, body_id: int) -> bool:
    """Whether the viewer may hand out a role on the body ``body_id``: its officers (or
    those of a body above it: never above their own) and administrators."""
    return viewer.covers(WRITE_ROLE, body_id)


def may_invite_without_grants(viewer: Viewer) -> bool:
    """Whether the viewer may open an account (or invite someone) with no role at all:
    administrators only; an officer's invitation brings a role on their bodies."""
    return viewer.is_admin


def may_make_administrators(viewer: Viewer) -> bool:
    """Whether the viewer may open an administrator's account: administrators only."""
    return viewer.is_admin


def may_erase_visitors_data(viewer: Viewer) -> bool:
    """Whether the viewer may erase what a visitor (someone with no person record) left,
    such as their comments' address and name: administrators only."""
    return viewer.is_admin


def may_send_reminders(viewer: Viewer) -> bool:
    """Whether the viewer may send the overdue reminders (of tasks, of translations):
    administrators only, the command line's operator."""
    return viewer.is_admin


def may_assign_translation_desks(viewer: Viewer) -> bool:
    """Whether the viewer may name the body that translates into a language: administrators
    only, since the desk serves every committee."""
    return viewer.is_admin


def may_read_audit_trail(viewer: Viewer) -> bool:
    """Whether the viewer reads any of the audit trail: administrators (all of it) and
    officers (the entries of the bodies in `audit_body_ids`)."""
    return viewer.has_role(WRITE_ROLE)


def audit_body_ids(viewer: Viewer) -> frozenset[int] | None:
    """Return the bodies whose audit entries the viewer reads: those they are an officer of
    (or below one); None means every entry (administrators)."""
    return None if viewer.is_admin else viewer.bodies_with(WRITE_ROLE)


def may_edit_reference_data(viewer: Viewer) -> bool:
    """Whether the viewer may change the organization's reference data (kinds of bodies,
    roles, categories, tags, honours, partners, commemorations …): administrators only,
    since every committee shares them."""
    return viewer.is_admin


def may_assign_task_to_person(viewer: Viewer, person: Person | Mapping[str, Any]) -> bool:
    """Whether the viewer may give an instruction to this person: their custodians (the
    officers of their committee or above) and those who act for the organization."""
    return viewer.may_edit_person(person) or may_act_for_organization(viewer)


def _task_assignees(task: Any) -> tuple[list[int], list[Any]]:
    """Return the ids of the bodies and the people a task is assigned to (prefetch
    ``assignees__person`` to read them without a query per task)."""
    bodies: list[int] = []
    people: list[Any] = []
    for assignee in task.assignees.all():
        if assignee.body_id is not None:
            bodies.append(assignee.body_id)
        elif assignee.person_id is not None:
            people.append(assignee.person)
    return bodies, people


def may_complete_task(viewer: Viewer, task: Any) -> bool:
    """Whether the viewer may mark the task done (or open it again): an officer of a body
    it is assigned to (or of a body above), a person it is assigned to (their own
    account), and those who act for the organization."""
    if viewer.is_admin:
        return True
    bodies, people = _task_assignees(task)
    if any(viewer.covers(WRITE_ROLE, body_id) for body_id in bodies):
        return True
    if viewer.person_id is not None and any(p.pk == viewer.person_id for p in people):
        return True
    return may_act_for_organization(viewer)


def may_give_task(
    viewer: Viewer, *, body_ids: Iterable[int], people: Iterable[Person | Mapping[str, Any]]
) -> bool:
    """Whether the viewer may give (or change) a standing instruction to these assignees:
    an officer of every body among them (or above) who may also give instructions to
    every person among them (`may_assign_task_to_person`), or one who acts for the
    organization. Nobody but an administrator gives an instruction to no one."""
    bodies, people = list(body_ids), list(people)
    if viewer.is_admin:
        return True
    if not bodies and not people:
        return False
    if viewer.covers_all(WRITE_ROLE, bodies) and all(
        viewer.may_edit_person(person) for person in people
    ):
        return True
    return may_act_for_organization(viewer)


def may_change_task(viewer: Viewer, task: Any) -> bool:
    """Whether the viewer may change a standing instruction as it is now (see
    `may_give_task`); one given by a decision changes only through that decision."""
    if task.decision_id is not None:
        return False
    bodies, people = _task_assignees(task)
    return may_give_task(viewer, body_ids=bodies, people=people)


# --- naming people in records ---------------------------------------------------


def person_columns(prefix: str = "") -> tuple[str, ...]:
    """The `values()` columns a selector reads to name a person for any viewer, at `prefix`
    (e.g. ``"person__"``); add `custodian_name_expression(prefix)` as ``custodian_name``."""
    return tuple(
        f"{prefix}{name}" for name in ("id", "slug", "name", "call_sign", "public", "custodian_id")
    )


def custodian_name_expression(prefix: str = "") -> Any:
    """An expression for the latest name of the custodian of the person at `prefix`, NULL
    for an internal custodian.

    Annotating the query that already reads the person costs no extra query, so a
    placeholder ("a member of …") is free for anonymous pages. The name serves only a
    placeholder, which a viewer reads only for a person they may not see, whose custodian
    is then not among their bodies either: an internal custodian is never named there.
    """
    from django.db import models
    from django.db.models import Case, F, Subquery, When
    from django.db.models.functions import Coalesce

    from chapterhouse.registry.models import BodyName

    latest = (
        BodyName.objects.filter(body_id=OuterRef(f"{prefix}custodian_id"))
        .order_by("-start", "-pk")
        .values("name")[:1]
    )
    return Case(
        When(
            Q(**{f"{prefix}custodian__internal": False}),
            then=Coalesce(
                Subquery(latest, output_field=models.JSONField()),
                F(f"{prefix}custodian__name"),
                output_field=models.JSONField(),
            ),
        ),
        default=None,  # SQL NULL (a JSON null would read as a name)
        output_field=models.JSONField(),
    )


def person_row(
    source: Person | Mapping[str, Any] | None, prefix: str = "", *, custodian_name: Any = None
) -> dict[str, Any]:
    """Return the plain keys `PeopleNamer` reads, from a Person or a `values()` row read
    with `person_columns(prefix)`.

    The custodian's name comes from `custodian_name`, else a ``custodian_name``
    annotation on the row or Person, else a custodian already joined (its founding name).
    """
    if source is None:
        return {}
    if isinstance(source, Person):
        custodian_name = custodian_name or getattr(source, "custodian_name", None)
        if custodian_name is None and source.custodian_id is not None:
            # Only a custodian already joined (select_related) is used: never a query per person.
            custodian = source._state.fields_cache.get("custodian")
            custodian_name = (
                custodian.name if custodian is not None and not custodian.internal else None
            )
        return {
            "pk": source.pk,
            "slug": source.slug,
            "name": source.name,
            "call_sign": source.call_sign,
            "public": source.public,
            "custodian_id": source.custodian_id,
            "custodian_name": custodian_name,
        }
    return {
        "pk": source[f"{prefix}id"],
        "slug": source[f"{prefix}slug"],
        "name": source[f"{prefix}name"],
        "call_sign": source[f"{prefix}call_sign"],
        "public": source[f"{prefix}public"],
        "custodian_id": source[f"{prefix}custodian_id"],
        "custodian_name": custodian_name or source.get("custodian_name"),
    }


class PeopleNamer:
    """Name the people of one response for one viewer.

    People the viewer may see keep their id and get `Viewer.display_name`; the others get
    no id and `placeholder_name`. Visibility is decided from the rows already read
    (public, the viewer's own record, custody) and, only for a signed-in viewer with
    grants and people still undecided, one query for the posts they hold.
    """

    def __init__(
        self,
        viewer: Viewer,
        rows: Iterable[Mapping[str, Any]],
        *,
        filtered: bool = False,
        seen: Iterable[Mapping[str, Any]] = (),
    ) -> None:
        """`filtered`: the rows were already read through `Viewer.people_filter`; `seen`:
        more rows that were (named with the others, their variants in the same query)."""
        self.viewer = viewer
        seen = [row for row in seen if row]
        self.visible: set[int] = {row["pk"] for row in seen}
        undecided: set[int] = set()
        rows = [*list(rows), *seen]
        for row in rows:
            if not row:
                continue
            pk = row["pk"]
            if (
                filtered
                or viewer.is_admin
                or row["public"]
                or pk == viewer.person_id
                or row["custodian_id"] in viewer.people_bodies
            ):
                self.visible.add(pk)
            elif viewer.people_bodies:
                undecided.add(pk)
        if undecided:
            self.visible |= viewer.visible_people(undecided)
        # Variants only of those shown by their real name: a call sign stays a call sign.
        self.local_names = local_names_for(
            row["pk"]
            for row in rows
            if row
            and row["pk"] in self.visible
            and not (row["call_sign"] and not viewer.sees_personal_data(row))
        )

    def sees(self, row: Mapping[str, Any]) -> bool:
        return bool(row) and row["pk"] in self.visible

    def name(self, row: Mapping[str, Any]) -> str:
        """The name the viewer reads: display name (in the reader's language where a variant
        exists), or the placeholder of a hidden person."""
        if self.sees(row):
            return self.viewer.display_name(row, local_names=self.local_names)
        return placeholder_name(
            call_sign=row["call_sign"], custodian_name=_text(row.get("custodian_name"))
        )

    def slug(self, row: Mapping[str, Any]) -> str | None:
        """The person's id, or None for a person the viewer may not see."""
        return row["slug"] if self.sees(row) else None

    def ref(self, row: Mapping[str, Any]) -> dict[str, Any] | None:
        """``{"id", "name"}`` for the person, id None when hidden; None for no person."""
        if not row:
            return None
        return {"id": self.slug(row), "name": self.name(row)}


def _text(value: Any) -> str | None:
    if not value:
        return None
    from chapterhouse.core.language import text

    return text(value) or None


# --- names in the reader's language (docs/decisions/0028) ------------------------------

# The kinds of variant that may stand in for the display name: the same name written in
# another script or spelling. An alias or a birth name is another name, not this one.
LOCAL_NAME_KINDS = ("", "native", "transliteration")


def _language_tag(lang: str | None) -> tuple[str, str]:
    """Return a language tag folded for comparison and its base language
    (``"zh-Hans"`` → ``("zh-hans", "zh")``)."""
    tag = (lang or "").replace("_", "-").lower()
    return tag, tag.split("-", 1)[0]


def local_name_of(variants: Iterable[tuple[str, str, str]], lang: str | None) -> str | None:
    """Return the name among `variants` (``(name, lang, kind)``, in the order listed) that a
    reader of `lang` reads: the variant tagged exactly `lang`, else one tagged with its base
    language or whose base language is `lang` (``zh`` ↔ ``zh-hans``), else one of the same
    base language (``zh-cn`` for ``zh-hans``); None when there is none (or no language).

    Variants without a language, aliases and birth names are never chosen."""
    reader, reader_base = _language_tag(lang)
    if not reader:
        return None
    best: tuple[int, str] | None = None
    for name, variant_lang, kind in variants:
        tag, base = _language_tag(variant_lang)
        if not tag or (kind or "") not in LOCAL_NAME_KINDS:
            continue
        if tag == reader:
            rank = 0
        elif tag == reader_base or base == reader:
            rank = 1
        elif base == reader_base:
            rank = 2
        else:
            continue
        if best is None or rank < best[0]:
            best = (rank, name)
    return best[1] if best is not None else None


def local_names_for(person_ids: Iterable[int | None], lang: str | None = None) -> dict[int, str]:
    """Return ``{person id: name in the reader's language}`` for those of `person_ids` who
    have such a variant (see `local_name_of`); `lang` defaults to the active language.

    One query for all of them, none for no ids or no active language. Callers pass only
    people the viewer reads by their real name (never someone shown by call sign or as a
    placeholder), so no variant of a hidden name is ever read.
    """
    from chapterhouse.registry.models import PersonName

    ids = {pk for pk in person_ids if pk is not None}
    lang = lang if lang is not None else get_language()
    if not ids or not lang:
        return {}
    _, base = _language_tag(lang)
    by_person: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for person_id, name, variant_lang, kind in (
        PersonName.objects.filter(person_id__in=ids, lang__istartswith=base)
        .order_by("person_id", "position", "pk")
        .values_list("person_id", "name", "lang", "kind")
    ):
        by_person[person_id].append((name, variant_lang, kind))
    found = {pk: local_name_of(variants, lang) for pk, variants in by_person.items()}
    return {pk: name for pk, name in found.items() if name}


def _local_name(
    person: Person | Mapping[str, Any], local_names: Mapping[int, str] | None
) -> str | None:
    """The person's name in the active language from what is already loaded: `local_names`,
    else a Person's prefetched ``names``; never a query."""
    pk, _ = _person_keys(person)
    if local_names is not None:
        return local_names.get(pk) if pk is not None else None
    if isinstance(person, Person):
        cached = getattr(person, "_prefetched_objects_cache", {}).get("names")
        if cached is not None:
            return local_name_of(
                ((variant.name, variant.lang, variant.kind) for variant in cached),
                get_language(),
            )
    return None


def _person_keys(person: Person | Mapping[str, Any]) -> tuple[int | None, int | None]:
    if isinstance(person, Person):
        return person.pk, person.custodian_id
    return person.get("pk", person.get("id")), person.get("custodian_id")


def _person_names(person: Person | Mapping[str, Any]) -> tuple[str, str]:
    if isinstance(person, Person):
        return person.name, person.call_sign
    return person.get("name", ""), person.get("call_sign") or ""


def placeholder_name(*, call_sign: str, custodian_name: str | None) -> str:
    """How a person hidden from the viewer appears in a public record."""
    if call_sign:
        return call_sign
    if custodian_name:
        return gettext("a member of %(body)s") % {"body": custodian_name}
    return gettext("a member")


ANONYMOUS = Viewer()
ADMIN = Viewer(is_admin=True, label="administrator")


def bodies_covering(body_id: int) -> list[int]:
    """Return the body and every body above it, nearest first: the bodies a grant on which
    covers it (the upward twin of `scopes_for_grants`); one query for the body tree."""
    return bodies_above(body_id)


def scopes_for_grants(
    grants: Iterable[tuple[str, int]], *, children: Mapping[int | None, list[int]] | None = None
) -> dict[str, frozenset[int]]:
    """Expand (role, body id) grants to every body below; one query for the body tree
    unless `children` (from `children_by_parent`) is given."""
    by_role: dict[str, set[int]] = defaultdict(set)
    for role, body_id in grants:
        by_role[role].add(body_id)
    if not by_role:
        return {}
    if children is None:
        children = children_by_parent(Body.objects.values_list("pk", "parent_id"))
    return {role: frozenset(descendants(roots, children)) for role, roots in by_role.items()}


# What a viewer is built from, and what bumps it (custody.signals): the body tree
# ("bodies": a body added, moved or removed) and the grants and accounts ("grants").
VIEWER_GENERATIONS = ("bodies", "grants")


def viewer_for_user(user: Any, *, on: dt.date) -> Viewer:
    """Return the viewer for a Django user on a day (anonymous users see the public tier).

    Kept in the process per user, day and generation of the body tree and of the grants
    (core.generations): a signed-in request then costs no query here, a grant given or
    ended or a body moved is seen on the next request in every process, and a grant that
    starts or ends on a date is seen from that day (the day is in the key).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    numbers = generations(*VIEWER_GENERATIONS)
    return memoized(
        ("viewer", user.pk, on, numbers), lambda: _viewer_built(user, on=on, numbers=numbers)
    )


def _body_tree(numbers: tuple[int, ...]) -> dict[int | None, list[int]]:
    """The body tree's children map, kept per generation of the bodies."""
    return memoized(
        ("body-tree", numbers[0]),
        lambda: children_by_parent(Body.objects.values_list("pk", "parent_id")),
    )


def _viewer_built(user: Any, *, on: dt.date, numbers: tuple[int, ...]) -> Viewer:
    label = user.get_username()
    account = getattr(user, "account", None) if _has_account(user) else None
    person_id = account.person_id if account is not None else None
    if user.is_superuser:
        return Viewer(user_id=user.pk, person_id=person_id, is_admin=True, label=label)
    grants = list(Grant.objects.filter(held_on(on), user=user).values_list("role", "body_id"))
    scopes = scopes_for_grants(grants, children=_body_tree(numbers)) if grants else {}
    return Viewer(user_id=user.pk, person_id=person_id, label=label, scopes=scopes)


def _has_account(user: Any) -> bool:
    try:
        user.account  # noqa: B018 - touching the relation tells whether the row exists
    except Exception:  # the reverse one-to-one raises RelatedObjectDoesNotExist
        return False
    return True


def viewer_of(request: Any) -> Viewer:
    """Return `request.viewer` (set by custody.middleware.ViewerMiddleware), typed; a request
    that never went through the middleware sees the public tier only."""
    viewer = getattr(request, "viewer", None)
    return viewer if viewer is not None else ANONYMOUS


def viewer_for_scope(body_slug: str) -> Viewer:
    """The viewer an officer of `body_slug` is: used by `export --scope` and the CLI."""
    body = Body.objects.get(slug=body_slug)
    grants = [(role, body.pk) for role in ROLES]
    return Viewer(label=f"officers of {body_slug}", scopes=scopes_for_grants(grants))


# --- the records behind a change ------------------------------------------------------------


def _id_if_visible(visible: Q, path: str) -> Any:
    from django.db.models import Case, CharField, F, When

    return Case(When(visible, then=F(f"{path}__slug")), default=None, output_field=CharField())


def decision_id_expression(viewer: Viewer, path: str = "decision") -> Any:
    """An expression for the id of the decision at `path` (a foreign key to Decision such as
    ``"decision"``, ``"ended_by"``, ``"founded_by"``), NULL where the viewer may not see it.

    A change made by a decision the viewer may not see is shown without that decision: no
    id, no link, no wording (the change itself follows its own visibility). Annotating the
    query that reads the change costs no extra query.
    """
    from django.db.models import F

    if viewer.is_admin:
        return F(f"{path}__slug")
    return _id_if_visible(viewer.decision_filter(f"{path}__"), path)


def document_id_expression(viewer: Viewer, path: str) -> Any:
    """An expression for the id of the document at `path` (e.g. an award's ``"citation"``),
    NULL where the viewer may not see it (an internal document or one of an internal
    session)."""
    from django.db.models import F

    if viewer.is_admin:
        return F(f"{path}__slug")
    return _id_if_visible(viewer.document_filter(f"{path}__"), path)


def _visible_ids(
    model: type[Model], ids: Iterable[int | None], rule: Callable[[], Q] | None
) -> set[int]:
    """Return those of ``ids`` whose rows pass ``rule`` (a filter, built only when a query
    runs), in one query; all of them and no query when ``rule`` is None (an administrator
    sees everything) or there are no ids."""
    wanted = {pk for pk in ids if pk is not None}
    if rule is None or not wanted:
        return wanted
    rows = model._default_manager.filter(pk__in=wanted).filter(rule())
    return set(rows.values_list("pk", flat=True))


def visible_decision_ids(viewer: Viewer, decision_ids: Iterable[int | None]) -> set[int]:
    """Return those of `decision_ids` the viewer may see (one query; none for an
    administrator or for no ids), for records already loaded with their decisions."""
    from chapterhouse.meetings.models import Decision

    return _visible_ids(Decision, decision_ids, None if viewer.is_admin else viewer.decision_filter)
