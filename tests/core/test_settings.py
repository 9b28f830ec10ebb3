"""Configuration that is wrong or missing stops start-up with a message naming the variable.

Each case starts a fresh Python with a crafted environment and sets Django up, as every
entry point (``chapterhouse``, gunicorn, the worker) does first.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

KEY = "insecure-test-only-key-for-the-settings-tests-it-signs-nothing-real"
START = (
    # The site itself, as gunicorn and `serve` load it, then what it read.
    "import django; django.setup(); import chapterhouse.wsgi; "
    "from django.conf import settings as s; "
    "print(s.DEBUG, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.SECRET_KEY, s.LOG_LEVEL)"
)


def start(
    tmp_path: Path, *, key: str | None = KEY, **variables: str
) -> subprocess.CompletedProcess[str]:
    """Set Django up in a new process with the settings variables given (and the key
    unless ``key`` is None), and no others."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "EMAIL_PORT", "EMAIL_USE_TLS", "LOG_LEVEL", "DATABASE_URL"}
        and not key.startswith("SECRET_KEY")
    }
    env.update(DJANGO_SETTINGS_MODULE="chapterhouse.settings", CHAPTERHOUSE_VAR=str(tmp_path))
    if key is not None:
        env["SECRET_KEY"] = key
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", START], env=env, capture_output=True, text=True, timeout=120
    )


def refusal(result: subprocess.CompletedProcess[str]) -> str:
    """Return the last line of a start-up that failed: the ImproperlyConfigured message."""
    assert result.returncode != 0, result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: "), result.stderr
    return last.removeprefix("django.core.exceptions.ImproperlyConfigured: ")


def test_valid_values_start_and_are_read(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(f"  {KEY}\n", encoding="utf-8")

    result = start(
        tmp_path,
        key=None,
        DEBUG=" Off ",
        EMAIL_PORT="587",
        EMAIL_USE_TLS="YES",
        LOG_LEVEL="info",
        SECRET_KEY_FILE=str(key_file),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "587", "True", KEY, "INFO"]


def test_development_starts_without_a_key(tmp_path):
    result = start(tmp_path, key=None, DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"
    assert result.stdout.split()[3].startswith("django-insecure-")


@pytest.mark.parametrize(
    ("variables", "said"),
    [
        ({"DEBUG": "ture"}, ["DEBUG='ture'", "1, true, yes, on", "0, false, no, off"]),
        ({"EMAIL_USE_TLS": "y"}, ["EMAIL_USE_TLS='y'"]),
        ({"EMAIL_PORT": "abc"}, ["EMAIL_PORT='abc'", "whole number"]),
        ({"EMAIL_PORT": "70000"}, ["EMAIL_PORT='70000'", "1 to 65535"]),
        ({"PHOTO_MAX_BYTES": "-1"}, ["PHOTO_MAX_BYTES='-1'", "at least 1"]),
        ({"LOG_LEVEL": "verbose"}, ["LOG_LEVEL='verbose'", "warning"]),
        ({"ALLOWED_HOSTS": " , "}, ["ALLOWED_HOSTS"]),
    ],
)
def test_a_value_that_cannot_be_read_stops_start_up_naming_it(tmp_path, variables, said):
    message = refusal(start(tmp_path, **variables))

    for words in said:
        assert words in message


def test_production_without_a_key_does_not_start_and_says_how_to_make_one(tmp_path):
    message = refusal(start(tmp_path, key=None))

    assert "SECRET_KEY is not set" in message
    assert "SECRET_KEY_FILE" in message
    assert "secrets.token_urlsafe(50)" in message
    assert "DEBUG=1" in message


def test_an_empty_key_is_no_key(tmp_path):
    empty = tmp_path / "secret_key"
    empty.write_text("\n", encoding="utf-8")

    assert "SECRET_KEY is not set" in refusal(start(tmp_path, key=""))
    assert f"SECRET_KEY_FILE='{empty}' is empty" in refusal(
        start(tmp_path, key=None, SECRET_KEY_FILE=str(empty))
    )


@pytest.mark.parametrize("debug", ["0", "1"])
def test_a_key_file_that_cannot_be_read_stops_start_up_naming_it(tmp_path, debug):
    missing = tmp_path / "no-such-file"

    message = refusal(start(tmp_path, key=None, DEBUG=debug, SECRET_KEY_FILE=str(missing)))
    assert message.startswith(f"SECRET_KEY_FILE='{missing}' cannot be read")
    assert "No such file or directory" in message

    message = refusal(start(tmp_path, key=None, DEBUG=debug, SECRET_KEY_FILE=str(tmp_path)))
    assert message.startswith(f"SECRET_KEY_FILE='{tmp_path}' cannot be read")


def test_a_mistyped_database_url_is_named_without_its_password(tmp_path):
    message = refusal(
        start(
            tmp_path,
            SECRET_KEY=KEY,
            DATABASE_URL="postgress://app:example-password@db/chapterhouse",
        )
    )

    assert message.startswith("DATABASE_URL starts with 'postgress'")
    assert "postgresql://" in message
    assert "example-password" not in message


def test_a_redis_url_of_another_kind_stops_start_up(tmp_path):
    message = refusal(start(tmp_path, REDIS_URL="http://cache:6379/0"))

    assert message.startswith("REDIS_URL starts with 'http'")
    assert "redis://" in message


def test_the_command_says_what_is_wrong_in_one_line_not_a_traceback(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "DEBUG" and not key.startswith("SECRET_KEY")
    }
    env.update(CHAPTERHOUSE_VAR=str(tmp_path), DEBUG="ture")
    result = subprocess.run(
        [sys.executable, "-m", "chapterhouse.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("chapterhouse: DEBUG")
    assert "ture" in line


def test_commands_that_sign_nothing_run_without_a_key(tmp_path: Path) -> None:
    # A migration check in a build, a migrate before the key is installed: no key needed.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DATABASE_URL"} and not key.startswith("SECRET_KEY")
    }
    env.update(CHAPTERHOUSE_VAR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "chapterhouse.cli", "makemigrations", "--check", "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_serve_without_a_key_says_so_before_starting(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DATABASE_URL"} and not key.startswith("SECRET_KEY")
    }
    env.update(CHAPTERHOUSE_VAR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "chapterhouse.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("chapterhouse: SECRET_KEY is not set.")


def test_with_redis_the_worker_runs_django_tasks_with_their_job_class(tmp_path):
    # `chapterhouse rqworker default` takes its job class from the settings; RQ's own Job
    # cannot call a Django task, so every queued mail and view count would fail.
    code = (
        "import django; django.setup(); "
        "from django_rq.jobs import get_job_class; "
        "from django_tasks_rq.backend import Job; "
        "print(get_job_class() is Job)"
    )
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="chapterhouse.settings",
        CHAPTERHOUSE_VAR=str(tmp_path),
        SECRET_KEY=KEY,
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
