"""``chapterhouse report conference`` and ``chapterhouse diff --format md`` on the demo."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chapterhouse.meetings.models import Conference
from chapterhouse.registry.management.commands.diff import Command as DiffCommand
from chapterhouse.reports.management.commands.report import Command as ReportCommand


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def run_from_argv(command, argv, capsys):
    """Run a command as the console script does; return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["chapterhouse", *argv])
    captured = capsys.readouterr()
    return exited.value.code, captured.out, captured.err


def test_it_writes_the_markdown_report_in_the_language_asked(demo):
    text = run("conference", "gc-5", "--lang", "ru")
    assert text.startswith("# 5-я генеральная конференция\n")
    assert "(Казахстан — 20 мая)" in text
    assert "27-я годовщина" in text


def test_the_default_language_is_the_organizations(demo):
    assert run("conference", "gc-5").startswith("# 5th General Conference\n")


def test_it_writes_html_and_pdf_files(demo, tmp_path, pdf_text):
    html = tmp_path / "report.html"
    run("conference", "gc-5", "--lang", "ko", "--format", "html", "--output", str(html))
    assert '<html lang="ko">' in html.read_text(encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    run("conference", "gc-5", "--lang", "zh", "--format", "pdf", "--output", str(pdf))
    assert "27周年" in re.sub(r"\s+", "", pdf_text(pdf.read_bytes()))


def test_a_pdf_goes_to_standard_output_only_when_it_is_not_a_terminal(demo):
    raw = io.BytesIO()
    piped = io.TextIOWrapper(raw, encoding="utf-8")
    call_command("report", "conference", "gc-5", "--format", "pdf", stdout=piped)
    assert raw.getvalue().startswith(b"%PDF")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    with pytest.raises(CommandError, match="--output"):
        call_command("report", "conference", "gc-5", "--format", "pdf", stdout=Terminal())


def test_scope_reports_what_that_bodys_officers_may_see(demo):
    assert "Olga Smirnova" in run("conference", "gc-5", "--scope", "ec-kz")
    outside = run("conference", "gc-5", "--scope", "dept-3")
    assert "Olga Smirnova" not in outside
    assert "a member of Kazakh Executive Committee" in outside


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["conference", "nope"], "no conference with id 'nope'"),
        (["conference", "gc-5", "--lang", "fr"], "“fr” is not a working language"),
        (["conference", "empty"], "has no sessions recorded yet"),
        (["conference", "gc-5", "--scope", "nobody"], "no body with id 'nobody'"),
    ],
)
def test_bad_input_says_why_on_stderr_and_exits_1(demo, capsys, argv, message):
    Conference.objects.create(slug="empty", name={"en": "Empty"})
    code, out, err = run_from_argv(ReportCommand(), ["report", *argv], capsys)
    assert code == 1
    assert message in err
    assert out == ""


def test_diff_writes_markdown_grouped_like_the_report(demo):
    out = io.StringIO()
    call_command("diff", "--from", "2025-05-18", "--to", "2025-05-24", "--format", "md", stdout=out)
    text = out.getvalue()
    assert text.startswith("# Changes from May 18, 2025 to May 24, 2025\n")
    assert (
        "- Elected candidate members of Coordination Council: Timur Akhmetov"
        " (2nd Secretary for Ideas, Kazakh Executive Committee)" in text
    )
    assert "Kenji Sato" in text  # the diff of a range is not limited to any decisions


def test_diff_markdown_in_another_language_and_bad_language(demo, capsys):
    out = io.StringIO()
    call_command(
        "diff",
        "--from",
        "2025-05",
        "--to",
        "2025-05",
        "--format",
        "md",
        "--lang",
        "ru",
        stdout=out,
    )
    assert out.getvalue().startswith("# Изменения с 1 мая 2025\u202fг. по 31 мая 2025\u202fг.\n")
    code, _out, err = run_from_argv(
        DiffCommand(),
        ["diff", "--from", "2025", "--to", "2025", "--format", "md", "--lang", "xx"],
        capsys,
    )
    assert code == 1 and "“xx” is not a working language" in err
