"""Settings for the NMT Portal, read from the environment (see README and .env.example)."""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is optional; real environment variables always win over it.
env.read_env(BASE_DIR / ".env")

# CORE

DEBUG = env.bool("DJANGO_DEBUG", default=False)
DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105 - refused outside debug

# Development falls back to a fixed key; production has none unless it is given one. Without it the
# web server refuses to start (nmt_portal/wsgi.py), `check --deploy` fails and anything that signs
# raises, while offline commands (makemigrations, collectstatic) still run on a build machine.
SECRET_KEY = env("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY if DEBUG else "")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Absolute address of the portal, for links in emails and calendar feeds (no request there).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "apps.core.apps.PortalAdminConfig",  # django.contrib.admin, as PortalAdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    # Third party
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "django_tasks_db",
    "simple_history",
    "import_export",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # Portal
    "apps.core",
    "apps.faq",
    "apps.inquiries",
    "apps.certifications",
    "apps.partners",
    "apps.events",
    "apps.library",
    "apps.accounts",
    "apps.credentials",
    "apps.learning",
]

MIDDLEWARE = [
    # A 304 when If-None-Match names the response's ETag (RFC 9110's comparison of whole tags), for
    # a page from the cache as for any other.
    "django.middleware.http.ConditionalGetMiddleware",
    # The public page cache, in two parts as Django's cache middleware is: this one, first, stores
    # what every other middleware made of a public page; FetchPublicPageMiddleware answers a hit.
    "apps.core.page_cache.UpdatePublicPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.PermissionsPolicyMiddleware",
    "apps.core.middleware.RobotsTagMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, CSRF and authentication: a public page from the cache needs none of them.
    "apps.core.page_cache.FetchPublicPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # allauth's sign-in stages, and the list of a person's sessions (for "sign out everywhere").
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns django-ratelimit's refusal into a friendly 429 page (RATELIMIT_VIEW).
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nmt_portal.urls"
WSGI_APPLICATION = "nmt_portal.wsgi.application"

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
                "django.template.context_processors.csp",
                "apps.core.context_processors.site",
            ],
        },
    },
]

# DATABASE

# Unset DATABASE_URL means the embedded SQLite file that `make run` uses out of the box;
# every other environment (CI, staging, production) names a PostgreSQL database.
USING_EMBEDDED_DATABASE = "DATABASE_URL" not in env
if USING_EMBEDDED_DATABASE:
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, leaving out the PostgreSQL-only indexes the models declare.
    DATABASES["default"]["ENGINE"] = "nmt_portal.sqlite"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    # Fail fast when PostgreSQL is away: a visitor gets the 503 page within seconds.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 3)
    # Behind PgBouncer in transaction mode a server-side cursor cannot outlive its transaction's
    # connection: set DATABASE_DISABLE_SERVER_SIDE_CURSORS=true there (and DATABASE_CONN_MAX_AGE=0).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHE

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, degrading to "no cache" while Redis is unreachable.
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="nmt"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Only staff have sessions; keeping them in PostgreSQL alone means a Redis outage never logs anyone out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Views marked @public_page are served to anonymous visitors from the cache (apps/core/page_cache.py).
# Saving any of PUBLIC_CONTENT_MODELS (app labels or app.model) invalidates them at once; the timeout
# bounds what changes without a save. 0 switches the page cache and the application form's fragment off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)
# The staff dashboard's figures aggregate every application: they are kept this long (0: live).
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=300)
PUBLIC_CONTENT_MODELS = [
    "core.sitesettings",
    "core.photo",
    "faq",
    "certifications.program",
    "certifications.programdocument",
    "certifications.renewaldocument",
    "certifications.certificate",
    "partners",
    "events",
    # The credit an event page offers, and the CE certificates /ce/verify/ shows (a revocation or a
    # purge must not wait for the cache's timeout).
    "learning.creditoffer",
    "learning.cecertificate",
    "library",
]

# AUTHENTICATION

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in by email code (django-allauth): the code is the credential, never a password.
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# People sign in at /accounts/login/ with a code sent to their address; staff sign in to the admin
# with their password (and their second factor) at /admin/login/.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"

# SIGN-IN BY EMAIL CODE (django-allauth; apps/accounts)

