"""Settings for every environment, read from the process environment.

Secrets may also come from a file named by ``<NAME>_FILE`` (Docker and systemd
credentials), so nothing secret lives in the repository.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("CHAPTERHOUSE_HOME", Path.cwd()))


def env_str(name: str, default: str = "") -> str:
    """Return the variable ``name``, or the contents of the file named by ``name_FILE``.

    A file that cannot be read stops start-up; an empty ``name`` does not hide ``name_FILE``.
    """
    path = os.environ.get(f"{name}_FILE")
    if os.environ.get(name) or (name in os.environ and not path):
        return os.environ[name]
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise ImproperlyConfigured(
                f"{name}_FILE={path!r} cannot be read "
                f"({getattr(error, 'strerror', None) or error}): give the path of a "
                f"readable text file, or set {name} itself."
            ) from None
    return default


def env_bool(name: str, default: bool = False) -> bool:
    """Return a yes/no variable: ``1``, ``true``, ``yes``, ``on`` or ``0``, ``false``, ``no``,
    ``off`` in any case; unset or empty is ``default``, anything else stops start-up."""
    yes, no = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
    value = env_str(name).strip()
    if not value:
        return default
    if value.lower() in yes + no:
        return value.lower() in yes
    raise ImproperlyConfigured(
        f"{name}={value!r} is neither yes nor no: use {', '.join(yes)} for yes or "
        f"{', '.join(no)} for no (any case), or leave {name} unset for the default."
    )


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    """Return a whole-number variable between ``minimum`` and ``maximum``; ``default`` when
    unset or empty. Anything else stops start-up."""
    value = env_str(name).strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a whole number (digits only, e.g. {name}={default})."
        ) from None
    if number < minimum or (maximum is not None and number > maximum):
        bounds = f"at least {minimum}" if maximum is None else f"{minimum} to {maximum}"
        raise ImproperlyConfigured(f"{name}={value!r} is out of range: it must be {bounds}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list; ``default`` when unset or empty."""
    value = env_str(name)
    if not value.strip():
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name}={value!r} names nothing: give comma-separated items.")
    return items


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """Return a variable that must be one of ``choices`` (compared in lower case)."""
    value = env_str(name).strip()
    if not value:
        return default
    if value.lower() not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")
    return value.lower()


def env_url(name: str, schemes: tuple[str, ...]) -> str:
    """Return a URL variable whose scheme is one of ``schemes``, or ``""`` when unset.

    A refusal names the variable and the scheme only: the URL may hold a password.
    """
    value = env_str(name).strip()
    if value and urlsplit(value).scheme.lower() not in schemes:
        scheme = urlsplit(value).scheme or "no scheme"
        raise ImproperlyConfigured(
            f"{name} starts with {scheme!r}; it must be a URL starting with one of "
            + ", ".join(f"{choice}://" for choice in schemes)
            + "."
        )
    return value


DEBUG = env_bool("DEBUG", default=False)
# Development (DEBUG=1, as `make run` sets) needs no configuration and gets a fixed key
# that the deploy check (W009) calls insecure. Without DEBUG a missing key is left empty:
# commands that sign nothing (migrate, makemigrations, check, import) still run, Django
# refuses whatever would sign with it, and the site does not start (`chapterhouse.wsgi`
# raises SECRET_KEY_REFUSAL), so no real site ever signs with a key in the repository.
SECRET_KEY = env_str("SECRET_KEY").strip()
# Why the site may not start (empty when it may): a key is set, or DEBUG is on.
SECRET_KEY_REFUSAL = (
    ""
    if SECRET_KEY or DEBUG
    else (
        (
            f"SECRET_KEY_FILE={os.environ['SECRET_KEY_FILE']!r} is empty"
            if os.environ.get("SECRET_KEY_FILE")
            else "SECRET_KEY is not set"
        )
        + ". A site with DEBUG off signs sessions, CSRF tokens and password-reset links with "
        "it: set SECRET_KEY (or SECRET_KEY_FILE, the path of a file holding it) to 50 or more "
        'random characters, e.g. the output of `python3 -c "import secrets; '
        'print(secrets.token_urlsafe(50))"`. For development set DEBUG=1 instead (make run does).'
    )
)
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-development-key-set-SECRET_KEY"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "chapterhouse.core",
    "chapterhouse.reports",
    "chapterhouse.registry",
    "chapterhouse.meetings",
    "chapterhouse.relations",
    "chapterhouse.newsroom",
    "chapterhouse.chronicle",
    "chapterhouse.custody",
    "chapterhouse.api",
    "chapterhouse.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Whole public news pages for visitors who are not signed in, kept 60 s (see
    # newsroom/public/page_cache.py); before everything that reads the database.
    "chapterhouse.newsroom.public.page_cache.PageCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "chapterhouse.core.middleware.RejectNulMiddleware",
    # Links in the mail a request writes go to the address it came to (core.mail.site_url).
    "chapterhouse.core.mail.RequestOriginMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chapterhouse.web.middleware.OrganizationLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django_otp's, with the session's device kept in memory per generation (two_factor.py).
    "chapterhouse.custody.two_factor.CachedOTPMiddleware",
    "chapterhouse.custody.middleware.ViewerMiddleware",
    "chapterhouse.custody.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account or address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2 first: new and changed passwords are hashed with it; older hashes upgrade on sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "custody:login"
