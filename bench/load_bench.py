"""Load-test the registry's pages under wrk, on one `serve` instance or two behind nginx.

    .venv/bin/python bench/load_bench.py \
        --server-url postgresql://postgres@127.0.0.1:5432/postgres --seconds 10
    # two instances behind nginx, and the cross-instance checks:
    .venv/bin/python bench/load_bench.py --server-url ... --instances 2

It creates the scratch database ``chapterhouse_load_bench`` on that server (dropped
after unless ``--keep``; ``--reuse`` times a kept one again; it touches no other
database), migrates it and loads the demo, flushes the Redis database of
``--redis-url`` (not 0; only that one) and runs Debian's ``wrk`` in two rounds:

1. the yardstick: ``/bench/bare/``, a view returning a fixed response, served by
   ``chapterhouse serve`` with ``bench_bare_settings`` (Django's own middleware only:
   none of ours, so none of our database reads);
2. the site (``bench_settings``: production settings, every middleware): the org chart
   ``/``, a body page, a person page, a conference report page, the API's
   ``/api/v1/orgchart`` and, for comparison, the news home ``/en/`` (the one page here
   the page cache keeps), each as a visitor and signed in (a session cookie from
   signing in as the demo's member of ec-jp: never cached).

Each round runs ``--instances`` servers of ``--workers`` gunicorn workers; with two,
nginx (a child process, its config in a temp dir, ``daemon off``) sends requests to
them in turn and wrk goes through it. The target (issue 15): a page the cache serves
>= 1x the bare view's requests per second, any other >= 0.3x. With two instances the
script then checks, through the proxy and each instance's own port, that sessions,
the cache, a write, uploaded media and the task queue work across instances.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import io
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))
sys.path.insert(0, str(BENCH_DIR))

from newsroom_bench import production_env, serving  # noqa: E402

DATABASE = "chapterhouse_load_bench"
MEMBER = "park@example.org"  # member of ec-jp: signs in without a second factor
EDITOR = "editor@example.org"  # may add photos; no second factor either
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
ALBUM = "load-bench"


# -- wrk -------------------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cached: bool


def milliseconds(text: str) -> float:
    """Return wrk's latency (``812.00us``, ``3.21ms``, ``1.02s``) in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(
    label: str, url: str, *, seconds: int, connections: int, cookie: str | None, cached: bool
) -> Run:
    # A 10 s timeout (wrk: 2 s): a slow page's latency is measured, not counted as an error.
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failed = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non2xx.group(1)) if non2xx else 0
    errors += sum(int(n) for n in failed.groups()) if failed else 0
    run = Run(
        label,
        rps,
        milliseconds(p50.group(1)) if p50 else float("nan"),
        milliseconds(p99.group(1)) if p99 else float("nan"),
        errors,
        cached,
    )
    print(f"  {label:<44} {rps:>8,.0f} req/s  p99 {run.p99_ms:7.1f} ms  errors {errors}")
    return run


# -- HTTP as a browser -----------------------------------------------------------------------


