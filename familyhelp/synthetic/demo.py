"""Well-known demonstration logins: one per role, the same whatever the preset or seed.

The password is public (it is in this file and the docs): these accounts exist only in synthetic
databases built by `familyhelp generate` or `familyhelp demo_setup`, never in a council's live system.
"""

from __future__ import annotations

from dataclasses import dataclass

from familyhelp.accounts.roles import Role

DEMO_PASSWORD = "family-help-demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    job_role: str
    team_kind: str | None  # the kind of team they sit in (the first of that kind, in the first locality)
    first_name: str
    last_name: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("frontdoor", Role.FRONT_DOOR, "mash_practitioner", "front_door", "Farah", "Malik"),
    DemoUser("socialworker", Role.SOCIAL_WORKER, "social_worker", "family_support", "Sam", "Okafor"),
    DemoUser("familysupport", Role.FAMILY_SUPPORT_WORKER, "family_support_worker", "family_support", "Jess", "Taylor"),
    DemoUser(
        "familyhelp", Role.FAMILY_HELP_PRACTITIONER, "family_help_practitioner", "family_support", "Priya", "Shah"
    ),
    DemoUser("manager", Role.TEAM_MANAGER, "team_manager", "family_support", "Morgan", "Reid"),
    DemoUser("specialist", Role.SPECIALIST_COORDINATOR, "specialist_coordinator", "fgc", "Ciarán", "O'Neill"),
    DemoUser("leader", Role.SENIOR_LEADER, "senior_leader", None, "Helen", "Whitfield"),
    DemoUser("analyst", Role.ANALYST, "analyst", "performance", "Tomasz", "Nowak"),
    DemoUser("admin", Role.ADMINISTRATOR, "administrator", "performance", "Alex", "Morgan"),
    DemoUser("auditor", Role.AUDITOR, "auditor", "performance", "Grace", "Mensah"),
    DemoUser("partner", Role.PARTNER, "partner", None, "Zoë", "Clarke"),
)


def demo_logins() -> list[tuple[str, str, str]]:
    """The demonstration logins: (role label, username, password), one per role."""
    labels = dict(Role.choices)
    return [(str(labels[u.role]), u.username, DEMO_PASSWORD) for u in DEMO_USERS]