# A form refused for its CSRF token says so on the site's own page (web/errors.py).
CSRF_FAILURE_VIEW = "chapterhouse.web.errors.csrf_failure"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Sign-in throttling: after AXES_FAILURE_LIMIT failures for one account from one
# address, that pair is locked for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Renders custody/locked_out.html with status 429 and the wait in minutes.
AXES_LOCKOUT_CALLABLE = "chapterhouse.custody.views.locked_out"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Failed API bearer tokens are throttled with the same limit and cool-off, per address.
# Password-reset mail: at most this many requests per address and mails per account
# in PASSWORD_RESET_WINDOW seconds (the cache counts; Redis shares them).
PASSWORD_RESETS_PER_ADDRESS = env_int("PASSWORD_RESETS_PER_ADDRESS", 10)
PASSWORD_RESETS_PER_EMAIL = env_int("PASSWORD_RESETS_PER_EMAIL", 3)
PASSWORD_RESET_WINDOW = env_int("PASSWORD_RESET_WINDOW", 3600, minimum=1)

OTP_TOTP_ISSUER = "Chapterhouse"

# Scripts only from our own origin: no inline script, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The admin's widgets set inline styles; styles cannot run code.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# E-mail (password resets, invitations): the console in development (printed readable:
# core/mail_console.py), SMTP or any Django backend in production, chosen by environment.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "chapterhouse.core.mail_console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "chapterhouse@localhost")
# The site's public address, for links in e-mails and on the command line. Unset, mail
# written while serving a request links to the address that request came to (in
# development: the port actually served); `make run` sets it for its worker too.
SITE_URL = env_str("SITE_URL")

ROOT_URLCONF = "chapterhouse.urls"
WSGI_APPLICATION = "chapterhouse.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chapterhouse.web.context_processors.organization",
                "chapterhouse.web.context_processors.menu",
            ],
        },
    },
]