class Browser:
    """A cookie jar and an opener that does not follow redirects (so a bounce shows)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), self._NoRedirect()
        )

    def request(
        self, url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(
            url, data=data, headers={"User-Agent": BROWSER, **(headers or {})}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def csrf_token(self, url: str) -> str:
        status, _, body = self.request(url)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not found:
            raise RuntimeError(f"no CSRF token on {url} ({status})")
        return found.group(1).decode()

    def sign_in(self, base: str, email: str) -> bool:
        from chapterhouse.chronicle.management.commands.demo import DEMO_PASSWORD

        token = self.csrf_token(f"{base}/accounts/sign-in/")
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": email, "password": DEMO_PASSWORD}
        ).encode()
        status, _, _ = self.request(f"{base}/accounts/sign-in/", data=data)
        return status == 302


def multipart(
    fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    """Return a multipart/form-data body and its content type."""
    boundary = secrets.token_hex(16)
    parts: list[bytes] = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content, kind) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# -- the servers -----------------------------------------------------------------------------


NGINX_CONF = """\
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    # Which instance answered each request: the cross-instance checks count these lines.
    log_format upstream '$upstream_addr $status $request_method $request_uri';
    access_log {dir}/access.log upstream;
    client_max_body_size 100m;

    upstream chapterhouse {{
{servers}
        keepalive 16;
    }}

    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://chapterhouse;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout http_502 http_503;
        }}
    }}
}}
"""


@contextlib.contextmanager
def proxy(ports: list[int], *, port: int, var: Path) -> Iterator[Path]:
    """Run nginx in front of ``ports`` (round robin) on ``port``; yield its access log."""
    folder = var / "nginx"
    folder.mkdir(exist_ok=True)
    folder.chmod(0o777)  # nginx's workers (nobody, when run as root) write its temp files
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in ports)
    config = folder / "nginx.conf"
    config.write_text(NGINX_CONF.format(dir=folder, servers=servers, port=port))
    server = subprocess.Popen(
        ["nginx", "-c", str(config), "-p", str(folder), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        yield folder / "access.log"
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextlib.contextmanager
def site(
    env: dict[str, str], *, instances: int, port: int, workers: int, var: Path
) -> Iterator[tuple[str, list[str], Path | None]]:
    """Run ``instances`` servers (ports ``port``, ``port + 1``) and, for two or more, nginx
    on ``port + 10``; yield the URL to load, the instances' own URLs and nginx's log."""
    with contextlib.ExitStack() as stack:
        bases = [
            stack.enter_context(serving(env, port=port + n, workers=workers))
            for n in range(instances)
        ]
        if instances == 1:
            yield bases[0], bases, None
            return
        log = stack.enter_context(
            proxy([port + n for n in range(instances)], port=port + 10, var=var)
        )
        yield f"http://127.0.0.1:{port + 10}", bases, log


# -- the database ----------------------------------------------------------------------------


def database_url(server_url: str) -> str:
    """Return ``server_url`` with its database replaced by the scratch one."""
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{DATABASE}"))


def database_create(server_url: str, *, reuse: bool) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]
        ).fetchone()
        if exists and reuse:
            return
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def database_drop(server_url: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def organization_load(*, reuse: bool) -> None:
    """Migrate and load the demo (unless ``reuse``), plus an album for the upload check."""
    from django.core.management import call_command
    from django.utils import timezone

    from chapterhouse.custody.access import ADMIN
    from chapterhouse.newsroom.models import Album
    from chapterhouse.newsroom.photos.services import album_create

    if not reuse:
        call_command("migrate", verbosity=0)
        call_command("demo", verbosity=0, stdout=io.StringIO())
    if not Album.objects.filter(slug=ALBUM).exists():
        album_create(
            viewer=ADMIN,
            via="cli",
            slug=ALBUM,
            title={"en": "Load bench"},
            article=None,
            at=timezone.now(),
        )


def site_paths() -> dict[str, str]:
    """Return the pages to load, by label: one of each kind, from the demo."""
    from chapterhouse.meetings.models import Conference

    conference = Conference.objects.order_by("pk").values_list("slug", flat=True).first()
    return {
        "org chart /": "/",
        "body /bodies/ec-jp/": "/bodies/ec-jp/",
        "person /people/irina-volkova/": "/people/irina-volkova/",
        "conference report": f"/conferences/{conference}/report/",
        "API /api/v1/orgchart": "/api/v1/orgchart",
        "news home /en/ (page cache)": "/en/",
    }


# -- the checks across instances -------------------------------------------------------------


def upstream_counts(log: Path, since: int) -> dict[str, int]:
    """Count nginx's log lines after line ``since`` by the instance that answered."""
    counts: dict[str, int] = {}
    for line in log.read_text().splitlines()[since:]:
        counts[line.split()[0]] = counts.get(line.split()[0], 0) + 1
    return counts


