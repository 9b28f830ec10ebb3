"""`chapterhouse serve`: gunicorn with several workers, in front of the same settings."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from chapterhouse.core.management.commands.serve import workers_default


def chapterhouse_command() -> list[str]:
    """Return the argv that runs the `chapterhouse` console script of this environment."""
    script = Path(sys.executable).with_name("chapterhouse")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "chapterhouse.cli"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children_of(pid: int) -> list[int]:
    """Return the ids of the processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        # The command name in parentheses may hold spaces; the parent id follows it.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found.append(int(entry.name))
    return found


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.fixture(scope="module")
def production_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Return an environment like production's: DEBUG off, its own database and static files.

    Shared by the module's servers: migrating and collecting once is enough.
    """
    tmp_path = tmp_path_factory.mktemp("production")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS", "STATIC_ROOT"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        CHAPTERHOUSE_VAR=str(tmp_path),
        SECRET_KEY="serve-test-secret-key-that-is-long-enough-for-the-deploy-check-1234567",
        # In production nginx redirects to HTTPS in front; the test speaks plain HTTP.
        SECURE_SSL_REDIRECT="0",
    )
    for step in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*chapterhouse_command(), *step], env=env, check=True, timeout=120)
    return env


@pytest.fixture
def server(production_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, int, Path]]:
    """Start `chapterhouse serve` with three workers; yield its URL, pid and log file."""
    port = free_port()
    log = tmp_path / "access.log"
    with log.open("wb") as stdout:
        process = subprocess.Popen(
            [*chapterhouse_command(), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "3"],
            env=production_env,
            stdout=stdout,
            stderr=subprocess.PIPE,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(f"{url}/accounts/sign-in/")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    assert process.stderr is not None
                    pytest.fail(f"serve did not start: {process.stderr.read().decode()}")
                time.sleep(0.2)
        yield url, process.pid, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def test_it_serves_the_sign_in_page_from_several_worker_processes(
    server: tuple[str, int, Path],
) -> None:
    url, pid, _log = server

    assert get(f"{url}/accounts/sign-in/") == 200
    assert get(f"{url}/static/admin/css/base.css") == 200
    deadline = time.monotonic() + 10
    while len(children_of(pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(children_of(pid)) == 3


def test_it_writes_the_access_log_to_standard_output(server: tuple[str, int, Path]) -> None:
    url, _pid, log = server

    get(f"{url}/accounts/sign-in/")

    deadline = time.monotonic() + 10
    while b"GET /accounts/sign-in/" not in log.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert b'"GET /accounts/sign-in/ HTTP/1.1" 200' in log.read_bytes()


def test_it_stops_cleanly_on_sigterm(production_env: dict[str, str]) -> None:
    process = subprocess.Popen(
        [*chapterhouse_command(), "serve", "--bind", f"127.0.0.1:{free_port()}", "--workers", "2"],
        env=production_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while len(children_of(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = children_of(process.pid)

    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)

    assert process.returncode == 0, stderr.decode()
    assert not [worker for worker in workers if Path(f"/proc/{worker}").exists()]


def test_it_runs_two_workers_per_core_plus_one_by_default() -> None:
    assert workers_default(environ={}, cores=2) == 5
    assert workers_default(environ={}, cores=8) == 17


def test_it_runs_as_many_workers_as_web_concurrency_says() -> None:
    assert workers_default(environ={"WEB_CONCURRENCY": "4"}, cores=2) == 4


@pytest.mark.parametrize("value", ["many", "0", "-3"])
def test_it_refuses_a_web_concurrency_that_is_not_a_positive_number(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", value)

    with pytest.raises(CommandError, match="WEB_CONCURRENCY must be a positive whole number"):
        call_command("serve")


def test_it_refuses_an_address_it_cannot_listen_on() -> None:
    with pytest.raises(CommandError, match="Cannot listen on 'localhost'"):
        call_command("serve", bind="localhost")


def test_it_refuses_zero_workers() -> None:
    with pytest.raises(CommandError, match="--workers must be at least 1"):
        call_command("serve", workers=0)
