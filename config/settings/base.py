"""Settings shared by every environment. Environment-specific modules import * from here."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("FAMILYHELP_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-development-key-change-me-in-production-0123456789")
DEBUG = False
ALLOWED_HOSTS: list[str] = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",  # hashed API tokens with an expiry (ADR 0016); DRF's plain-text authtoken is gone
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "familyhelp.core",
    "familyhelp.organisation",
    "familyhelp.accounts",
    "familyhelp.people",
    "familyhelp.chronology",
    "familyhelp.audit",
    "familyhelp.directory",
    "familyhelp.frontdoor",
    "familyhelp.casework",
    "familyhelp.frontend",
    "familyhelp.api",
    "familyhelp.synthetic",
    "familyhelp.dedup",
    "familyhelp.returns",
    "familyhelp.performance",
    "familyhelp.specialist",
    "familyhelp.taf",
    "familyhelp.panels",
    "familyhelp.practice",
    # Background jobs (issue 15, ADR 0018): django-tasks with its database backend, and our Job records.
    "django_tasks",
    "django_tasks_db",
    "familyhelp.jobs",
]

MIDDLEWARE = [
    # Production recipe (docs/operations/production.md): the request id and request log line come first so
    # that every request, even one refused further down, has an id; the client's address behind nginx.
    "familyhelp.core.request_id.RequestIdMiddleware",
    "familyhelp.core.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "familyhelp.core.middleware.SessionRenewalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "familyhelp.core.middleware.RequestContextMiddleware",
    "familyhelp.accounts.middleware.SecondFactorMiddleware",
    "familyhelp.accounts.middleware.PermissionDeclaredMiddleware",
    "familyhelp.accounts.middleware.IntegrationCallLogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "familyhelp.frontend.context_processors.shell",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'familyhelp.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # No JIT compilation: its cost estimates trip on short queries with long IN lists or EXISTS subqueries
    # (person search, record scope) and compiling takes longer than running them (ADR 0010, ADR 0017).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "frontend:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Sessions and sign-in -------------------------------------------------------------------------
SESSION_COOKIE_AGE = int(os.environ.get("FAMILYHELP_SESSION_IDLE_SECONDS", 30 * 60))  # idle timeout
# The cookie age is an idle timeout, renewed at most once a minute (core.middleware.SessionRenewalMiddleware)
# rather than by writing the session on every request.
SESSION_SAVE_EVERY_REQUEST = False
FAMILYHELP_SESSION_RENEW_SECONDS = 60
# The performance dashboard keeps a report each server process calculated for this long (ADR 0019; 0 = never).
FAMILYHELP_DASHBOARD_CACHE_SECONDS = int(os.environ.get("FAMILYHELP_DASHBOARD_CACHE_SECONDS", 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
FAMILYHELP_SESSION_WARNING_SECONDS = 120

AXES_FAILURE_LIMIT = int(os.environ.get("FAMILYHELP_LOCKOUT_FAILURES", 5))
AXES_COOLOFF_TIME = 1  # hours
# Lock the account being attacked, not the address: council offices share one address behind NAT, and
# locking by address would lock a whole office out after five mistyped passwords (ADR 0005).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Family Help"
# Roles that must use two-factor authentication (others may opt in).
FAMILYHELP_OTP_REQUIRED_ROLES = [
    r.strip() for r in os.environ.get("FAMILYHELP_OTP_REQUIRED_ROLES", "administrator").split(",") if r.strip()
]

# --- Security headers ----------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- REST API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so an unauthenticated request gets 401 with WWW-Authenticate. The token class (knox,
    # hashed, expiring) refuses inactive users, roles without accounts.use_api_token, people who turned on
    # two-factor, and deactivated integration accounts; the session class refuses users who still owe a
    # second factor (SecondFactorMiddleware does not cover /api/) and integration accounts.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "familyhelp.api.authentication.ApiTokenAuthentication",
        "familyhelp.api.authentication.ApiSessionAuthentication",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_PERMISSION_CLASSES": ["familyhelp.api.permissions.DeclaredVerbPermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "familyhelp.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"user": "2000/hour"},
}
# API tokens (ADR 0016): django-rest-knox keeps only a SHA-512 digest of each token, with an expiry.
# The token is shown once; a lost token is revoked and a new one issued.
REST_KNOX = {
    "TOKEN_TTL": None,  # every token is issued with an explicit expiry by accounts.services
    "AUTO_REFRESH": False,  # an expiry is a date the council chose, not a sliding window
    "AUTH_HEADER_PREFIX": "Token",  # `Bearer` is accepted too (familyhelp.api.authentication)
}
# Days a token lasts unless the administrator chooses otherwise, and the most they may choose.
FAMILYHELP_API_TOKEN_DAYS = int(os.environ.get("FAMILYHELP_API_TOKEN_DAYS", 90))
FAMILYHELP_API_TOKEN_MAX_DAYS = int(os.environ.get("FAMILYHELP_API_TOKEN_MAX_DAYS", 365))

SPECTACULAR_SETTINGS = {
    "TITLE": "Family Help API",
    "DESCRIPTION": "REST API for Family Help. Every endpoint applies the same role, record-scope and audit "
    "rules as the web interface.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "familyhelp.accounts.roles.Role",
        "BenchmarkKindEnum": "familyhelp.performance.models.Benchmark.Kind",
        "ContactConsentEnum": "familyhelp.frontdoor.models.Contact.Consent",
        "FamilyMemberRoleEnum": "familyhelp.people.models.FamilyMember.Role",
        "InvolvementRoleEnum": "familyhelp.people.models.ProfessionalInvolvement.Role",
        "PersonKindEnum": "familyhelp.people.models.Person.Kind",
        "PersonNameKindEnum": "familyhelp.people.models.PersonName.Kind",
        "TeamKindEnum": "familyhelp.organisation.models.Team.Kind",
        "PartnerAgencyKindEnum": "familyhelp.organisation.models.PartnerAgency.Kind",
        "ContactKindEnum": "familyhelp.frontdoor.models.Contact.Kind",
        "ContactStatusEnum": "familyhelp.frontdoor.models.Contact.Status",
        "PartnerCheckStatusEnum": "familyhelp.frontdoor.models.PartnerCheck.Status",
        "DecisionStatusEnum": "familyhelp.frontdoor.models.ThresholdDecision.Status",
        "ThresholdDocumentStatusEnum": "familyhelp.frontdoor.models.ThresholdDocument.Status",
        "LocalServiceKindEnum": "familyhelp.directory.models.LocalService.Kind",
        "TafActionStatusEnum": "familyhelp.taf.models.TafAction.Status",
        "TafMemberConsentEnum": "familyhelp.taf.models.TafMember.Consent",
        "SpecialistServiceKindEnum": "familyhelp.specialist.models.Service.Kind",
        "ServiceContactKindEnum": "familyhelp.specialist.models.ServiceContact.Kind",
        "ShortBreakAdmissionKindEnum": "familyhelp.specialist.models.ShortBreakAdmission.Kind",
        "ServiceReferralStatusEnum": "familyhelp.specialist.models.ServiceReferral.Status",
        "CaseLevelEnum": "familyhelp.casework.models.Case.Level",
        "CaseStatusEnum": "familyhelp.casework.models.Case.Status",
        "ThresholdLevelEnum": "familyhelp.frontdoor.models.ThresholdLevel.Level",
        "CategoryOfAbuseEnum": "familyhelp.casework.models.CategoryOfAbuse",
        "PlanKindEnum": "familyhelp.casework.models.Plan.Kind",
        "AssessmentKindEnum": "familyhelp.casework.models.Assessment.Kind",
        "AssessmentStatusEnum": "familyhelp.casework.models.Assessment.Status",
        "AssessmentOutcomeEnum": "familyhelp.casework.models.Assessment.Outcome",
        "PlanReviewOutcomeEnum": "familyhelp.casework.models.PlanReview.Outcome",
        "PlanActionStatusEnum": "familyhelp.casework.models.PlanAction.Status",
        "S47OutcomeEnum": "familyhelp.casework.models.S47Enquiry.Outcome",
        "ConferenceOutcomeEnum": "familyhelp.casework.models.S47Enquiry.ConferenceOutcome",
        "StrategyDecisionEnum": "familyhelp.casework.models.StrategyDiscussion.Decision",
        "CaseNoteCategoryEnum": "familyhelp.casework.models.CaseNote.Category",
        "PanelKindEnum": "familyhelp.panels.models.PanelKind",
        "PanelDecisionOutcomeEnum": "familyhelp.panels.models.PanelDecision.Outcome",
        "PanelRequestUrgencyEnum": "familyhelp.panels.models.PanelRequest.Urgency",
        "PanelRequestStatusEnum": "familyhelp.panels.models.PanelRequest.Status",
        "ContactUrgencyEnum": "familyhelp.frontdoor.models.Contact.Urgency",
        "ServiceReferralOutcomeEnum": "familyhelp.specialist.models.ServiceReferral.Outcome",
        "VisitSeenEnum": "familyhelp.casework.models.Visit.Seen",
        "DecisionOutcomeEnum": "familyhelp.frontdoor.models.ThresholdDecision.Outcome",
        "PracticeToolKindEnum": "familyhelp.practice.models.Instrument.Kind",
        "CompletionStatusEnum": "familyhelp.practice.models.Completion.Status",
        "CompletionPurposeEnum": "familyhelp.practice.models.Completion.Purpose",
        "ProblemKindEnum": ["error", "query"],  # data-quality problems before a return
    },
}

# --- Logging: no personal data. Request paths carry UUIDs only; never log bodies or query strings. ---
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "family-help@localhost"

# --- Family Help ---------------------------------------------------------------------------------
# Recording an event more than this many days after it happened asks for a reason.
FAMILYHELP_LATE_RECORDING_DAYS = int(os.environ.get("FAMILYHELP_LATE_RECORDING_DAYS", 7))
# How long a break-glass grant lasts.
FAMILYHELP_BREAK_GLASS_HOURS = 8
# After a caseload involvement ends (a case closes or moves), the worker, their team and service keep
# the child in scope this many days: closing records, audits and a quick re-referral need no break-glass.
FAMILYHELP_SCOPE_AFTER_INVOLVEMENT_DAYS = int(os.environ.get("FAMILYHELP_SCOPE_AFTER_INVOLVEMENT_DAYS", 90))

# --- Notifications (familyhelp.core.notify) -------------------------------------------------------
FAMILYHELP_NOTIFIER = os.environ.get("FAMILYHELP_NOTIFIER", "console")  # console | file | notify | dotted path
FAMILYHELP_NOTIFIER_FILE = os.environ.get("FAMILYHELP_NOTIFIER_FILE", str(VAR_DIR / "notifications.jsonl"))
FAMILYHELP_NOTIFY_BASE_URL = os.environ.get("FAMILYHELP_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
FAMILYHELP_NOTIFY_SERVICE_ID = os.environ.get("FAMILYHELP_NOTIFY_SERVICE_ID", "")
FAMILYHELP_NOTIFY_SECRET = os.environ.get("FAMILYHELP_NOTIFY_SECRET", "")
FAMILYHELP_NOTIFY_TEMPLATES = {
    "referral_outcome": os.environ.get("FAMILYHELP_NOTIFY_TEMPLATE_REFERRAL_OUTCOME", ""),
}

# --- Background jobs (familyhelp.jobs, ADR 0018) ----------------------------------------------------
# django-tasks with the database backend: `familyhelp db_worker` runs the queue (SQLite and PostgreSQL).
# The test settings use the immediate backend (tasks run when enqueued).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Result files of finished jobs (returns, packs): served only through the job page, deleted after this many days.
FAMILYHELP_JOB_FILES_DIR = Path(os.environ.get("FAMILYHELP_JOB_FILES_DIR", VAR_DIR / "job-files"))
FAMILYHELP_JOB_FILE_DAYS = int(os.environ.get("FAMILYHELP_JOB_FILE_DAYS", 7))
# A job still "running" after this many hours is marked failed by `familyhelp run_schedule` (the worker died).
FAMILYHELP_JOB_STALE_HOURS = int(os.environ.get("FAMILYHELP_JOB_STALE_HOURS", 6))
