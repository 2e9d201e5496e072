"""Django settings, read from the environment (Wagtail's plain `os.environ` style).

Defaults are the embedded mode: SQLite and a generated secret key in the data directory
(`./var`), served on 127.0.0.1 with no server to install. Every variable read here:

- `DATABASE_URL` (e.g. `postgres://user:pass@host/db`), `CONN_MAX_AGE` (seconds, default 60),
  `SECRET_KEY`, `ALLOWED_HOSTS` and `CSRF_TRUSTED_ORIGINS` (comma-separated),
  `OPENPEACE_DATA_DIR`, `DEBUG` (`1`/`0`, default off), `LOG_LEVEL` (default INFO);
- `OPENPEACE_SITE_URL` (e.g. `https://peace.example`): the site's public address, for what
  leaves it (mails, webhooks, feed ids, open-data links); `openpeace serve` sets it to the
  address it listens on when it is not set;
- `FORWARDED_ALLOW_IPS` (comma-separated; default 127.0.0.1 and ::1): the reverse proxies
  trusted to name the client in `X-Forwarded-For` (gunicorn's setting, read here too);
- `OPENPEACE_HTTPS=1` behind TLS: secure cookies, HSTS and the HTTPS redirect, so that
  `openpeace check --deploy` passes;
- the transparency log: `OPENPEACE_LOG_ORIGIN`, `OPENPEACE_LOG_SIGNING_KEY`,
  `OPENPEACE_LOG_DIRECTORY` (also publish its files there), `OPENPEACE_LOG_INTERVAL`
  (seconds between integrations, default 0.2);
- background work: `OPENPEACE_TASKS_BACKEND` (`rq` and `REDIS_URL` at scale),
  `OPENPEACE_OUTBOX_LEASE` (seconds a sender holds what it claimed, default 300),
  `OPENPEACE_WEBHOOKS_ALLOW_PRIVATE=1` (webhooks to private addresses too);
- endorsements: `OPENPEACE_TALLY_INTERVAL` and `OPENPEACE_TALLY_LAG` (seconds, default 60
  and 10), `OPENPEACE_ENDORSE_PER_ADDRESS` and `OPENPEACE_ENDORSE_PER_NETWORK` (submissions
  per offer in the checks' window, default 5 and 50), `OPENPEACE_ENDORSE_FAST_PATH=0` (Django
  answers the endorsement's requests too, on PostgreSQL: `publicity.fast_path`);
- e-mail: `EMAIL_BACKEND`, `EMAIL_HOST`, `EMAIL_PORT`, `DEFAULT_FROM_EMAIL` (default: files
  in `DATA_DIR/outbox`);
- request bodies: `OPENPEACE_MAX_BODY` (bytes, default 2.5 MiB, Django's own) for every
  request but one: a plebiscite's public credentials, of which one request publishes up to
  `OPENPEACE_MAX_ELECTORATE` (default 200,000), a body of 80 bytes each.

`openpeace serve` reads `HOST`, `PORT` and `WEB_CONCURRENCY` (gunicorn's workers) for its
options' defaults.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Django's generic classes take their type arguments at run time too (`ModelAdmin[Offer]`).
django_stubs_ext.monkeypatch()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("OPENPEACE_DATA_DIR", Path.cwd() / "var")).resolve()


def _secret_key() -> str:
    """The configured key, else one generated once into the data directory (never printed)."""
    if configured := os.environ.get("SECRET_KEY"):
        return configured
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _flag("DEBUG")
ALLOWED_HOSTS = _list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS", "")

HTTPS = _flag("OPENPEACE_HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "openpeace.web",
    "openpeace.world",
    "openpeace.log",
    "openpeace.diplomacy",
    "openpeace.selfdetermination",
    "openpeace.treaties",
    "openpeace.plebiscites",
    "openpeace.publicity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "openpeace.web.http.ContentSecurityPolicy",
    "openpeace.web.middleware.RefuseNulCharacters",
    "openpeace.web.http.ApiAnswers",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "openpeace.web.middleware.VaryOnLanguageOnlyForPages",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "openpeace.web.middleware.ErrorTitle",
    # The method, then the body's size, judged before the CSRF check reads a form.
    "openpeace.web.http.RefuseMethodsNotTaken",
    "openpeace.web.http.RefuseBodiesTooLarge",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "openpeace.urls"
CSRF_FAILURE_VIEW = "openpeace.web.views.csrf_failure"
WSGI_APPLICATION = "openpeace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'openpeace.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN,
    # so two writers queue instead of failing with "database is locked" halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Request bodies, refused 413 past their limit (web.http.RefuseBodiesTooLarge). A plebiscite's
# credential list is the one large document: a whole electorate's public credentials, in one
# request, as one log entry (docs/plebiscite-spec.md §7). Each takes 80 bytes: 64 hex digits,
# their quotes and comma, and room for a newline and an indent; 64 KiB is for the rest. The API
# schema's maximum is OPENPEACE_MAX_ELECTORATE. Django's own limit is the largest, so that its
# bare 400 never answers first.
OPENPEACE_MAX_BODY = int(os.environ.get("OPENPEACE_MAX_BODY", str(2_621_440)))
OPENPEACE_MAX_ELECTORATE = int(os.environ.get("OPENPEACE_MAX_ELECTORATE", "200000"))
_CREDENTIAL_BYTES = 80
OPENPEACE_LARGE_BODIES = {
    "api:credentials_publish": 65_536 + _CREDENTIAL_BYTES * OPENPEACE_MAX_ELECTORATE,
}
DATA_UPLOAD_MAX_MEMORY_SIZE = max(OPENPEACE_MAX_BODY, *OPENPEACE_LARGE_BODIES.values())

OPENPEACE_DEFAULT_SITUATION = PACKAGE_DIR / "situations" / "1917-11.yaml"
# The secret treaties of the 1917 default, entered secret with it.
OPENPEACE_DEFAULT_TREATIES = PACKAGE_DIR / "situations" / "1917-11-treaties.yaml"
# The demands of the Ukrainians and the Finns in 1917, played by `openpeace demo replay-1917`.
OPENPEACE_DEFAULT_DEMANDS = PACKAGE_DIR / "situations" / "1917-11-demands.yaml"

# Endorsements (publicity): the mail-domain rules behind "one person once"; the tally job's
# interval and lag in seconds (counts are published every interval, for changes older than
# the lag); the limits past which the checks mark an endorsement suspect: at most N
# submissions per offer from one address, and from one /24 or /48 network, in the window.
OPENPEACE_MAIL_RULES = PACKAGE_DIR / "publicity" / "mail-rules.yaml"
OPENPEACE_TALLY_INTERVAL = float(os.environ.get("OPENPEACE_TALLY_INTERVAL", "60"))
OPENPEACE_TALLY_LAG = dt.timedelta(seconds=float(os.environ.get("OPENPEACE_TALLY_LAG", "10")))
OPENPEACE_ENDORSE_WINDOW = dt.timedelta(seconds=300)
# The proxies whose X-Forwarded-For names the endorser's address (gunicorn's own setting).
OPENPEACE_TRUSTED_PROXIES = frozenset(
    a.strip() for a in os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1").split(",")
    if a.strip()
)
OPENPEACE_ENDORSE_PER_ADDRESS = int(os.environ.get("OPENPEACE_ENDORSE_PER_ADDRESS", "5"))
OPENPEACE_ENDORSE_PER_NETWORK = int(os.environ.get("OPENPEACE_ENDORSE_PER_NETWORK", "50"))
OPENPEACE_ENDORSE_FAST_PATH = _flag("OPENPEACE_ENDORSE_FAST_PATH", default=True)
# Webhooks and e-mail follows: how long a sender holds the deliveries it claimed before another
# may take them over (seconds), and whether webhooks may go to private or loopback addresses
# (an intranet, the tests); by default only to public ones.
OPENPEACE_OUTBOX_LEASE = float(os.environ.get("OPENPEACE_OUTBOX_LEASE", "300"))
OPENPEACE_WEBHOOKS_ALLOW_PRIVATE = _flag("OPENPEACE_WEBHOOKS_ALLOW_PRIVATE")
# The public address of the site: the links in e-mails and webhooks, and the permanent ids and
# links of the feeds and the open data, whatever host a request used.
OPENPEACE_SITE_URL = os.environ.get("OPENPEACE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The transparency log: its origin (default: the first allowed host, then "/log") and its
# signing key as a signed-note PRIVATE+KEY+... string (default: generated into DATA_DIR).
OPENPEACE_LOG_ORIGIN = os.environ.get("OPENPEACE_LOG_ORIGIN", "")
OPENPEACE_LOG_SIGNING_KEY = os.environ.get("OPENPEACE_LOG_SIGNING_KEY", "")
# A directory the integrator also publishes the log's files to (for a static server), if set.
OPENPEACE_LOG_DIRECTORY = os.environ.get("OPENPEACE_LOG_DIRECTORY", "")
# Seconds between integrations when `openpeace integrate --follow` runs (serve starts it).
OPENPEACE_LOG_INTERVAL = float(os.environ.get("OPENPEACE_LOG_INTERVAL", "0.2"))

# Background work goes through the Django Tasks API. The default backend keeps the queue in the
# database, so a task enqueued in an act's transaction commits with it (a transactional outbox);
# `openpeace serve` runs the worker (`db_worker`). At scale, `OPENPEACE_TASKS_BACKEND=rq` keeps
# it in Redis (`REDIS_URL`), pushed when the act commits, drained by `openpeace rqworker`
# (see openpeace/task_backends.py). Any other value is a backend's dotted path.
_TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "openpeace.task_backends.RQBackend",
    # The package's own backend pushes at once, even from a transaction that then rolls back.
    "django_tasks_rq.RQBackend": "openpeace.task_backends.RQBackend",
}
_tasks_backend = os.environ.get("OPENPEACE_TASKS_BACKEND", "").strip() or "database"
TASKS = {"default": {"BACKEND": _TASKS_BACKENDS.get(_tasks_backend, _tasks_backend)}}
if TASKS["default"]["BACKEND"] == _TASKS_BACKENDS["rq"]:
    REDIS_URL = os.environ.get("REDIS_URL", "").strip()
    if not REDIS_URL:
        raise ImproperlyConfigured(
            f"OPENPEACE_TASKS_BACKEND={_tasks_backend} puts the task queue in Redis: "
            "set REDIS_URL too (e.g. redis://127.0.0.1:6379/0)"
        )
    INSTALLED_APPS.append("django_rq")  # its management commands: rqworker, rqstats, ...
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}  # runs the Task a job names (`rqworker` uses it)

# E-mail: written to files in the data directory unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "outbox"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "openpeace@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"secrets": {"()": "openpeace.web.redact.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["secrets"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