def checks(
    base: str, bases: list[str], log: Path, env: dict[str, str]
) -> list[tuple[str, bool, str]]:
    """Run the cross-instance checks; return (what, passed, detail) for each."""
    from django.conf import settings
    from django.db import close_old_connections

    from chapterhouse.newsroom.models import Article, ArticleViewDay, Photo

    a, b = bases[0], bases[1]
    results: list[tuple[str, bool, str]] = []

    # Sessions: signed in through the proxy, still signed in on both instances.
    editor = Browser()
    signed = editor.sign_in(base, EDITOR)
    since = len(log.read_text().splitlines())
    statuses = [editor.request(f"{base}/accounts/")[0] for _ in range(8)]
    counts = upstream_counts(log, since)
    results.append(
        (
            "session: signed in via the proxy, 8 requests to /accounts/ on both instances",
            signed and all(s == 200 for s in statuses) and len(counts) == len(bases),
            f"sign-in {'ok' if signed else 'FAILED'}, statuses {sorted(set(statuses))}, "
            f"answered by {counts}",
        )
    )

    # The page cache: a page stored by A is a hit on B. Pages are kept under their absolute
    # URL, so both requests carry the Host nginx sends ($host: no port). A process looks
    # pages up only under the languages it has stored pages in itself (page_cache.py):
    # /en/, which the load has stored on every worker.
    published = Article.objects.filter(translations__status="published")
    slug = published.values_list("slug", flat=True)[0]
    host = {"Host": "127.0.0.1"}
    first = Browser().request(f"{a}/en/news/{slug}/", headers=host)[1].get("X-Cache")
    _, headers, _ = Browser().request(f"{b}/en/news/{slug}/", headers=host)
    results.append(
        (
            "cache: an article page stored by instance A is a hit on B",
            first == "MISS" and headers.get("X-Cache") == "HIT",
            f"X-Cache on A: {first}, then on B: {headers.get('X-Cache')}",
        )
    )

    # A write through A (a photo upload) is seen on B at once, and its file is served by B.
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(picture, format="PNG")
    upload_url = f"/newsroom/albums/{ALBUM}/photos/new/"
    token = editor.csrf_token(a + upload_url)
    body, kind = multipart(
        {"csrfmiddlewaretoken": token, "caption": "load bench", "language": "en"},
        {"images": ("load-bench.png", picture.getvalue(), "image/png")},
    )
    status, _, _ = editor.request(a + upload_url, data=body, headers={"Content-Type": kind})
    close_old_connections()
    photo = Photo.objects.filter(album__slug=ALBUM).order_by("-pk").first()
    seen = False
    served = False
    detail = f"upload via A: {status}"
    if photo is not None:
        page_status, _, page = editor.request(b + upload_url)
        seen = page_status == 200 and Path(photo.image.name).name.encode() in page
        media_status, _, content = Browser().request(f"{b}{settings.MEDIA_URL}{photo.image.name}")
        on_disk = (Path(env["CHAPTERHOUSE_VAR"]) / "media" / photo.image.name).read_bytes()
        served = media_status == 200 and content == on_disk
        detail += (
            f"; upload page on B lists it: {seen}; B serves {photo.image.name}: {media_status}"
        )
    results.append(("write: a photo uploaded via A is listed by B", status == 302 and seen, detail))
    results.append(
        ("media: the file uploaded via A is served by B (shared MEDIA_ROOT)", served, detail)
    )

    # The task queue: a view counted on A is flushed by a worker through Redis.
    status, _, _ = Browser().request(f"{a}/en/news/{slug}/view", data=b"")
    worker = subprocess.run(
        [
            str(Path(sys.executable).parent / "chapterhouse"),
            # the documented command (docs/deploy.md, "6b"): the settings give it the job class
            "rqworker",
            "default",
            "--burst",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    close_old_connections()
    counted = sum(ArticleViewDay.objects.filter(article__slug=slug).values_list("count", flat=True))
    results.append(
        (
            "task queue: a view counted via A is written by `rqworker` (views_flush)",
            status == 204 and worker.returncode == 0 and counted >= 1,
            f"beacon {status}, worker exit {worker.returncode}, views recorded {counted}",
        )
    )
    return results


# -- the run ---------------------------------------------------------------------------------


def table(runs: list[Run], bare: Run) -> None:
    print(
        "\n| page | reader | requests/s | p50 | p99 | vs bare | target | |\n"
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
    )
    print(
        f"| bare Django view (Django's middleware only) | visitor | {bare.rps:,.0f} | "
        f"{bare.p50_ms:.1f} ms | {bare.p99_ms:.1f} ms | 1.00 | | |"
    )
    for run in runs:
        target = 1.0 if run.cached else 0.3
        ratio = run.rps / bare.rps
        page, _, reader = run.label.partition(" · ")
        verdict = "met" if ratio >= target and not run.errors else "**missed**"
        if run.errors:
            verdict += f" ({run.errors} errors)"
        print(
            f"| {page} | {reader}{' (cached)' if run.cached else ''} | {run.rps:,.0f} | "
            f"{run.p50_ms:.1f} ms | {run.p99_ms:.1f} ms | {ratio:.2f} | ≥ {target:g} | {verdict} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server-url", required=True, help="a PostgreSQL server (any database)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--instances", type=int, choices=(1, 2), default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8770)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", action="store_true", help="time a kept database again")
    args = parser.parse_args()
    for tool in ("wrk", *(["nginx"] if args.instances > 1 else [])):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install -y {tool}")
    if urllib.parse.urlsplit(args.redis_url).path.strip("/") in ("", "0"):
        sys.exit("give --redis-url a database other than 0 (it is flushed)")

    database_create(args.server_url, reuse=args.reuse)
    var = Path(tempfile.mkdtemp(prefix="load-bench-"))
    env = production_env(
        database_url=database_url(args.server_url), redis_url=args.redis_url, var=var
    )
    os.environ.update(env)
    import django

    django.setup()
    try:
        organization_load(reuse=args.reuse)
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
        paths = site_paths()
        options = {"instances": args.instances, "workers": args.workers, "var": var}
        load = {"seconds": args.seconds, "connections": args.connections}
        print(
            f"wrk: {args.seconds} s each, {args.connections} connections; {args.instances} "
            f"instance(s) of {args.workers} gunicorn workers; {os.cpu_count()} cores"
        )
        bare_env = {**env, "DJANGO_SETTINGS_MODULE": "bench_bare_settings"}
        with site(bare_env, port=args.port + 20, **options) as (base, _, _):
            for _ in range(args.workers * args.instances * 3):
                urllib.request.urlopen(f"{base}/bench/bare/", timeout=10).read()
            bare = wrk("bare view", f"{base}/bench/bare/", cookie=None, cached=False, **load)
        with site(env, port=args.port, **options) as (base, bases, log):
            member = Browser()
            if not member.sign_in(base, MEMBER):
                sys.exit(f"could not sign in as {MEMBER}")
            from django.conf import settings

            cookie = f"{settings.SESSION_COOKIE_NAME}={member.cookie(settings.SESSION_COOKIE_NAME)}"
            runs = []
            for label, path in paths.items():
                for _ in range(args.workers * args.instances * 3):  # warm every worker
                    status, headers, _ = Browser().request(base + path)
                    member.request(base + path)
                cached = headers.get("X-Cache") == "HIT"
                if status != 200:
                    print(f"  {path}: a visitor gets {status}")
                runs.append(
                    wrk(f"{label} · visitor", base + path, cookie=None, cached=cached, **load)
                )
                runs.append(
                    wrk(f"{label} · signed in", base + path, cookie=cookie, cached=False, **load)
                )
            table(runs, bare)
            if log is not None:
                print()
                results = checks(base, bases, log, env)
                for what, passed, detail in results:
                    print(f"  {'PASS' if passed else 'FAIL'}  {what}\n        {detail}")
                if not all(passed for _, passed, _ in results):
                    return 1
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            database_drop(args.server_url)
        shutil.rmtree(var, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
