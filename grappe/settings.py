"""Grappe settings: one module, driven by the environment.

Nothing configured gives the embedded default: SQLite, Celery tasks run eagerly in
process, e-mail printed to the console. Production sets DATABASE_URL (PostgreSQL),
REDIS_URL (Celery broker), SECRET_KEY, ALLOWED_HOSTS and DEBUG=0.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from grappe.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "accounts",
    "dossiers",
    "dossiers.eligibility",
    "portals",
    "workers",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "webhooks",
    "grouping",
    "exports",
    "aids",
    "costs",
    "providers",
    "guides",
    "intake",
    "demo",
    "timerules",
    "reading",
]

MIDDLEWARE = [
    # First: a body too large is refused before any other middleware reads it.
    "grappe.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "grappe.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lock-out into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "grappe.urls"
WSGI_APPLICATION = "grappe.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

# --- Database: SQLite unless DATABASE_URL says otherwise --------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured(f"DATABASE_URL scheme not supported: {DATABASE_URL!r}")
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    SQLITE_PATH = Path(env_str("SQLITE_PATH", str(BASE_DIR / "var" / "grappe.sqlite3")))
    # SQLite creates the file, not its directory: `manage.py migrate` works on a fresh clone.
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            # Writers queue instead of failing at once with "database is locked".
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # First: refuses to authenticate a locked-out username/address pair.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "portals:login"
LOGIN_REDIRECT_URL = "portals:home"
LOGOUT_REDIRECT_URL = "portals:login"
# Password-reset and invitation links stay valid three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# --- Lock-out after repeated failed logins (django-axes) -----------------------------------
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
# A username from one address: a wrong guess elsewhere cannot lock a person out everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portals/accounts/locked_out.html"
# The address is REMOTE_ADDR (django-ipware is not installed): behind a reverse proxy every
# client shares the proxy's address, which leaves a lock-out per username, still effective.

# Beyond axes (docs/rules.md#login-throttling): failed logins per address and window, and
# how many passwords one process hashes at once (Argon2 takes about 100 MiB each).
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 20)
LOGIN_IP_WINDOW_MINUTES = env_int("LOGIN_IP_WINDOW_MINUTES", 15)
LOGIN_HASH_CONCURRENCY = env_int("LOGIN_HASH_CONCURRENCY", 4)
LOGIN_HASH_WAIT_SECONDS = env_int("LOGIN_HASH_WAIT_SECONDS", 5)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and formats: French first, English available ------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# English dates day first (grappe/formats/en): 7 December 2026, never 12/07/2026.
FORMAT_MODULE_PATH = ["grappe.formats"]

# --- Files ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
STORAGES = {
    # Uploaded supporting documents: a private directory, never under a public URL.
    # They are only ever served by a view that checks the user may see them.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env_str("PRIVATE_STORAGE_ROOT", str(BASE_DIR / "var" / "private")),
            "base_url": None,
        },
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = None
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# ZIP-based office files are inspected within these limits (docs/rules.md#zip-bombs): an
# ordinary Word, Excel or OpenDocument file of 10 MB stays far below them.
UPLOAD_ARCHIVE_MAX_ENTRIES = env_int("UPLOAD_ARCHIVE_MAX_ENTRIES", 5_000)
UPLOAD_ARCHIVE_MAX_ENTRY_BYTES = env_int("UPLOAD_ARCHIVE_MAX_ENTRY_BYTES", 64 * 1024 * 1024)
UPLOAD_ARCHIVE_MAX_TOTAL_BYTES = env_int("UPLOAD_ARCHIVE_MAX_TOTAL_BYTES", 128 * 1024 * 1024)
UPLOAD_ARCHIVE_MAX_RATIO = env_int("UPLOAD_ARCHIVE_MAX_RATIO", 100)
UPLOAD_ARCHIVE_RATIO_FLOOR_BYTES = 1024 * 1024
# Request bodies (docs/rules.md#request-bodies): a body announcing more than the largest
# upload plus its form fields is refused from its Content-Length, before it is read; an
# upload above FILE_UPLOAD_MAX_MEMORY_SIZE streams to a temporary file, never into memory.
REQUEST_MAX_BYTES = UPLOAD_MAX_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default: form fields, never files
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
# A federation's member sheet: 100 000 rows of .csv weigh about 20 MB.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024

# --- Celery: Redis when REDIS_URL is set, eager in-process otherwise ---------------------
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "light"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
# Long work never shares a worker slot with e-mails: a ten-minute build delays no notice.
CELERY_TASK_ROUTES = {
    "jobs.build_documents": {"queue": "heavy"},
    "jobs.run_grouping": {"queue": "heavy"},
    "jobs.purge_drafts": {"queue": "heavy"},
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis hands an unacknowledged message to another worker after this long. It must
    # exceed the longest retry delay (10 minutes): a delayed retry is held unacknowledged.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "socket_connect_timeout": 5,
    "socket_timeout": 10,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A job keeps running when the broker connection drops: its redelivered message then finds
# the job running or done and does nothing (workers.jobs claims are idempotent).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# A user's click never waits long for a broker that is down: give up within a second, the
# job row stays queued and the reconciler sends it again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

# --- Background jobs and periodic work (workers/) ------------------------------------------
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 15)
JOB_STALE_AFTER_SECONDS = env_int("JOB_STALE_AFTER_SECONDS", 120)
JOB_REDISPATCH_AFTER_SECONDS = env_int("JOB_REDISPATCH_AFTER_SECONDS", 900)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 5)
JOB_RETRY_BACKOFF_SECONDS = env_int("JOB_RETRY_BACKOFF_SECONDS", 5)
DEADLINE_REMINDER_DAYS = env_int("DEADLINE_REMINDER_DAYS", 7)
DOCUMENT_EXPIRY_WARNING_DAYS = env_int("DOCUMENT_EXPIRY_WARNING_DAYS", 14)
DRAFT_RETENTION_DAYS = env_int("DRAFT_RETENTION_DAYS", 3 * 365)

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Grappe <noreply@grappe.localhost>")
# The site's address as its users reach it: e-mails link to pages with it (grappe.links).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL must be an absolute http(s) address: {SITE_URL!r}")

# --- Security: strict by default outside DEBUG -------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# HTML pages: no inline script or style, nothing from elsewhere, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Cache: Redis when REDIS_URL is set (shared by every process), in-process otherwise ----
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- REST API for funders and federations (api/) ----------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.NewestFirstCursor",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Grappe API",
    "DESCRIPTION": "Funders and federations: bundles, decisions, requests, jobs and webhooks.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "RequestStateEnum": "dossiers.models.RequestState.choices",
        "BundleStateEnum": "grouping.models.BundleState.choices",
        "WebhookEventEnum": "webhooks.models.Event.choices",
        "ProjectCategoryEnum": "api.serializers.costs.PROJECT_TYPES",
    },
}
# Requests per token, e.g. "600/minute" (DRF throttle syntax); answered 429 with Retry-After.
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/minute")
# How long a POST's Idempotency-Key is remembered.
API_IDEMPOTENCY_TTL_HOURS = env_int("API_IDEMPOTENCY_TTL_HOURS", 24)

# --- Webhooks (webhooks/) ---------------------------------------------------------------
# Private, loopback, link-local and reserved targets are refused unless this is set
# (a development receiver on the same machine).
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=False)
WEBHOOKS_TIMEOUT_SECONDS = env_int("WEBHOOKS_TIMEOUT_SECONDS", 10)
WEBHOOKS_MAX_ATTEMPTS = env_int("WEBHOOKS_MAX_ATTEMPTS", 8)
WEBHOOKS_DISABLE_AFTER_FAILURES = env_int("WEBHOOKS_DISABLE_AFTER_FAILURES", 20)
