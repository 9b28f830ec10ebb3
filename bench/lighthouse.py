"""Score the public pages with Lighthouse (phone emulation) in every working language.

    npm ci --prefix tools/lighthouse                 # once: Lighthouse, pinned
    .venv/bin/python bench/lighthouse.py             # serve the demo on :8106, score, stop
    .venv/bin/python bench/lighthouse.py --url http://127.0.0.1:8000   # a site already served

Without ``--url`` it makes a fresh SQLite database in a temporary folder, migrates it,
loads the demo, collects the static files and serves them with ``chapterhouse serve``
(gunicorn, ``DEBUG=0``: what production runs, without the HTTPS redirect a local
address cannot answer). Lighthouse drives Debian's Chromium (``CHROME_PATH``, default
``/usr/bin/chromium``) headless with its default phone emulation and throttling, once
per page and language, and the script prints a Markdown table of the four category
scores (0–100) and the lowest score of each category; it exits 1 when one is below
``--minimum`` (default 98). Each run takes 10–15 s; the whole table about 5 minutes.
The results are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "tools/lighthouse/node_modules/.bin/lighthouse"
CHAPTERHOUSE = Path(sys.executable).parent / "chapterhouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
LANGUAGES = ["ko", "en", "ru", "zh", "de"]
# The pages of the issue: the org chart, a body, a conference, the news home, an article.
PAGES = {
    "org chart": "/?lang={lang}",
    "body": "/bodies/ec-kz/?lang={lang}",
    "conference": "/conferences/gc-5/?lang={lang}",
    "news home": "/{lang}/",
    "article": "/{lang}/news/gc5-opens/",
}
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync"
)


def lighthouse_scores(url: str, *, categories: list[str] = CATEGORIES) -> dict[str, int]:
    """Return Lighthouse's score (0–100) of each of ``categories`` for ``url``.

    Raise ``RuntimeError`` with Lighthouse's own message when it cannot score the page.
    """
    if not LIGHTHOUSE.exists():
        raise RuntimeError(f"{LIGHTHOUSE} is missing: run `npm ci --prefix tools/lighthouse`")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        result = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(categories)}",
                f"--chrome-flags={CHROME_FLAGS}",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not report.exists():
            raise RuntimeError(f"Lighthouse failed on {url}: {result.stderr.strip()[-2000:]}")
        data = json.loads(report.read_text())
    runtime_error = data.get("runtimeError")
    if runtime_error:
        raise RuntimeError(f"Lighthouse could not load {url}: {runtime_error}")
    return {name: round(100 * (data["categories"][name]["score"] or 0)) for name in categories}


def _wait_until_served(base: str, *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing answered at {base} within {seconds:.0f} s") from None
            time.sleep(0.3)


def demo_serve(*, port: int, folder: Path) -> subprocess.Popen[bytes]:
    """Load the demo into a database under ``folder`` and serve it on ``port`` (DEBUG off)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "chapterhouse.settings",
        "CHAPTERHOUSE_VAR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'lighthouse.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "insecure-bench-only-key"),
        # Served on a plain local address: no redirect to HTTPS, no HSTS, plain cookies.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_COOKIES": "0",
        "SITE_URL": f"http://127.0.0.1:{port}",
    }
    for command in (["migrate", "--noinput"], ["demo"], ["collectstatic", "--noinput"]):
        subprocess.run([str(CHAPTERHOUSE), *command], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [str(CHAPTERHOUSE), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_served(f"http://127.0.0.1:{port}")
    except RuntimeError:
        server.terminate()
        raise
    return server


def score_table(*, base: str, languages: list[str]) -> tuple[str, dict[str, int]]:
    """Score every page in every language; return the Markdown table and each category's lowest."""
    lines = [
        "| page | language | " + " | ".join(CATEGORIES) + " |",
        "| --- | --- | " + " | ".join("---:" for _ in CATEGORIES) + " |",
    ]
    lowest = dict.fromkeys(CATEGORIES, 100)
    for page, path in PAGES.items():
        for lang in languages:
            url = base + path.format(lang=lang)
            scores = lighthouse_scores(url)
            for name in CATEGORIES:
                lowest[name] = min(lowest[name], scores[name])
            row = f"| {page} | {lang} | " + " | ".join(str(scores[n]) for n in CATEGORIES) + " |"
            lines.append(row)
            print(row, file=sys.stderr, flush=True)
    lines.append("| **lowest** | | " + " | ".join(f"**{lowest[n]}**" for n in CATEGORIES) + " |")
    return "\n".join(lines), lowest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="score a site already served here instead of the demo")
    parser.add_argument("--port", type=int, default=8106, help="port for the demo (8106)")
    parser.add_argument("--languages", default=",".join(LANGUAGES), help="ko,en,ru,zh,de")
    parser.add_argument("--minimum", type=int, default=98, help="exit 1 below this score")
    args = parser.parse_args()
    languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]

    server = None
    with tempfile.TemporaryDirectory(prefix="chapterhouse-lighthouse-") as folder:
        base = (args.url or "").rstrip("/")
        if not base:
            server = demo_serve(port=args.port, folder=Path(folder))
            base = f"http://127.0.0.1:{args.port}"
        try:
            table, lowest = score_table(base=base, languages=languages)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
    print(table)
    below = {name: score for name, score in lowest.items() if score < args.minimum}
    if below:
        print(f"below {args.minimum}: {below}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
