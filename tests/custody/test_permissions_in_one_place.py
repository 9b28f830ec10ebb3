"""Every "may X do Y?" is answered in `custody/access.py` (docs/architecture.md,
"Permissions"): no other module reads a viewer's grants (`Viewer.scopes`) itself, so a
change to a rule cannot miss a copy of it somewhere else.

The source is read with ``ast``: any attribute access named ``scopes`` outside
`custody/access.py` fails, whatever the object (a viewer is a viewer under any name).
Building a viewer (``Viewer(scopes=…)``) is a keyword, not an attribute, and stays allowed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from chapterhouse.custody.access import (
    ADMIN,
    Viewer,
    bodies_covering,
    may_edit_news_of,
    news_bodies_edited_by,
    scopes_for_grants,
)
from chapterhouse.registry.models import Body

SOURCE = Path(__file__).resolve().parent.parent.parent / "src" / "chapterhouse"
HOME = SOURCE / "custody" / "access.py"


def scopes_reads(path: Path) -> list[int]:
    """Return the lines of `path` that read an attribute named ``scopes``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "scopes"
    )


def test_no_module_but_access_reads_a_viewers_scopes() -> None:
    found = [
        f"{path.relative_to(SOURCE.parent)}:{line}"
        for path in sorted(SOURCE.rglob("*.py"))
        if path != HOME and "migrations" not in path.parts
        for line in scopes_reads(path)
    ]
    assert found == [], (
        "ask a named question of custody/access.py (viewer.covers, viewer.has_role, "
        "viewer.bodies_with, may_…) instead of reading viewer.scopes: " + ", ".join(found)
    )


def test_the_guard_sees_a_read_of_scopes(tmp_path: Path) -> None:
    module = tmp_path / "views.py"
    module.write_text("def f(viewer):\n    return viewer.scopes.get('officer')\n")
    assert scopes_reads(module) == [2]


def test_the_guard_lets_a_viewer_be_built_with_scopes(tmp_path: Path) -> None:
    module = tmp_path / "views.py"
    module.write_text("viewer = Viewer(scopes={'officer': frozenset({1})})\n")
    assert scopes_reads(module) == []


# The edges and the reports only ask: a "may X do Y?" answered there with an
# administrator's flag or a role's reach is a copy of a rule. Services that own a record
# compose the questions for their refusals (naming the bodies that are missing).
ASKING_ONLY = frozenset({"web", "api", "cli", "chronicle", "newsroom", "reports", "admin"})
DECIDING_ATTRIBUTES = frozenset({"is_admin", "covers", "covers_all"})


def asks_only(path: Path) -> bool:
    """Whether `path` is an edge's or the reports' module (tests/test_layers.py's layers;
    every ``admin.py`` and ``admin_*.py`` is the admin's)."""
    top = path.relative_to(SOURCE).parts[0].removesuffix(".py")
    return top in ASKING_ONLY or path.stem == "admin" or path.stem.startswith("admin_")


def deciding_reads(path: Path) -> list[int]:
    """Return the lines of `path` that read a viewer's ``is_admin`` or call ``covers``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in DECIDING_ATTRIBUTES
    )


def test_no_edge_or_report_decides_a_permission_itself() -> None:
    found = [
        f"{path.relative_to(SOURCE.parent)}:{line}"
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts and asks_only(path)
        for line in deciding_reads(path)
    ]
    assert found == [], (
        "ask a named question of custody/access.py (may_…, …_may_…) instead of reading "
        "viewer.is_admin or calling viewer.covers: " + ", ".join(found)
    )


def test_the_edge_guard_sees_an_administrators_flag_and_a_roles_reach(tmp_path: Path) -> None:
    module = tmp_path / "views.py"
    module.write_text(
        "def f(viewer, pk):\n"
        "    if viewer.is_admin:\n"
        "        return True\n"
        "    return viewer.covers('officer', pk)\n"
    )
    assert deciding_reads(module) == [2, 4]


def test_the_edge_guard_lets_a_viewer_be_built_as_an_administrator(tmp_path: Path) -> None:
    module = tmp_path / "demo.py"
    module.write_text("viewer = Viewer(is_admin=True)\nis_admin = True\n")
    assert deciding_reads(module) == []


# A question's name says what it is: ``may_…`` or ``<record>_may_…``. Defined anywhere
# but access.py (and the template tags that put its questions to a template), it is a
# second copy of a rule, or a rule that escaped the one place.
QUESTION_NAME = re.compile(r"^_?may_|_may_")


def questions_defined(path: Path) -> list[str]:
    """Return the functions `path` defines whose names read like a permission question."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return sorted(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and QUESTION_NAME.search(node.name)
    )


