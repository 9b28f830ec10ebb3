"""Shared fixtures: the demo organization, loaded through the real importer."""

from __future__ import annotations

from pathlib import Path

import pytest

DEMO_FILE = Path(__file__).resolve().parents[1] / "src/chapterhouse/chronicle/demo.chronicle.json"


@pytest.fixture
def demo_file() -> Path:
    """Return the path of the demo organization's Chronicle."""
    return DEMO_FILE


@pytest.fixture
def demo(db: None) -> None:
    """Load the demo organization (the example Chronicle) into the test database."""
    from chapterhouse.chronicle.importer import chronicle_import

    chronicle_import(DEMO_FILE)
