"""Configuration, read from the environment.

Every setting has a working default for development (SQLite under ``instance/``), so
``make run`` needs no configuration; production refuses to start without a real secret.
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from app import languages

BASE_DIR = Path(__file__).resolve().parent
# A checkout keeps its data in instance/; an installed wheel must not write into
# site-packages, so it uses the environment's var/ folder (as Flask does for installed apps).
IS_CHECKOUT = (BASE_DIR / "pyproject.toml").is_file()
INSTANCE_DIR = Path(
    os.environ.get(
        "TEKSER_INSTANCE_DIR",
        BASE_DIR / "instance" if IS_CHECKOUT else Path(sys.prefix) / "var" / "tekser-instance",
    )
)


def _bool(name: str, default: bool, environ=os.environ) -> bool:
    value = environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 (refused in production)


def default_base_url(environ=os.environ) -> str:
    """``BASE_URL``, or the development server's own address (``make run`` honours ``PORT``)."""
    if environ.get("BASE_URL"):
        return environ["BASE_URL"]
    return f"http://127.0.0.1:{environ.get('PORT') or 5000}"


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'tekser.sqlite'}"
    )
    # JSON columns keep Cyrillic as UTF-8 (a third of the size of \u escapes).
    SQLALCHEMY_ENGINE_OPTIONS = {
        "json_serializer": lambda value: json.dumps(value, ensure_ascii=False),
    }
    # A pooled connection idle longer than this is pinged before use (app/connections.py).
    POOL_PING_AFTER = float(os.environ.get("POOL_PING_AFTER", "10"))
    # SQLite only: seconds a writer waits for another writer's lock (then a 503 page).
    SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", "10"))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    # Where uploads and videos are stored (app/storage/): "folder" (local, or a volume every
    # node mounts) or "s3" (an S3-compatible store: MinIO, Ceph, AWS).
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "folder")
    STORAGE_FOLDER = os.environ.get("STORAGE_FOLDER") or None  # None: UPLOAD_DIR
    # Set to nginx's internal location (e.g. /protected/) to let nginx send folder files.
    STORAGE_ACCEL_REDIRECT = os.environ.get("STORAGE_ACCEL_REDIRECT") or None
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None  # None: AWS itself
    # The address browsers reach the store at, if not S3_ENDPOINT_URL (presigned links).
    S3_PUBLIC_ENDPOINT_URL = os.environ.get("S3_PUBLIC_ENDPOINT_URL") or None
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_REGION = os.environ.get("S3_REGION", "us-east-1")
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID") or None
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY") or None
    S3_PREFIX = os.environ.get("S3_PREFIX", "")
    S3_PRESIGN_SECONDS = int(os.environ.get("S3_PRESIGN_SECONDS", "60"))
    # Course folders are not part of a wheel: an installed Tekser reads them from COURSES_DIR.
    COURSES_DIR = os.environ.get(
        "COURSES_DIR", str(BASE_DIR / "courses" if IS_CHECKOUT else INSTANCE_DIR / "courses")
    )
    # Generated and uploaded media before it is stored (video sources, narrated renderings,
    # scratch files of transcoding): outside the checkout, a cache folder by default. The queue's
    # workers must see the same folder (a shared volume when they run on other machines).
    MEDIA_WORK_DIR = os.environ.get("MEDIA_WORK_DIR") or str(
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tekser"
    )
    # An admin's upload of a source video (streamed to MEDIA_WORK_DIR, never held in memory).
    VIDEO_UPLOAD_MAX_BYTES = _int("VIDEO_UPLOAD_MAX_BYTES", 2 * 1024 * 1024 * 1024)
    # A transcoding run is stopped after this many times the video's length (at least 10 min).
    VIDEO_TRANSCODE_FACTOR = float(os.environ.get("VIDEO_TRANSCODE_FACTOR", "20"))
    # A transcoding job still running after this many hours lost its worker: marked failed.
    VIDEO_STALE_HOURS = _int("VIDEO_STALE_HOURS", 6)
    # Gzip the app's HTML, captions and JSON for clients that accept it (app/compression.py).
    COMPRESS_RESPONSES = _bool("COMPRESS_RESPONSES", True)
    # Seconds a worker remembers that a user may watch a module's video (Range requests).
    VIDEO_ACCESS_CACHE_SECONDS = _int("VIDEO_ACCESS_CACHE_SECONDS", 60)
    # Public address used in emails, QR codes and credentials (no trailing slash). Every
    # absolute link that leaves the app is built from it (app/links.py), never from Host.
    BASE_URL = default_base_url()
    # Production answers only these Host names (400 otherwise): BASE_URL's host plus these.
    EXTRA_TRUSTED_HOSTS = _list("TRUSTED_HOSTS")

    # Sessions: a server-side record per login (see app/auth/sessions.py).
    SESSION_COOKIE_NAME = "tekser_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    PERMANENT_SESSION_LIFETIME = timedelta(days=_int("SESSION_DAYS", 14))
    # How long a worker trusts its cached copy of a signed-in identity (ADR 0024): a logout,
    # deactivation, password or role change made in another worker takes effect within this.
    LOGIN_CACHE_SECONDS = _int("LOGIN_CACHE_SECONDS", 5)
    WTF_CSRF_TIME_LIMIT = None  # the CSRF token lives as long as the session
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 60 * 1024 * 1024)

    # Languages: the interface and the course content.
    LANGUAGES = languages.LANGUAGES
    BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "kk")
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TIMEZONE", "Asia/Almaty")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "app" / "translations")

    # Mail: "smtp" sends through MAIL_SERVER; "console" writes messages to the log.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Tekser <no-reply@tekser.local>")
    # Outbox delivery (app/mail/delivery.py): tries per message, and the first retry's delay in
    # seconds (doubled on each further try: 30 s, 1 min, 2 min, ... then "failed").
    MAIL_MAX_ATTEMPTS = _int("MAIL_MAX_ATTEMPTS", 6)
    MAIL_RETRY_DELAY = _int("MAIL_RETRY_DELAY", 30)
    # A claim older than this belongs to a worker that died mid-send: the per-minute sweep sends
    # the message again (same Message-ID). Keep it well above the longest SMTP conversation.
    MAIL_CLAIM_STALE_SECONDS = _int("MAIL_CLAIM_STALE_SECONDS", 600)
    # The sweep leaves unclaimed rows this young to the job enqueued at their commit.
    MAIL_SWEEP_GRACE_SECONDS = _int("MAIL_SWEEP_GRACE_SECONDS", 60)
    # Sent messages are kept this long (for support questions), then deleted by a daily job.
    MAIL_KEEP_SENT_DAYS = _int("MAIL_KEEP_SENT_DAYS", 30)

    # The job queue (app/jobs.py, ADR 0017): SQLite next to the database by default (make run
    # starts a consumer beside the server), Redis when several workers or machines share it.
    QUEUE_URL = os.environ.get("QUEUE_URL", f"sqlite:///{INSTANCE_DIR / 'queue.sqlite'}")
    # Run each job at once, inside the unit of work that commits it (tests; one-process sites).
    QUEUE_IMMEDIATE = _bool("QUEUE_IMMEDIATE", False)
    # `flask demo load` (make run) asks the queue to narrate the bundled course's videos.
    NARRATE_ON_LOAD = _bool("NARRATE_ON_LOAD", True)
    # CSV enrolment invitations: how many one job step sends (each step its own transaction).
    ENROL_INVITE_BATCH = _int("ENROL_INVITE_BATCH", 100)
    # Students read per page by the hourly due-date reminders (each page one transaction).
    REMINDER_BATCH = _int("REMINDER_BATCH", 500)

    # Rate limits: counters in memory for one process, Redis when several workers run.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # memory:// counts per process: production refuses it unless one process serves everything.
    RATELIMIT_SINGLE_PROCESS = _bool("RATELIMIT_SINGLE_PROCESS", False)
    # Redis down mid-run: count in each worker's memory until it is back (README, "Running
    # several workers"), rather than refuse every login (fail closed) or count nothing.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = _bool("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    # Seconds to wait for Redis before falling back, so a dead host cannot stall requests.
    RATELIMIT_REDIS_TIMEOUT = float(os.environ.get("RATELIMIT_REDIS_TIMEOUT", "0.5"))
    # Several sites may share one Redis: each one's counters under its own prefix.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "tekser")
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    ACCOUNT_RATE_LIMIT = os.environ.get("ACCOUNT_RATE_LIMIT", "5 per minute;20 per hour")

    # Werkzeug's default (scrypt) unless told otherwise; tests use a cheap method for speed.
    PASSWORD_HASH_METHOD = os.environ.get("PASSWORD_HASH_METHOD", "scrypt")

    # Tokens in emailed links.
    PASSWORD_RESET_MAX_AGE = _int("PASSWORD_RESET_MAX_AGE", 3600)
    EMAIL_VERIFY_MAX_AGE = _int("EMAIL_VERIFY_MAX_AGE", 3 * 24 * 3600)
    # Reset requests (no address in them) are kept this long after they are asked, for support
    # questions ("I asked and got nothing"), then deleted by a daily job.
    PASSWORD_RESET_KEEP_DAYS = _int("PASSWORD_RESET_KEEP_DAYS", 7)
    # An invitation link (choose your first password) works once, for this many days.
    INVITATION_MAX_AGE_DAYS = _int("INVITATION_MAX_AGE_DAYS", 14)

    # Homework review.
    REVIEW_CLAIM_MINUTES = _int("REVIEW_CLAIM_MINUTES", 30)
    UPLOAD_MAX_BYTES = _int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    UPLOAD_MAX_PIXELS = _int("UPLOAD_MAX_PIXELS", 50_000_000)  # decompression-bomb guard
    UPLOAD_MAX_SIDE = _int("UPLOAD_MAX_SIDE", 2560)  # longest side kept, for slow networks

    # Certificates: the Ed25519 issuer key (``flask certificates keygen`` makes one).
    CERT_SIGNING_KEY = os.environ.get("CERT_SIGNING_KEY")  # secretKeyMultibase
    CERT_SIGNING_KEY_FILE = os.environ.get("CERT_SIGNING_KEY_FILE")  # or a PKCS#8 PEM file
    CERT_KEY_ID = os.environ.get("CERT_KEY_ID", "key-1")
    # Retired public keys stay published so old credentials verify: "key-0=z6Mk...,..."
    CERT_RETIRED_PUBLIC_KEYS = os.environ.get("CERT_RETIRED_PUBLIC_KEYS", "")
    # Development and tests may sign with a key generated into instance/; production never.
    CERT_ALLOW_DEV_KEY = _bool("CERT_ALLOW_DEV_KEY", False)
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30 per minute;300 per hour")
    # Video progress reports per student (the player sends one every 15 s while playing, and on
    # pause, end and leaving the page): room for a few tabs, not for a flood.
    VIDEO_PROGRESS_RATE_LIMIT = os.environ.get(
        "VIDEO_PROGRESS_RATE_LIMIT", "30 per minute;600 per hour"
    )

    # Trust X-Forwarded-* from this many proxies (0 when serving directly).
    PROXY_COUNT = _int("PROXY_COUNT", 0)

    # Operations (app/ops/): logs, metrics.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")  # "json": one object per line
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # /metrics answers only these client addresses or networks, or a bearer token (else 404).
    METRICS_ALLOW = _list("METRICS_ALLOW")
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None


