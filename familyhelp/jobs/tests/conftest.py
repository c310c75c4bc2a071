"""Fixtures for job tests: a few users (no council needed), test job kinds, a scratch result directory."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from familyhelp.accounts.roles import Role
from familyhelp.accounts.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _job_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.FAMILYHELP_JOB_FILES_DIR = tmp_path / "job-files"


@pytest.fixture
def users(db):  # type: ignore[no-untyped-def]
    """An analyst (starts returns), another analyst, a social worker, a manager and an administrator."""
    return SimpleNamespace(
        analyst=UserFactory(username="analyst", role=Role.ANALYST, team=None),
        analyst2=UserFactory(username="analyst2", role=Role.ANALYST, team=None),
        sw=UserFactory(username="sw", role=Role.SOCIAL_WORKER),
        manager=UserFactory(username="manager", role=Role.TEAM_MANAGER),
        admin=UserFactory(username="admin", role=Role.ADMINISTRATOR, team=None),
    )
