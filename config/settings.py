"""Django settings: every value comes from the environment (see README)."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from cryptography.fernet import Fernet

from config.env import (
    ConfigurationError,
    env_bool,
    env_email_url,
    env_host_ports,
    env_int,
    env_list,
    env_str,
    env_url,
    secret_key_weakness,
)
from config.private_files import private_directory, private_file, private_sqlite_database
from destinations.salesforce.transport import (
    DEFAULT_TIMEOUT,
    DEFAULT_WRITE_TIMEOUT,
    REQUEST_TIME_LIMIT,
    longest_call,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# Runtime files of the embedded install (SQLite database, generated secret).
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
private_directory(VAR_DIR)

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    configured = env_str("SECRET_KEY")
    if configured:
        if not DEBUG:
            weakness = secret_key_weakness(configured)
            if weakness:
                raise ConfigurationError(
                    f"SECRET_KEY is too weak: {weakness}. Set it to a long random string, such as the "
                    'output of: python -c "import secrets; print(secrets.token_urlsafe(50))"'
                )
        return configured
    if not DEBUG:
        raise ConfigurationError(
            "SECRET_KEY is not set. Set it to a long random string, "
            "or set DEBUG=1 to use a generated development key."
        )
    # Persisted so that every process of one install (web workers, queue
    # workers) and every restart signs sessions with the same key.
    key_file = VAR_DIR / "development-secret-key"
    if not key_file.exists():
        private_file(key_file)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _field_encryption_keys() -> list[str]:
    configured = env_list("FIELD_ENCRYPTION_KEY", [])
    if not configured:
        if not DEBUG:
            raise ConfigurationError(
                "FIELD_ENCRYPTION_KEY is not set. Set it to one or more Fernet keys separated by commas "
                '(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"), '
                "or set DEBUG=1 to use a generated development key."
            )
        key_file = VAR_DIR / "development-field-encryption-key"
        if not key_file.exists():
            private_file(key_file)
            key_file.write_text(Fernet.generate_key().decode())
        configured = [key_file.read_text().strip()]
    for position, key in enumerate(configured, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            raise ConfigurationError(
                f"FIELD_ENCRYPTION_KEY: key {position} is not a Fernet key (32 url-safe base64-encoded bytes)"
            ) from None
    return configured


# Encrypts Salesforce tokens at rest; the first key encrypts, all decrypt.
FIELD_ENCRYPTION_KEYS = _field_encryption_keys()

# The address `make serve` listens on; unless told otherwise, users and
# Salesforce's OAuth callback reach the product there.
BIND = env_str("BIND", "127.0.0.1:8000") or "127.0.0.1:8000"
PUBLIC_URL = env_url("PUBLIC_URL", f"http://{BIND}")
_public_host = urlsplit(PUBLIC_URL).hostname or "127.0.0.1"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [_public_host, "127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = [PUBLIC_URL]
if PUBLIC_URL.startswith("https://"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Load balancers and orchestrators probe the processes directly over
    # plain http; a redirect would read as "not ready".
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    # A year, as browsers' preload lists ask; an install served over https
    # has no business being reached over plain http again.
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Asking browsers to hard-code the domain (preload) is its owner's
    # decision, not this app's: the deployment check's reminder is silenced.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# A strict Content-Security-Policy on every page: scripts, styles, images
# and connections from our own origin only, no inline script or handler, no
# framing. Templates keep all JS in static/js (tests/test_templates_csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "django_htmx",
    "csp",
    "template_partials",
    # Before django_q: its own `qcluster` command wraps django-q2's.
    "config",
    "django_q",
    "workspaces",
    "sources",
    "salesforce_emulator",
    "destinations",
    "actions",
    "deliveries",
    "monitoring",
    "replays",
    "alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.cache_control.NoStore",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "monitoring.middleware.LogContextMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ConfigurationError(f"DATABASE_URL is not a database URL we understand: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # IMMEDIATE takes the write lock when a transaction starts, so two
            # writers queue on the busy timeout instead of failing mid-way.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # WAL lets readers run beside the writer; FULL makes a commit
            # durable before intake answers 200.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        }
        # A file, not memory, so that a test's live server threads each get
        # their own connection and contend for the write lock as in production.
        config["TEST"] = {"NAME": str(Path(config["NAME"]).with_suffix(".test.sqlite3"))}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_HEALTH_CHECKS"] = True
    return config


_default_database = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": _database(env_str("DATABASE_URL", _default_database) or _default_database)}
if (
    DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    and DATABASES["default"]["NAME"] != ":memory:"
):
    # Created 0600 before SQLite opens it, so its WAL and SHM files are 0600 too.
    private_sqlite_database(Path(DATABASES["default"]["NAME"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and urlsplit(REDIS_URL).scheme not in ("redis", "rediss", "unix"):
    raise ConfigurationError(f"REDIS_URL must be a redis://, rediss:// or unix:// URL; got {REDIS_URL!r}")

# Sign-in rate limits are counted in the cache, so every web worker must see
# the same count: the database by default (`manage.py createcachetable`, run
# by `make migrate`), Redis when there is one.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}
    }

# django-q2 only rings the doorbell: our own retry policy decides when a
# delivery is tried again, so the broker never re-delivers a task by itself
# (max_attempts=1) and its retry window is longer than any task may run.
# Salesforce ends a synchronous API request (a query, an sObject Collections
# write) after ten minutes. A write waits for its answer that long (and a
# little more): given up on sooner, it may still be carried out, and the
# sender could only report its outcome as unknown. Tests shorten both.
SALESFORCE_REQUEST_TIME_LIMIT_SECONDS = REQUEST_TIME_LIMIT
SALESFORCE_WRITE_TIMEOUT_SECONDS = DEFAULT_WRITE_TIMEOUT
# A sender starts no Salesforce call after this many seconds of work; what it
# has not sent by then stays due and a fresh task carries on.
SENDER_MAX_RUN_SECONDS = 240
# The queue kills a task that runs longer than its timeout, whatever it is
# doing: a sender killed in the middle of a write could not record what
# Salesforce did. So the timeout is derived from the longest a sender can run
# (its last call starts just before its deadline and takes as long as a call
# can), with a minute to spare for recording; a task is handed out again only
# after the timeout (django-q2 wants ``retry`` above ``timeout``).
SENDER_LONGEST_RUN_SECONDS = SENDER_MAX_RUN_SECONDS + longest_call(
    DEFAULT_TIMEOUT, SALESFORCE_WRITE_TIMEOUT_SECONDS
)
QUEUE_TASK_TIMEOUT_SECONDS = int(SENDER_LONGEST_RUN_SECONDS) + 60

_QUEUE_WORKERS = env_int("QUEUE_WORKERS", 2, minimum=1, maximum=64)
Q_CLUSTER: dict[str, Any] = {
    "name": "salesforce-destination",
    "workers": _QUEUE_WORKERS,
    # Tasks a cluster takes from the broker ahead of its workers (django-q2's
    # default is workers squared): with several clusters, one that took the
    # lanes of a busy action ahead would send them one after another while
    # the others wait.
    "queue_limit": _QUEUE_WORKERS,
    "timeout": QUEUE_TASK_TIMEOUT_SECONDS,
    "retry": QUEUE_TASK_TIMEOUT_SECONDS + 60,
    "max_attempts": 1,
    "ack_failures": True,
    "catch_up": False,
    # Successful tasks are not stored: each send's outcome is in Data Out, and
    # storing them (pruned to a limit) cost the cluster more CPU than a small
    # send. Failed tasks are still stored.
    "save_limit": -1,
    "poll": 0.5,
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# The longest intake waits for a database lock before it answers 503 with
# Retry-After: under the client libraries' 15 s request timeout, so that a
# client gets an answer and retries instead of timing out. Workers keep the
# longer SQLite busy timeout above.
INTAKE_DB_WAIT_SECONDS = env_int("INTAKE_DB_WAIT_SECONDS", 5, minimum=1, maximum=12)

# Salesforce. With no client id, the product connects to its built-in
# emulator as a demo org.
SALESFORCE_CLIENT_ID = env_str("SALESFORCE_CLIENT_ID")
SALESFORCE_CLIENT_SECRET = env_str("SALESFORCE_CLIENT_SECRET")
SALESFORCE_LOGIN_URL = env_url("SALESFORCE_LOGIN_URL", "https://login.salesforce.com")
SALESFORCE_SANDBOX_LOGIN_URL = env_url("SALESFORCE_SANDBOX_LOGIN_URL", "https://test.salesforce.com")
SALESFORCE_API_VERSION = env_str("SALESFORCE_API_VERSION", "62.0")
if not re.fullmatch(r"\d{2,3}\.0", SALESFORCE_API_VERSION):
    raise ConfigurationError(f"SALESFORCE_API_VERSION must look like 62.0; got {SALESFORCE_API_VERSION!r}")
# host:port values besides Salesforce's own domains that may serve OAuth and
# the API, plain http allowed (the emulator).
SALESFORCE_EXTRA_INSTANCE_HOSTS = env_host_ports("SALESFORCE_EXTRA_INSTANCE_HOSTS")
# Set by `manage.py serve` when it runs the built-in emulator as the demo org,
# so that every page showing a destination says it is a demo.
SALESFORCE_DEMO = env_bool("SALESFORCE_DEMO", False)
# Seconds an org's cached describe answers (objects, fields) are used before
# they are read again; the destination page also has a refresh button.
SALESFORCE_DESCRIBE_MAX_AGE = env_int("SALESFORCE_DESCRIBE_MAX_AGE", 3600, minimum=1, maximum=7 * 24 * 3600)

# Deliveries.
DELIVERY_RETRY_HOURS = env_int("DELIVERY_RETRY_HOURS", 4, minimum=0, maximum=24 * 7)
DELIVERY_CHUNK_SIZE = env_int("DELIVERY_CHUNK_SIZE", 1000, minimum=1, maximum=10_000)
# A file to which each sent chunk appends the number of SQL statements it ran
# (the benchmark reads it); empty: nothing is counted.
DELIVERY_STATEMENT_LOG = env_str("DELIVERY_STATEMENT_LOG")
# Lanes an action's deliveries are spread over (by the record they are
# about), each with a sender of its own: one busy action keeps this many
# workers sending. By default, the workers of one cluster.
DELIVERY_LANES = env_int("DELIVERY_LANES", Q_CLUSTER["workers"], minimum=1, maximum=64)
# A REST chunk smaller than one Collections call (200 records) waits until
# its oldest delivery has been due this long, for more to join it: a steady
# trickle then costs a lookup and a write per second's worth of events, not
# per intake request. 0 sends at once. (Sends made outside the queue, such
# as `manage.py send`, never wait.)
DELIVERY_REST_LINGER_MS = env_int("DELIVERY_REST_LINGER_MS", 1000, minimum=0, maximum=60_000)
# How long a destination pauses when Salesforce says the org's request quota
# is spent and gives no hint of when it comes back (the daily limit is a
# rolling 24 hours, so looking again every quarter hour costs one call).
DELIVERY_QUOTA_PAUSE_SECONDS = env_int("DELIVERY_QUOTA_PAUSE_SECONDS", 900, minimum=1, maximum=24 * 3600)
# A Bulk action's due deliveries are sent as one job when its batch size is
# reached, or when the oldest has waited this long (so a quiet source is not
# held back).
DELIVERY_BULK_MAX_WAIT_SECONDS = env_int("DELIVERY_BULK_MAX_WAIT_SECONDS", 10, minimum=0, maximum=3600)
# Largest Bulk upload, in bytes of CSV; a larger batch is split into several jobs.
DELIVERY_BULK_UPLOAD_MAX_BYTES = 100 * 1024 * 1024
# The bearer token /metrics asks for; unset, /metrics does not exist (404).
METRICS_TOKEN = env_str("METRICS_TOKEN")
DATA_RETENTION_DAYS = env_int("DATA_RETENTION_DAYS", 30, minimum=1, maximum=3650)
# How long a source's messageId is refused as a duplicate after it came. The
# ids (not the events) are kept this long, beyond the events' own retention,
# so that a client or a replay sending an old batch again after its events
# were pruned does not have it sent to Salesforce a second time. Client
# libraries retry for at most 12 hours; a week beyond retention covers
# re-runs of a failed export as well.
DEDUP_DAYS = env_int(
    "DEDUP_DAYS", DATA_RETENTION_DAYS + 7, minimum=DATA_RETENTION_DAYS + 1, maximum=3650 + 365
)

# Sources: after a write key is rotated, the previous one keeps working this
# long, so that senders can be moved to the new key without losing events.
WRITE_KEY_GRACE_HOURS = env_int("WRITE_KEY_GRACE_HOURS", 24, minimum=0, maximum=24 * 30)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# An address is proved before it signs in or joins a workspace: membership is
# granted to addresses, so an unproved one would let anyone claim another's.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_ADAPTER = "workspaces.adapter.AccountAdapter"
SIGNUP_OPEN = env_bool("SIGNUP_OPEN", True)
# Days an emailed invitation to a workspace can be accepted.
INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 7, minimum=1, maximum=90)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# Mail (password resets, invitations) goes out through the SMTP server that
# EMAIL_URL names. Without one, a development install prints mail to the
# console; a production one sends nothing at all (a reset link in a server log
# is an account takeover for whoever reads it), and the pages that would send
# mail say it is not set up (config/mail.py).
_email = env_email_url("EMAIL_URL")
EMAIL_CONFIGURED = _email is not None
DEFAULT_FROM_EMAIL = f"noreply@{_public_host}"
if _email is not None:
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
    EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"]
    DEFAULT_FROM_EMAIL = _email.get("DEFAULT_FROM_EMAIL", DEFAULT_FROM_EMAIL)
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
# Alert webhooks may post to private and loopback addresses (a receiver on
# the same host): only for development and tests.
ALERT_WEBHOOK_ALLOW_PRIVATE = env_bool("ALERT_WEBHOOK_ALLOW_PRIVATE", DEBUG)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True

# text: readable lines; json: one JSON object per line, for log shippers.
LOG_FORMAT = env_str("LOG_FORMAT", "text").lower()
if LOG_FORMAT not in ("text", "json"):
    raise ConfigurationError(f"LOG_FORMAT must be text or json; got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "monitoring.json_logs.JsonFormatter"},
    },
    # No write key reaches a log line, whatever logged it (config/log_redaction.py).
    "filters": {"redact_write_keys": {"()": "config.log_redaction.RedactWriteKeys"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact_write_keys"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    # Django's own console handler (plain text, under DEBUG) would repeat
    # each of its lines beside ours; its lines reach ours through the root.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