class DevelopmentConfig(Config):
    DEBUG = True
    CERT_ALLOW_DEV_KEY = True
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")


class TestConfig(Config):
    TESTING = True
    CERT_ALLOW_DEV_KEY = True
    SECRET_KEY = "test-secret-key"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    MAIL_BACKEND = "smtp"
    RATELIMIT_ENABLED = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105
    # Jobs run at commit, so a test reads the mail right after its request.
    QUEUE_URL = "memory://"
    QUEUE_IMMEDIATE = True
    NARRATE_ON_LOAD = False  # tests that narrate ask for it, on a two-cue script
    SERVER_NAME = "localhost"
    BASE_URL = "http://localhost"
    # A statement count must not depend on how long a loaded machine takes between a warm-up
    # request and the counted one; the cache's own tests move their clock by this much.
    LOGIN_CACHE_SECONDS = 60


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def trusted_hosts(cls, base_url: str, extra: list[str]) -> list[str]:
        """The Host names production answers: BASE_URL's own, plus TRUSTED_HOSTS."""
        host = urlsplit(base_url).hostname
        return list(dict.fromkeys([*([host] if host else []), *extra]))

    @classmethod
    def check(cls, environ=None) -> None:
        """Refuse to start with a setting that is unsafe in production (read from the
        environment, as the running app will see it)."""
        env = os.environ if environ is None else environ
        key = env.get("SECRET_KEY", "")
        if len(key) < 32 or key == DEV_SECRET_KEY:
            raise RuntimeError(
                "ProductionConfig needs SECRET_KEY in the environment: at least 32 random "
                "characters, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        if not (env.get("CERT_SIGNING_KEY") or env.get("CERT_SIGNING_KEY_FILE")):
            raise RuntimeError(
                "ProductionConfig needs the certificate issuer key: set CERT_SIGNING_KEY (or "
                "CERT_SIGNING_KEY_FILE, a PKCS#8 PEM file). Make one with "
                "`TEKSER_ENV=development flask certificates keygen` and keep it secret."
            )
        key_file = env.get("CERT_SIGNING_KEY_FILE")
        if key_file and not env.get("CERT_SIGNING_KEY") and not os.access(key_file, os.R_OK):
            raise RuntimeError(
                f"CERT_SIGNING_KEY_FILE={key_file} cannot be read: the certificate issuer key "
                "file must exist and be readable by the app's user."
            )
        storage = env.get("RATELIMIT_STORAGE_URI", "memory://")
        limits_on = _bool("RATELIMIT_ENABLED", True, env)
        single = _bool("RATELIMIT_SINGLE_PROCESS", False, env)
        if limits_on and storage.startswith("memory://") and not single:
            raise RuntimeError(
                "ProductionConfig needs shared rate-limit counters: with RATELIMIT_STORAGE_URI="
                "memory:// each worker process counts alone, so the limits multiply by the "
                "number of workers. Set RATELIMIT_STORAGE_URI=redis://host:6379, or "
                "RATELIMIT_SINGLE_PROCESS=1 if exactly one process serves the site."
            )
        queue = env.get("QUEUE_URL", "")
        immediate = _bool("QUEUE_IMMEDIATE", False, env)
        if (immediate or queue.startswith("memory://")) and not single:
            raise RuntimeError(
                "ProductionConfig needs a real job queue: QUEUE_IMMEDIATE=1 sends mail inside "
                "requests and QUEUE_URL=memory:// keeps jobs in one process. Set QUEUE_URL="
                "redis://host:6379/1 (or sqlite:///path on one machine) and run `huey_consumer "
                "app.tasks.huey` beside the app, or RATELIMIT_SINGLE_PROCESS=1 if exactly one "
                "process serves the site."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