ACCOUNT_ADAPTER = "apps.accounts.adapter.AccountAdapter"
ACCOUNT_USER_DISPLAY = "apps.accounts.adapter.user_display"
ACCOUNT_FORMS = {"request_login_code": "apps.accounts.forms.RequestLoginCodeForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 3
# One address per person: a change is confirmed by a code sent to the new address, and the old
# address is told (EMAIL_NOTIFICATIONS).
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "NMT Portal: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
# Counted in the shared cache (Redis), per client address and per email address.
ACCOUNT_RATE_LIMITS = {
    "request_login_code": "20/h/ip,5/h/key",
    "confirm_email": "5/h/key",
    "change_email": "5/h/user",
    "reauthenticate": "10/h/user",
    "login_failed": "10/m/ip,5/5m/key",
}
# Accounts made for an address nobody confirmed are removed after this many hours.
ACCOUNTS_UNCONFIRMED_HOURS = env.int("ACCOUNTS_UNCONFIRMED_HOURS", default=24)
# Documents of rejected and withdrawn applications are deleted this many months after the decision
# (apps/accounts/privacy.py, the daily `purge_retained_documents`).
DOCUMENT_RETENTION_MONTHS = env.int("DOCUMENT_RETENTION_MONTHS", default=12)
# Staff accounts' second factor (allauth.mfa): an authenticator app, with recovery codes.
# They give it at the admin login's second step (apps/core/admin_site.py); site administrators must
# have one. A code typed as the app changes it still counts: the codes of the 30 seconds before and
# after are accepted too, each once.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Secrets stored encrypted (a key derived from SECRET_KEY); the admin never shows them.
MFA_ADAPTER = "apps.core.mfa.MFAAdapter"
MFA_TOTP_ISSUER = "NMT Portal"
MFA_TOTP_TOLERANCE = 1
USERSESSIONS_TRACK_ACTIVITY = False

# Staff login lockout (django-axes): repeated failures lock the username from that client, the client
# address being the rate limits' (CLIENT_IP_META_KEY below): behind a proxy, never the proxy's own.
AXES_CLIENT_IP_CALLABLE = "apps.core.ratelimits.client_ip"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_VERBOSE = False

# INTERNATIONALISATION

LANGUAGE_CODE = "en"
# One date and time style everywhere: "3 December 2026", "3 December 2026, 14:00 GMT".
FORMAT_MODULE_PATH = ["nmt_portal.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# STATIC FILES AND UPLOADS

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Applicant documents: never under a URL; only the permission-checked staff view reads them.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))

# Object storage (any S3-compatible store): a bucket set moves its files off this server's disk,
# so that several app servers share them. The private bucket must never allow anonymous reads.
S3_PRIVATE_BUCKET = env("S3_PRIVATE_BUCKET", default="")
S3_PUBLIC_BUCKET = env("S3_PUBLIC_BUCKET", default="")
_s3 = {
    "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
    "access_key": env("S3_ACCESS_KEY_ID", default="") or None,
    "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
    "region_name": env("S3_REGION", default="us-east-1"),
}
# Public media's base URL, such as https://media.example.org (a CDN or the bucket's own domain).
_public_url = urlsplit(env("S3_PUBLIC_URL", default=""))
_public_domain = {}
if _public_url.geturl():
    if _public_url.scheme not in {"http", "https"} or not _public_url.netloc:
        raise ImproperlyConfigured("S3_PUBLIC_URL must be an http(s) URL, such as https://media.example.org.")
    _public_domain = {
        "custom_domain": _public_url.netloc + _public_url.path.rstrip("/"),
        "url_protocol": f"{_public_url.scheme}:",
    }

