"""The ``orgchart``, ``diff`` and ``history`` commands: text, JSON and clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

pytestmark = pytest.mark.django_db


def mandate_name(slug: str) -> str:
    """Return what the organization calls a mandate in English (its id until it names it):
    the only source of mandate names is registry.mandates.mandate_names."""
    from chapterhouse.core.text import text_in
    from chapterhouse.registry.mandates import mandate_names

    return text_in(mandate_names([slug])[slug], "en")


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- orgchart --------------------------------------------------------------------


def test_the_orgchart_draws_a_tree_with_names_roles_and_mandates(demo):
    text = run("orgchart", "--as-of", "2025-05-19")

    assert "As of May 19, 2025" in text
    assert "Coordination Council" in text
    assert "Japanese Executive Committee" in text
    assert "Head: Park Min-jun" in text
    assert "Kenji Sato" not in text
    assert "4th Logistics Department" not in text
    assert "Event logistics (Head)" in text
    # A name that says its kind is not followed by the kind again.
    assert "Coordination Council  council" in text
    assert "Coordination Council  Coordination Council" not in text
    # A declared role keeps the organization's own wording.
    assert "Secretary for Ideas: Timur Akhmetov — 2nd Secretary for Ideas" in text
    # Piped output carries no terminal colour codes.
    assert "\x1b[" not in text


def test_the_orgchart_speaks_the_requested_language(demo):
    from chapterhouse.registry.models import Body

    # The demo names every body in every language: leave one in English only.
    Body.objects.filter(slug="ec-jp").update(name={"en": "Japanese Executive Committee"})
    text = run("orgchart", "--as-of", "2025-05-19", "--lang", "ru")

    assert "Координационный совет" in text
    assert "Казахский исполнительный комитет" in text
    assert "Ирина Волкова" in text and "Irina Volkova" not in text  # people in Cyrillic
    # A name without Russian falls back to the default language.
    assert "Japanese Executive Committee" in text
    assert "19 мая 2025" in text


def test_the_orgchart_prints_the_spec_json(demo):
    data = json.loads(run("orgchart", "--as-of", "2025-05-19", "--format", "json"))

    assert data["as_of"] == "2025-05-19"
    ec_jp = next(body for body in data["bodies"] if body["id"] == "ec-jp")
    assert set(ec_jp) >= {"id", "name", "kind", "parent", "mandates", "holders"}
    assert set(ec_jp["holders"][0]) == {
        "person",
        "name",
        "role",
        "title",
        "start",
        "how",
        "decision",
    }


@pytest.mark.parametrize(
    ("command", "url"),
    [
        (("orgchart", "--as-of", "2025-05-19"), "/api/v1/orgchart?as_of=2025-05-19"),
        (
            ("orgchart", "--as-of", "2025-05-19", "--body", "ec-kz"),
            "/api/v1/orgchart?as_of=2025-05-19&body=ec-kz",
        ),
        (
            ("diff", "--from", "2025-05-01", "--to", "2025-05-31"),
            "/api/v1/diff?from=2025-05-01&to=2025-05-31",
        ),
        (("history", "aigerim-bekova"), "/api/v1/people/aigerim-bekova/history"),
    ],
)
def test_the_commands_write_the_json_the_api_answers_with(demo, client, command, url):
    # One shape each (registry/shapes.py): same keys, same order, same values.
    written = run(*command, "--public", "--format", "json")
    answer = client.get(url).json()
    if command[0] == "diff":
        # The API's diff added `counts` and `next` (paging, issue 15; additive); the
        # command writes the document it always wrote.
        del answer["counts"], answer["next"]

    assert json.loads(written) == answer
    assert list(json.loads(written)) == list(answer)


def test_the_orgchart_json_keeps_every_script_readable(demo):
    raw = run("orgchart", "--as-of", "2025-05-19", "--body", "ec-kz", "--format", "json")

    assert "Казахский исполнительный комитет" in raw
    assert "\\u" not in raw


def test_the_orgchart_written_branch_by_branch_is_one_tree(demo):
    from rich.tree import Tree

    from chapterhouse.custody.access import ADMIN
    from chapterhouse.registry.management import Language, rich_text
    from chapterhouse.registry.management.commands.orgchart import Command
    from chapterhouse.registry.models import Body
    from chapterhouse.registry.selectors import orgchart_as_of

    # Three bodies at the top: the guides of the first two go on below them.
    Body.objects.filter(slug__in=["press-bureau", "ec-kz"]).update(parent=None)
    text = run("orgchart", "--as-of", "2025-05-19")

    lang, day = Language(None), timezone.datetime(2025, 5, 19).date()
    whole = Tree(f"As of {lang.date(day)}")
    Command()._branch(whole, orgchart_as_of(viewer=ADMIN, as_of=day).bodies, lang)
    assert text == rich_text(StringIO(), [whole])
    assert [line.split("  ")[0] for line in text.splitlines() if line[:1] in "├└"] == [
        "├── Coordination Council",
        "├── Press Bureau",
        "└── Kazakh Executive Committee",
    ]


def test_the_orgchart_of_a_subtree_leaves_out_the_rest(demo):
    text = run("orgchart", "--as-of", "2025-06-01", "--body", "ec-kz")

    assert "Steppe Society for Cultural Exchange" in text
    assert "Primary Cell at the Almaty Conservatory" in text
    assert "Nordic" not in text


def test_the_orgchart_of_a_body_that_no_longer_exists_says_so(demo):
    text = run("orgchart", "--as-of", "2025-06-01", "--body", "dept-4")

    assert "did not exist on June 1, 2025" in text


def test_the_orgchart_refuses_an_unknown_body(demo):
    with pytest.raises(CommandError, match="no body with id no-such"):
        run("orgchart", "--as-of", "2025-06-01", "--body", "no-such")


def test_the_orgchart_refuses_a_date_it_cannot_read(demo):
    with pytest.raises(CommandError, match=r"'19\.05\.2025' is not a date"):
        run("orgchart", "--as-of", "19.05.2025")


def test_the_orgchart_defaults_to_today(demo):
    data = json.loads(run("orgchart", "--format", "json"))

    assert data["as_of"] == timezone.localdate().isoformat()


# --- diff ------------------------------------------------------------------------


def test_the_diff_tabulates_the_conference(demo):
    text = run("diff", "--from", "2025-05-18", "--to", "2025-05-24")

    assert "Terms started" in text
    assert "Park Min-jun" in text
    assert "Terms ended" in text
    assert "the body was dissolved" in text
    assert "Primary Cell at the Almaty Conservatory" in text
    assert "Information Bureau" in text
    assert "Mandates moved" in text
    assert mandate_name("event-logistics") in text


def test_the_diff_of_a_month_written_as_a_month_covers_all_of_it(demo):
    data = json.loads(run("diff", "--from", "2025-05", "--to", "2025-05", "--format", "json"))

    assert (data["from"], data["to"]) == ("2025-05-01", "2025-05-31")
    assert data["dissolved"] == ["dept-4"]


def test_a_quiet_diff_says_nothing_changed(demo):
    assert "Nothing changed." in run("diff", "--from", "2024-07-01", "--to", "2024-07-31")


def test_the_diff_refuses_a_period_that_ends_before_it_starts(demo):
    with pytest.raises(CommandError, match="must start on or before its end"):
        run("diff", "--from", "2025-06-01", "--to", "2025-05-01")


def test_the_diff_refuses_a_date_it_cannot_read(demo):
    with pytest.raises(CommandError, match="--to: '2025-13-01' is not a date"):
        run("diff", "--from", "2025-05-01", "--to", "2025-13-01")


# --- history ---------------------------------------------------------------------


def test_the_history_tabulates_posts_outside_posts_and_honours(demo):
    text = run("history", "lucia-fernandez")

    assert "Lucía Fernández (lucia-fernandez)" in text
    assert "Argentine Executive Committee" in text
    assert "Andes Cultural Foundation" in text
    assert "Member of the Board" in text


def test_the_history_shows_honours(demo):
    text = run("history", "lark")

    assert "Friendship Badge" in text
    assert "gc5-d4-award" in text


def test_the_history_prints_json(demo):
    data = json.loads(run("history", "park-minjun", "--format", "json"))

    assert data["person"] == "park-minjun"
    assert [(t["body"], t["role"]) for t in data["terms"]] == [
        ("ec-jp", "member"),
        ("ec-jp", "head"),
        ("council", "member"),
    ]


def test_the_history_refuses_an_unknown_person(demo):
    with pytest.raises(CommandError, match="no person with id 'nobody'"):
        run("history", "nobody")


# --- as the shell runs them ----------------------------------------------------


def test_an_unknown_person_exits_with_1_and_a_message_not_a_traceback(demo, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["chapterhouse", "history", "nobody"]).execute()

    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "no person with id 'nobody'" in err
    assert "Traceback" not in err


def test_a_bad_date_on_the_command_line_exits_with_1_and_a_message(tmp_path: Path):
    env = {**os.environ, "CHAPTERHOUSE_HOME": str(tmp_path), "DATABASE_URL": ""}
    (tmp_path / "var").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "chapterhouse.cli", "orgchart", "--as-of", "yesterday"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )

    assert done.returncode == 1
    assert "'yesterday' is not a date" in done.stderr
    assert "Traceback" not in done.stderr