def test_every_permission_question_is_defined_in_access() -> None:
    found = [
        f"{path.relative_to(SOURCE.parent)}: {name}"
        for path in sorted(SOURCE.rglob("*.py"))
        if path != HOME and "migrations" not in path.parts and "templatetags" not in path.parts
        for name in questions_defined(path)
    ]
    assert found == [], "define the question beside Viewer in custody/access.py: " + ", ".join(
        found
    )


def test_the_question_guard_knows_a_question_by_its_name(tmp_path: Path) -> None:
    module = tmp_path / "services.py"
    module.write_text(
        "def session_may_change(viewer, session): ...\n"
        "def _may_see(viewer): ...\n"
        "def may_x(viewer): ...\n"
        "def dismay_nobody(): ...\n"
    )
    assert questions_defined(module) == ["_may_see", "may_x", "session_may_change"]


# What a template would read to decide a permission itself.
GRANT_ATTRIBUTES = ("scopes", "member_bodies", "people_bodies", "is_admin", "covers")


def test_no_template_decides_a_permission_from_the_viewer() -> None:
    found = [
        f"{path.relative_to(SOURCE.parent)}:{number}"
        for path in sorted(SOURCE.rglob("templates/**/*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(f"viewer.{name}" in line for name in GRANT_ATTRIBUTES)
    ]
    assert found == [], (
        "pass the answer of a custody.access question in the view's context (or a "
        "template tag) instead: " + ", ".join(found)
    )


# --- the rules themselves, on the demo: soc-steppe is below ec-kz, which is below the council.


@pytest.fixture
def ids(demo: None) -> dict[str, int]:
    return dict(Body.objects.values_list("slug", "pk"))


def test_a_body_is_covered_by_grants_on_itself_and_every_body_above(ids: dict[str, int]) -> None:
    assert bodies_covering(ids["soc-steppe"]) == [ids["soc-steppe"], ids["ec-kz"], ids["council"]]


def test_an_editor_edits_the_news_of_their_body_and_below_and_nothing_else(
    ids: dict[str, int],
) -> None:
    editor = Viewer(user_id=1, label="editor", scopes=scopes_for_grants([("editor", ids["ec-kz"])]))
    assert may_edit_news_of(editor, ids["soc-steppe"])
    assert not may_edit_news_of(editor, ids["council"])
    assert not may_edit_news_of(editor, None)
    edited = news_bodies_edited_by(editor)
    assert edited is not None
    assert {ids["ec-kz"], ids["soc-steppe"]} <= edited
    assert ids["council"] not in edited


def test_a_translator_or_member_edits_no_news_and_an_administrator_all(
    ids: dict[str, int],
) -> None:
    grants = [("translator", ids["ec-kz"]), ("member", ids["ec-kz"])]
    other = Viewer(user_id=1, label="translator", scopes=scopes_for_grants(grants))
    assert not may_edit_news_of(other, ids["ec-kz"])
    assert news_bodies_edited_by(other) == frozenset()
    assert may_edit_news_of(ADMIN, None)
    assert news_bodies_edited_by(ADMIN) is None
