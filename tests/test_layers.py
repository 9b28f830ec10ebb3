"""Layers point one way (docs/architecture.md): the edges (chronicle, api, web, newsroom,
cli, the admin) import the domain apps (registry, custody, relations, meetings, reports),
which import core, which imports nothing of ours; and no module imports itself round.

The imports are read from the source with ``ast``: every ``import`` and ``from … import``
anywhere in a file, so an import inside a function or under ``if TYPE_CHECKING:`` counts
like one at the top. A type-only import is still a dependency of the code that names the
type, and a layer that may not import a module may not lean on its classes either.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

PACKAGE = "chapterhouse"
SOURCE = Path(__file__).resolve().parent.parent / "src" / PACKAGE

CORE = "core"
DOMAIN = frozenset({"registry", "custody", "relations", "meetings", "reports"})
EDGES = frozenset({"chronicle", "api", "web", "newsroom", "cli", "admin"})
# The composition root: Django's settings, the URL map and the WSGI entry point name
# every app; they may import anything, and nothing imports them (settings are read
# through django.conf.settings, the application through WSGI_APPLICATION).
ROOT = frozenset({PACKAGE, f"{PACKAGE}.settings", f"{PACKAGE}.urls", f"{PACKAGE}.wsgi"})
# The only arrows between two edges: the Chronicle holds the news articles (import and
# export), the home page shows the latest news, and the admin site edits news through
# the newsroom's services.
EDGE_TO_EDGE = frozenset({("chronicle", "newsroom"), ("web", "newsroom"), ("admin", "newsroom")})


@dataclass(frozen=True)
class Arrow:
    """One import: ``source`` imports ``target``, at ``path``:``line``."""

    source: str
    target: str
    path: Path
    line: int

    def where(self) -> str:
        return f"{self.path}:{self.line}"


def modules(root: Path) -> dict[str, Path]:
    """Return every module of the package under ``root`` by dotted name (migrations aside:
    they are frozen history and import only what their own code needs)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def layer(module: str) -> str:
    """Return the layer of ``module``: ``root``, or the app it belongs to, where every
    ``admin.py`` and ``admin_*.py`` belongs to the admin, and management commands and
    template tags to their app."""
    if module in ROOT:
        return "root"
    parts = module.split(".")
    if parts[-1] == "admin" or parts[-1].startswith("admin_"):
        return "admin"
    return parts[1]


def may_import(source: str, target: str) -> bool:
    """Whether a module of layer ``source`` may import one of layer ``target``."""
    if source == target or source == "root":
        return True
    if target == "root":
        return False
    if source == CORE:
        return False
    if source in DOMAIN:
        return target == CORE or target in DOMAIN
    if source in EDGES:
        return target == CORE or target in DOMAIN or (source, target) in EDGE_TO_EDGE
    return False


def arrows(found: dict[str, Path]) -> Iterator[Arrow]:
    """Yield every import of one of ``found`` by another, relative imports resolved."""
    for module, path in found.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    imported = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    imported = node.module or ""
                # `from a import b` imports the module a.b when there is one.
                targets = [
                    f"{imported}.{alias.name}" if f"{imported}.{alias.name}" in found else imported
                    for alias in node.names
                ]
            for target in dict.fromkeys(targets):
                while target and target not in found:
                    target = target.rpartition(".")[0]
                if target and target != module:
                    yield Arrow(module, target, path.relative_to(root_of(path)), node.lineno)


def root_of(path: Path) -> Path:
    """Return the directory that holds the package, so paths read ``chapterhouse/…``."""
    while path.name != PACKAGE:
        path = path.parent
    return path.parent


def forbidden(found: dict[str, Path]) -> list[str]:
    """Return one line per import that points the wrong way."""
    return [
        f"{arrow.where()}: {layer(arrow.source)} → {layer(arrow.target)} "
        f"({arrow.source} imports {arrow.target})"
        for arrow in arrows(found)
        if not may_import(layer(arrow.source), layer(arrow.target))
    ]


def cycles(found: dict[str, Path]) -> list[str]:
    """Return one line per group of modules that import each other round, naming one
    cycle through them with the file and line of each import."""
    first: dict[tuple[str, str], Arrow] = {}
    graph: dict[str, set[str]] = {module: set() for module in found}
    for arrow in arrows(found):
        first.setdefault((arrow.source, arrow.target), arrow)
        graph[arrow.source].add(arrow.target)
    reported = []
    for group in strongly_connected(graph):
        start = min(group)
        path = cycle_through(start, graph, group)
        steps = [first[(a, b)] for a, b in pairwise(path)]
        reported.append(" → ".join([start, *(f"{step.target} ({step.where()})" for step in steps)]))
    return reported


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Return the groups of more than one node that reach each other (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)
    return groups


def cycle_through(start: str, graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """Return a shortest path ``start → … → start`` inside ``group`` (breadth first)."""
    previous: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & group):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [start, *reversed(path[:-1]), start] if node != start else [start, start]
            if child not in previous:
                previous[child] = node
                queue.append(child)
    raise AssertionError(f"{start} is in a cycle but no path leads back to it")


def test_every_package_has_a_layer() -> None:
    unknown = {
        layer(module)
        for module in modules(SOURCE)
        if layer(module) not in {"root", CORE, *DOMAIN, *EDGES}
    }
    assert not unknown, (
        f"packages without a layer: {sorted(unknown)}; add each to CORE, DOMAIN or EDGES "
        "in tests/test_layers.py and to the table in docs/architecture.md"
    )


def test_imports_point_from_the_edges_to_the_domain_to_core() -> None:
    wrong = forbidden(modules(SOURCE))
    assert not wrong, "imports against the layers (docs/architecture.md):\n" + "\n".join(wrong)


def test_no_module_imports_itself_round() -> None:
    found = cycles(modules(SOURCE))
    assert not found, "import cycles:\n" + "\n".join(found)


def _package(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    for name, text in {"__init__.py": "", **files}.items():
        path = tmp_path / PACKAGE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return modules(tmp_path / PACKAGE)


def test_it_names_file_line_and_arrow_of_a_lazy_import_against_the_layers(tmp_path) -> None:
    found = _package(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/effects.py": "def save():\n    from chapterhouse.meetings.models import Log\n",
            "meetings/__init__.py": "",
            "meetings/models.py": "from ..web import labels\n",
            "web/__init__.py": "",
            "web/labels.py": "from chapterhouse.core import effects\n",
        },
    )
    assert forbidden(found) == [
        "chapterhouse/core/effects.py:2: core → meetings "
        "(chapterhouse.core.effects imports chapterhouse.meetings.models)",
        "chapterhouse/meetings/models.py:1: meetings → web "
        "(chapterhouse.meetings.models imports chapterhouse.web.labels)",
    ]


def test_it_names_each_step_of_a_cycle(tmp_path) -> None:
    found = _package(
        tmp_path,
        {
            "reports/__init__.py": "",
            "reports/changes.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from .conference import report\n",
            "reports/conference.py": "from chapterhouse.reports.changes import md\n",
        },
    )
    assert cycles(found) == [
        "chapterhouse.reports.changes → "
        "chapterhouse.reports.conference (chapterhouse/reports/changes.py:3) → "
        "chapterhouse.reports.changes (chapterhouse/reports/conference.py:1)"
    ]
