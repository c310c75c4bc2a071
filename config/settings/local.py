"""Local development and `make demo`: embedded SQLite, DEBUG on, console email."""

from config.settings.base import *  # noqa: F403

DEBUG = True
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
