"""Test settings: fast password hashing, in-memory email, SQLite unless DATABASE_URL is set."""

from config.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": None}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
FAMILYHELP_AUDIT_MAINTENANCE = True  # Django empties tables between transactional tests
FAMILYHELP_NOTIFIER = "memory"
FAMILYHELP_DASHBOARD_CACHE_SECONDS = 0  # tests read the figures they just wrote (one test turns it on)

# SQLite test databases live in a file rather than shared-cache memory, so tests that use two connections
# at once (concurrent authorisation, for example) get SQLite's real locking: the busy timeout waits for the
# other writer instead of failing with "database table is locked". One file per test process.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile as _tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(_tempfile.gettempdir(), f"familyhelp-test-{os.getpid()}.sqlite3")  # noqa: F405
    }

# Background jobs (ADR 0018): tasks run when they are enqueued, so the memory notifier sees emails and a job
# started from a page has finished by the time the page redirects. The browser journey of jobs switches to
# the database backend with a real worker thread.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Result files of jobs: one scratch directory per test process, never the repository's var/.
import tempfile as _job_tempfile  # noqa: E402

FAMILYHELP_JOB_FILES_DIR = Path(_job_tempfile.gettempdir()) / f"familyhelp-test-job-files-{os.getpid()}"  # noqa: F405
