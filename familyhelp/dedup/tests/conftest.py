"""The API clients of familyhelp.api.tests, for the duplicates endpoints."""

from familyhelp.api.tests.conftest import api_as  # noqa: F401
