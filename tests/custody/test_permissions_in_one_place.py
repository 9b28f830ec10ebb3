"""Every "may X do Y?" is answered in `custody/access.py` (docs/architecture.md,
"Permissions"): no other module reads a viewer's grants (`Viewer.scopes`) itself, so a
change to a rule cannot miss a copy of it somewhere else.

The source is read with ``ast``: any attribute access named ``scopes`` outside
`custody/access.py` fails, whatever the object (a viewer is a viewer under any name).
Building a viewer (``Viewer(scopes=…)``) is a keyword, not an attribute, and stays allowed.
"""

from __future__ import annotations

import ast
from pathlib import Path

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