VAR_DIR = Path(env_str("CHAPTERHOUSE_VAR", str(PROJECT_DIR / "var")))
database_url = env_url("DATABASE_URL", ("postgresql", "postgres", "sqlite"))
try:
    DATABASES = {
        "default": dj_database_url.parse(
            database_url or f"sqlite:///{VAR_DIR / 'chapterhouse.sqlite3'}",
            conn_max_age=env_int("CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
except ValueError as error:  # a port that is not a number, and the like
    raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {error}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write
    # lock at BEGIN so concurrent writers wait instead of failing mid-transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"].setdefault("TEST", {})
else:
    # The person search's trigram candidates (registry.search, decision 0031): pg_trgm's
    # `%` keeps names at least this alike (default 0.3 drops some spellings of a name).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = "-c pg_trgm.similarity_threshold=0.2"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("REDIS_URL", ("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whether every app process sees the same cache: Redis, or one process only (SINGLE_PROCESS,
# e.g. `runserver` or the tests). Only then are sessions read from the cache and what every
# request reads (the viewer, the OTP device) kept in the process per generation
# (core.generations): with a cache of its own, a process would not see a grant ended or a
# session closed in another one (docs/decisions/0036).
CACHE_SHARED = bool(REDIS_URL) or env_bool("SINGLE_PROCESS")
if CACHE_SHARED:
    # Read from the cache, written through to the database: a signed-in request reads no
    # session row (docs/performance.md, "What a signed-in request costs").
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background work (e-mail, view counts): Django tasks. By default the queue is a
# database table and `chapterhouse db_worker` runs it; with REDIS_URL it is an RQ
# queue in Redis and `chapterhouse rqworker default` runs it. Either way nothing is
# sent inside a request.
if REDIS_URL and env_choice("TASKS_BACKEND", "rq", ("rq", "database")) == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    # The worker runs a queued Django task through django-tasks' own job class; RQ's
    # plain Job cannot call a Task, and every mail and view count would fail.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Uploaded photos and their thumbnails.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded session documents: outside MEDIA_ROOT, since /media/ is public and a document
# is sent only to those who may see it (docs/decisions/0022-session-documents.md).
DOCUMENTS_ROOT = Path(env_str("DOCUMENTS_ROOT", str(VAR_DIR / "documents")))
# Largest photo upload accepted, in bytes (default 15 MB).
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 15 * 1024 * 1024, minimum=1)
# Largest photo accepted, in pixels (all frames together), checked before decoding.
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 40_000_000, minimum=1)
# Photos accepted in one request; more files than this are refused before any is read.
PHOTOS_PER_UPLOAD = env_int("PHOTOS_PER_UPLOAD", 20, minimum=1)

# Request sizes (docs/deploy.md, "Limits"). A request body other than uploaded files
# (a form, an API write's JSON) larger than this is refused with 400/413 before it is
# read; the proxy's client_max_body_size bounds the files.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_BYTES", 4 * 1024 * 1024, minimum=1)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_FIELDS", 1000, minimum=1)
DATA_UPLOAD_MAX_NUMBER_FILES = PHOTOS_PER_UPLOAD
# Uploads above this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_BYTES", 2_621_440)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# The interface languages; the organization's own working languages (in the
# database) choose which of these the switcher offers.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ko", "한국어"),
    ("en", "English"),
    ("ru", "Русский"),
    ("zh-hans", "中文"),
    ("de", "Deutsch"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# Hashed, compressed file names once `chapterhouse collectstatic` has written its
# manifest (production); plain names before that (development, tests), since
# the manifest storage cannot name a file it has not collected.
_MANIFEST = (STATIC_ROOT / "staticfiles.json").exists()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _MANIFEST and not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve files straight from the apps when they have not been collected.
WHITENOISE_USE_FINDERS = True
# A read-only deployment keeps STATIC_ROOT elsewhere and collects into it.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a proxy that redirects already this costs nothing (the proxy sets
# X-Forwarded-Proto, see SECURE_PROXY_SSL_HEADER); without one it is the redirect.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOG_LEVEL = env_choice(
    "LOG_LEVEL", "warning", ("debug", "info", "warning", "error", "critical")
).upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# --- Newsroom engagement: the view counter and comments ------------------------------------
# The view counter keeps readers in the cache only (no address is stored) and moves
# the counts into the database at most once per VIEWS_FLUSH_SECONDS. A cache in a
# process's own memory (no REDIS_URL) is invisible to the task worker, so by default
# such a process flushes its own counts; set VIEWS_FLUSH_IN_PROCESS to force either way.
VIEWS_FLUSH_SECONDS = env_int("VIEWS_FLUSH_SECONDS", 60, minimum=1)
VIEWS_FLUSH_IN_PROCESS: bool | None = (
    env_bool("VIEWS_FLUSH_IN_PROCESS") if env_str("VIEWS_FLUSH_IN_PROCESS") else None
)
# Proxies in front of the app: the reader's address is this many from the right of
# X-Forwarded-For (0: REMOTE_ADDR). Used only inside hashes.
CLIENT_PROXY_COUNT = env_int("PROXY_COUNT", 0)
# Comment flood limits: per address (hashed) and per article, in fixed windows (seconds).
COMMENTS_PER_ADDRESS = env_int("COMMENTS_PER_ADDRESS", 5)
COMMENTS_ADDRESS_WINDOW = env_int("COMMENTS_ADDRESS_WINDOW", 600, minimum=1)
COMMENTS_PER_ARTICLE = env_int("COMMENTS_PER_ARTICLE", 20)
COMMENTS_ARTICLE_WINDOW = env_int("COMMENTS_ARTICLE_WINDOW", 3600, minimum=1)
COMMENT_MAX_LENGTH = env_int("COMMENT_MAX_LENGTH", 5000, minimum=1)
