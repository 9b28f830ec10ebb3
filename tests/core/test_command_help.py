"""`chapterhouse COMMAND --help`: every command (and subcommand) prints its usage."""

from __future__ import annotations

import argparse
import subprocess

import pytest
from django.core.management import ManagementUtility, get_commands, load_command_class
from django.utils import translation

from tests.core.test_serve import chapterhouse_command


def command_paths() -> list[tuple[str, ...]]:
    """Return every command of the project and every subcommand below it, as argv prefixes."""
    paths: list[tuple[str, ...]] = []
    for name, app in sorted(get_commands().items()):
        paths.append((name,))
        if not app.startswith("chapterhouse"):
            continue
        command = load_command_class(app, name)
        parser = command.create_parser("chapterhouse", name)
        pending: list[tuple[tuple[str, ...], argparse.ArgumentParser]] = [((name,), parser)]
        while pending:
            prefix, current = pending.pop()
            for action in current._actions:
                if isinstance(action, argparse._SubParsersAction):
                    for sub_name, sub_parser in action.choices.items():
                        paths.append((*prefix, sub_name))
                        pending.append(((*prefix, sub_name), sub_parser))
    return paths


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_command_and_subcommand_prints_its_help(
    language: str, capsys: pytest.CaptureFixture[str]
) -> None:
    failures = []
    with translation.override(language):
        for path in command_paths():
            with pytest.raises(SystemExit) as exit_info:
                ManagementUtility(["chapterhouse", *path, "--help"]).execute()
            output = capsys.readouterr().out
            if exit_info.value.code not in (0, None) or "usage: chapterhouse" not in output:
                failures.append(" ".join(path))
    assert failures == []


def test_the_command_list_includes_the_project_commands() -> None:
    names = {path[0] for path in command_paths()}
    assert {"diff", "orgchart", "report", "user", "decision", "import", "serve"} <= names
    assert ("user", "add") in command_paths()


@pytest.mark.parametrize("name", ["diff", "user", "decision", "newsroom"])
def test_the_console_script_prints_help_and_exits_zero(name: str) -> None:
    result = subprocess.run(
        [*chapterhouse_command(), name, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: chapterhouse {name}")
    assert "Traceback" not in result.stderr
