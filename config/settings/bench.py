"""`familyhelp bench web`: the production settings, served over plain http on loopback.

Only what needs HTTPS is relaxed (the bench's gunicorn listens on 127.0.0.1 without a TLS proxy in front):
cookies without the Secure flag (browsers and clients do not send Secure cookies over http, so nobody could
sign in), no redirect to https, no HSTS, and CSRF origins on http. Everything else (DEBUG off, the manifest
static storage served by WhiteNoise, the secret key and allowed hosts from the environment) is production's.
Never use these settings for a council's live system.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import ALLOWED_HOSTS

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
CSRF_TRUSTED_ORIGINS = [f"http://{h}" for h in ALLOWED_HOSTS]
