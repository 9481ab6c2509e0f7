"""Settings for 乡镇人大主席团工作平台.

Everything comes from environment variables (or a ``.env`` file beside ``manage.py``) with
defaults that run the whole product on one machine with no services: SQLite for data and kombu's
filesystem transport as the Celery broker. Set ``DATABASE_URL`` and ``REDIS_URL`` for production.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_HASHES, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)

_INSECURE_KEY = "django-insecure-dev-only-key-never-use-in-production-0123456789abcdef"
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("生产模式(DEBUG=0)必须通过环境变量 SECRET_KEY 设置密钥。")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "congress.admin_site.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "congress",
    "deputies",
    "liaison_stations",
    "suggestions",
    "sessions_app",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # HTML compressed (with Django's BREACH mitigation); static files come pre-compressed below.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "congress.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # One-time form tokens: a replayed or double-tapped POST creates one row (congress.idempotency).
    "congress.idempotency.IdempotentPostMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "congress.middleware.RejectNulBytesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "congress.middleware.ReadOnlyCountyViewerMiddleware",
    # Second factor for the admin roles and the county viewer (congress.twofactor).
    "congress.twofactor.TwoFactorMiddleware",
    # AxesMiddleware must be last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "congress.urls"
WSGI_APPLICATION = "congress.wsgi.application"
ASGI_APPLICATION = "congress.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "congress.context_processors.platform",
            ],
            # {% csrf_token %} also renders the one-time form token (congress/templatetags/once.py).
            "builtins": ["congress.templatetags.once"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Web server, Celery worker and beat share one file: wait for locks instead of failing,
    # take the write lock up front, and let readers run beside a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Short queries only: PostgreSQL's JIT compiler costs 10-250 ms on a query its planner thinks
    # large (seen on the dashboards at 1,000,000 suggestions) and saves nothing here. Behind a
    # pooler that rejects startup options, set POSTGRES_OPTIONS="" and jit=off on the server.
    if env.str("POSTGRES_OPTIONS", default="-c jit=off"):
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", env.str("POSTGRES_OPTIONS", default="-c jit=off"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker, results and cache when REDIS_URL is set ---------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "congress",
        }
    }
else:
    # A database table is shared by the web server and the Celery processes, unlike locmem.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
# Rendered dashboard sections, in each process's own memory: each process checks them against
# the database's change marks before reuse (dashboards/freshness.py), so none serves a stale one.
CACHES["dashboards"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "dashboards",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": env.int("DASHBOARD_SECTIONS_MAX", default=300)},
}

# --- Celery -----------------------------------------------------------------------------------
CELERY_DATA_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
    # Short connect/socket timeouts: a request publishing to a Redis that is down must not wait
    # (congress.outbox publishes best-effort; the beat sweep sends what was not published).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": env.float("BROKER_CONNECT_TIMEOUT", default=1.0),
        "socket_timeout": env.float("BROKER_SOCKET_TIMEOUT", default=5.0),
        "max_retries": 0,
    }
else:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = not CELERY_RESULT_BACKEND
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("BROKER_CONNECT_TIMEOUT", default=1.0)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic sweeps are added by the feature apps in their own settings fragments below.
CELERY_BEAT_SCHEDULE: dict = {}
# congress: the outbox sweep sends every notice that is due (never published because the broker
# was down, waiting for a retry, or left by a worker that died); see congress/outbox.py.
CELERY_BEAT_SCHEDULE["congress-outbox-sweep"] = {
    "task": "congress.outbox_sweep",
    "schedule": env.int("OUTBOX_SWEEP_SECONDS", default=60),
}
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
OUTBOX_BACKOFF_SECONDS = env.int("OUTBOX_BACKOFF_SECONDS", default=60)
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=300)
# /healthz: a worker or beat heartbeat older than this is reported dead; an undelivered notice
# older than OUTBOX_MAX_AGE_SECONDS makes the outbox unhealthy.
HEARTBEAT_SECONDS = env.int("HEARTBEAT_SECONDS", default=30)
HEALTH_HEARTBEAT_MAX_AGE_SECONDS = env.int("HEALTH_HEARTBEAT_MAX_AGE_SECONDS", default=5 * 60)
HEALTH_OUTBOX_MAX_AGE_SECONDS = env.int("HEALTH_OUTBOX_MAX_AGE_SECONDS", default=30 * 60)
# congress: long exports (导出任务, congress/export_jobs.py). Above EXPORT_SYNC_MAX_ROWS rows an
# xlsx is built by the worker; the sweep publishes jobs the broker never got and deletes files
# older than EXPORT_KEEP_HOURS.
EXPORT_SYNC_MAX_ROWS = env.int("EXPORT_SYNC_MAX_ROWS", default=2000)
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=72)
EXPORT_PROGRESS_EVERY = env.int("EXPORT_PROGRESS_EVERY", default=500)
EXPORT_MAX_ATTEMPTS = env.int("EXPORT_MAX_ATTEMPTS", default=3)
EXPORT_LEASE_SECONDS = env.int("EXPORT_LEASE_SECONDS", default=300)
EXPORT_REQUEUE_SECONDS = env.int("EXPORT_REQUEUE_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["congress-export-sweep"] = {
    "task": "congress.export_sweep",
    "schedule": env.int("EXPORT_SWEEP_SECONDS", default=60),
}
CELERY_BEAT_SCHEDULE["congress-prune-idempotency-keys"] = {
    "task": "congress.prune_idempotency_keys",
    "schedule": 6 * 3600,
}
# suggestions: citizens' names, phones, IPs and photos removed once the township's retention
# period after closing has passed (suggestions/retention.py; dry run: manage.py retention).
CELERY_BEAT_SCHEDULE["suggestions-retention"] = {
    "task": "suggestions.retention_apply",
    "schedule": 24 * 3600,
}
# suggestions: 回访, once a day in office hours: citizens who have not rated a reply N working
# days after it get one SMS inviting them to rate (exactly once per item; suggestions/callbacks.py).
CELERY_BEAT_SCHEDULE["suggestions-callback-sweep"] = {
    "task": "suggestions.callback_sweep",
    "schedule": crontab(hour=env.int("SUGGESTION_CALLBACK_HOUR", default=10), minute=0),
}
# suggestions: due-soon / due-today / overdue reminders and escalation (exactly once per
# suggestion, stage, cycle and kind; see suggestions/reminders.py).
CELERY_BEAT_SCHEDULE["suggestions-reminder-sweep"] = {
    "task": "suggestions.reminder_sweep",
    "schedule": env.int("SUGGESTION_SWEEP_SECONDS", default=3600),
}
# suggestions: daily compaction of the figure counters (suggestions/counters.py; changes no number).
CELERY_BEAT_SCHEDULE["suggestions-figure-counters-fold"] = {
    "task": "suggestions.figure_counters_fold",
    "schedule": 24 * 3600,
}
# dashboards: daily pruning of the change marks older than a day (dashboards/freshness.py).
CELERY_BEAT_SCHEDULE["dashboards-prune-change-marks"] = {
    "task": "dashboards.prune_change_marks",
    "schedule": 24 * 3600,
}

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "congress.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Two-factor login (django-otp TOTP + recovery codes) for the admin roles and the county viewer;
# deputies may opt in. Default: required when DEBUG=0, off in DEBUG (the demo's `make run`)
# unless set. Tests turn it on explicitly to prove it is enforced.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="乡镇人大工作平台")
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# django-axes: lock a username on one address after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "congress.views.lockout.lockout_response"
# How many reverse proxies (nginx, a load balancer) stand in front of the app and append to
# X-Forwarded-For; 0 = clients connect directly. One definition of the client's address
# (congress.ratelimit.client_ip) serves the rate limits and axes.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=0))
AXES_CLIENT_IP_CALLABLE = "congress.ratelimit.axes_client_ip"
AXES_VERBOSE = False

# --- I18N -------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# Our own Chinese texts where Django's catalogue lacks them (the admin's multi-select picker).
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    # Every upload is checked, images re-encoded and names randomised here (congress.uploads).
    "default": {"BACKEND": "congress.uploads.SafeFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# manage.py backup writes its dated archives here (README "Backup").
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))
# Largest photo a user may upload (bytes); checked by content in congress.validators.
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=5 * 1024 * 1024)
# A photo declaring more pixels is refused before decoding; stored photos are cut to this side.
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=40_000_000)
PHOTO_MAX_SIDE = env.int("PHOTO_MAX_SIDE", default=2560)
# Largest document (PDF, Office, WPS, OFD) a user may upload.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
# Media is served only through congress.views.media (permission of the owning record). Behind
# nginx set MEDIA_X_ACCEL_REDIRECT to the internal location (e.g. "/protected-media/") so nginx
# sends the bytes after Django has checked; see docs/security.md and deploy/nginx.conf.
MEDIA_X_ACCEL_REDIRECT = env.str("MEDIA_X_ACCEL_REDIRECT", default="")

# --- Email, SMS -------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="乡镇人大工作平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMS_BACKEND = env.str("SMS_BACKEND", default="congress.sms.ConsoleSmsBackend")
# SMS by template (congress/notices, docs/notices.md): the signature (签名) approved at the
# provider, the provider's code of each approved template ("accepted=SMS_123,rejected=SMS_456"),
# credentials from the providers' usual environment variables, endpoints overridable for tests.
SMS_SIGN_NAME = env.str("SMS_SIGN_NAME", default="乡镇人大")
SMS_TEMPLATE_CODES = env.dict("SMS_TEMPLATE_CODES", default={})
SMS_TIMEOUT_SECONDS = env.int("SMS_TIMEOUT_SECONDS", default=10)
# At most this many SMS per phone number per day; more wait until 08:00 the next day (0: no cap).
SMS_DAILY_CAP_PER_PHONE = env.int("SMS_DAILY_CAP_PER_PHONE", default=10)
SMS_ALIYUN_ACCESS_KEY_ID = env.str("ALIBABA_CLOUD_ACCESS_KEY_ID", default="")
SMS_ALIYUN_ACCESS_KEY_SECRET = env.str("ALIBABA_CLOUD_ACCESS_KEY_SECRET", default="")
SMS_ALIYUN_ENDPOINT = env.str("SMS_ALIYUN_ENDPOINT", default="https://dysmsapi.aliyuncs.com")
SMS_TENCENT_SECRET_ID = env.str("TENCENTCLOUD_SECRET_ID", default="")
SMS_TENCENT_SECRET_KEY = env.str("TENCENTCLOUD_SECRET_KEY", default="")
SMS_TENCENT_SDK_APP_ID = env.str("SMS_TENCENT_SDK_APP_ID", default="")
SMS_TENCENT_REGION = env.str("SMS_TENCENT_REGION", default="ap-guangzhou")
SMS_TENCENT_ENDPOINT = env.str("SMS_TENCENT_ENDPOINT", default="https://sms.tencentcloudapi.com")
# WeChat Work (企业微信) app messages: WECOM_BACKEND=congress.notices.wecom.WecomApiBackend sends
# through the server API; empty turns the channel off (the default in production, so nothing is
# "sent" to a log there by mistake); development logs the messages.
WECOM_BACKEND = env.str(
    "WECOM_BACKEND", default="congress.notices.wecom.ConsoleWecomBackend" if DEBUG else ""
)
WECOM_CORP_ID = env.str("WECOM_CORP_ID", default="")
WECOM_AGENT_ID = env.str("WECOM_AGENT_ID", default="")
WECOM_SECRET = env.str("WECOM_SECRET", default="")
WECOM_API_BASE = env.str("WECOM_API_BASE", default="https://qyapi.weixin.qq.com")
WECOM_TIMEOUT_SECONDS = env.int("WECOM_TIMEOUT_SECONDS", default=10)

# --- Forms ------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# The health check is probed over plain HTTP by the container runtime.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp) on every response, the admin included: only this site's
# own static files run; an inline <script>/<style> needs the request's nonce
# ({{ request.csp_nonce }}); behaviour once written as onclick=… lives in static/js/behaviours.js.
# Style attributes stay allowed (style-src-attr); the one hash is django-import-export's
# select-all toggle on its export page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, UNSAFE_HASHES, "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"],
        "style-src": [SELF, NONCE],
        "style-src-elem": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features no page of the platform uses (camera stays for the photo pickers).
PERMISSIONS_POLICY = env.str(
    "PERMISSIONS_POLICY",
    default=(
        "accelerometer=(), autoplay=(), camera=(self), display-capture=(), geolocation=(), "
        "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
        "interest-cohort=()"
    ),
)

# Public rate limits (congress.ratelimit, atomic counters): submissions per address per hour and
# per phone per day; tracking look-ups per address per 10 minutes; a code locks for an hour after
# this many wrong phone digits.
SUGGESTION_RATE_PER_IP = env.int("SUGGESTION_RATE_PER_IP", default=5)
SUGGESTION_RATE_PER_PHONE = env.int("SUGGESTION_RATE_PER_PHONE", default=3)
TRACK_RATE_PER_IP = env.int("TRACK_RATE_PER_IP", default=30)
TRACK_WRONG_DIGITS_PER_CODE = env.int("TRACK_WRONG_DIGITS_PER_CODE", default=5)

# django-simple-history: old versions are shown, never saved back (congress.admin_base).
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Platform ---------------------------------------------------------------------------------
# The office that issues printable documents (交办单、督办函、回执); {township} is the township name.
DOCUMENT_OFFICE_NAME = env.str("DOCUMENT_OFFICE_NAME", default="{township}人民代表大会主席团")
# CJK fonts of docx exports (公文 layout); keys title/body/heading/kai/latin, e.g. "body=仿宋".
DOCX_FONTS = env.dict("DOCX_FONTS", default={})
PLATFORM_NAME = env.str("PLATFORM_NAME", default="乡镇人大主席团工作平台")
# The public address ("https://rd.example.gov.cn") for links made where no request exists: SMS,
# e-mail, Celery tasks. Pages shown in a browser (QR codes, posters, check-in) use the request's
# own scheme and host. Required with DEBUG=0 (system check congress.E101).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "")