STORAGES = {
    "default": (
        {
            "BACKEND": "apps.core.storage.PublicS3Storage",
            "OPTIONS": {**_s3, **_public_domain, "bucket_name": S3_PUBLIC_BUCKET},
        }
        if S3_PUBLIC_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "private": (
        {"BACKEND": "apps.core.storage.PrivateS3Storage", "OPTIONS": {**_s3, "bucket_name": S3_PRIVATE_BUCKET}}
        if S3_PRIVATE_BUCKET
        else {"BACKEND": "apps.core.storage.PrivateFileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}}
    ),
    "staticfiles": {
        "BACKEND": (
            "apps.core.storage.StaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Uploads beyond this are streamed to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# An application carries at most 8 files of 10 MB; leave room for the form fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

WHITENOISE_MAX_AGE = 3600 if not DEBUG else 0

# EMAIL (Django 6.1 mailers)

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="NMT Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_NOTIFICATION_EMAIL = env("STAFF_NOTIFICATION_EMAIL", default="staff@localhost")


def mailer_from_url(url):
    """Turn an EMAIL_URL (`smtp://user:pass@host:587`) into a MAILERS entry."""
    config = environ.Env.email_url_config(url)
    mailer = {"BACKEND": config["EMAIL_BACKEND"]}
    if config["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
        mailer["OPTIONS"] = {
            "host": config["EMAIL_HOST"],
            "port": config["EMAIL_PORT"] or None,
            "username": config["EMAIL_HOST_USER"] or None,
            "password": config["EMAIL_HOST_PASSWORD"] or None,
            "use_tls": config.get("EMAIL_USE_TLS", False),
            "use_ssl": config.get("EMAIL_USE_SSL", False),
            "timeout": 20,
        }
    elif config["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
        # filemail:///var/mail/nmt is an absolute path; django-environ drops its leading slash.
        mailer["OPTIONS"] = {"file_path": urlsplit(url).path}
    return mailer


EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    MAILERS = {"default": mailer_from_url(EMAIL_URL)}
elif DEBUG:
    MAILERS = {"default": mailer_from_url("consolemail://")}
else:
    # Production without EMAIL_URL: the web server refuses to start, and a worker's email tasks fail
    # (and retry) rather than print applicants' mail to the log or drop it.
    MAILERS = {"default": {"BACKEND": "apps.core.mail.UnconfiguredEmailBackend"}}

# BACKGROUND TASKS (django-tasks-db; run `manage.py db_worker`)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# SECURITY

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
_secure_cookies = env.bool("DJANGO_SECURE_COOKIES", default=SECURE_SSL_REDIRECT)
SESSION_COOKIE_SECURE = _secure_cookies
CSRF_COOKIE_SECURE = _secure_cookies
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day for staff
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# CREDENTIALS (Open Badges 3.0; apps/credentials/keys.py)

# The issuer's Ed25519 signing keys, as a JSON key file that `manage.py issuer_keys create` writes
# (mode 0600; back it up: credentials signed with a lost key can no longer be verified). Platforms
# that pass secrets as environment give the same JSON text in CREDENTIALS_KEYS instead, which takes
# precedence over the file. Never in the database. The issuer is did:web on SITE_URL's host.
CREDENTIALS_KEYS_FILE = Path(env("CREDENTIALS_KEYS_FILE", default=str(BASE_DIR / "var" / "issuer-keys.json")))
CREDENTIALS_KEYS = env("CREDENTIALS_KEYS", default="")

# MAPS (issue: partners)

MAP_TILE_URL = env("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
_tiles = urlsplit(MAP_TILE_URL)
# The CSP source for tiles: "https://{s}.tile.example.org" becomes "https://*.tile.example.org".
MAP_TILE_ORIGIN = f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}"

# Content Security Policy: no inline script or style anywhere. Pages use no nonce, so the
# header is the same for every request and cached pages stay valid; the nonce is there for
# the rare third-party template that asks for one.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", MAP_TILE_ORIGIN],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# FORMS

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# RATE LIMITS (django-ratelimit, counted in the default cache)

RATELIMIT_VIEW = "apps.core.views.rate_limited"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
# While Redis is unreachable the counters are unknown: serve people rather than refuse everyone.
RATELIMIT_FAIL_OPEN = True
# The client's address (apps/core/ratelimits.py), for the rate limits and the staff login lockout
# alike: behind a proxy, the request header it puts the address in (HTTP_X_REAL_IP), never REMOTE_ADDR.
CLIENT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", default="REMOTE_ADDR")
RATELIMIT_IP_META_KEY = "apps.core.ratelimits.client_ip"
RATELIMIT_IPV4_MASK = 32
RATELIMIT_IPV6_MASK = 64
SILENCED_SYSTEM_CHECKS = [
    # Django's own RedisCache (ours extends it) increments atomically; django-ratelimit lists only django-redis.
    "django_ratelimit.W001",
]
if not REDIS_URL:
    # Without Redis the counters live per process: fine for `make run`, not for production.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# IMPORT / EXPORT

IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# LOGGING: structured enough to read, and never a request body or an applicant's details.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "apps.core.logging.RedactPrivateTokens"}},
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Django's own handlers (a debug-only console, mail to ADMINS, runserver's request lines)
        # would print paths unredacted: everything goes through the redacting console instead.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Its DEBUG records print whole template contexts, applicants' details included.
        "django.template": {"level": "INFO"},
    },
}
