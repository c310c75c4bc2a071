"""Roles as data: what each role may do (verbs) and how far its record scope reaches.

A verb is `<app>.<action>_<entity>`. A role grants verbs; the record scope decides which children's
records the verbs apply to. Restricted records additionally need a grant or a logged break-glass reason.
See docs/adr/0003-permission-model.md.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    FRONT_DOOR = "front_door", "Front door (MASH) practitioner"
    SOCIAL_WORKER = "social_worker", "Social worker"
    FAMILY_SUPPORT_WORKER = "family_support_worker", "Family support worker"
    FAMILY_HELP_PRACTITIONER = "family_help_practitioner", "Family help practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    SPECIALIST_COORDINATOR = "specialist_coordinator", "Specialist coordinator"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    ANALYST = "analyst", "Performance analyst"
    ADMINISTRATOR = "administrator", "Administrator"
    AUDITOR = "auditor", "Auditor (information governance)"
    PARTNER = "partner", "Partner agency user"


class Scope(models.TextChoices):
    """How far a role's verbs on children's records reach."""

    NONE = "none", "No children's records"
    REFERRED = "referred", "Only children they referred"
    OWN = "own", "Own caseload"
    TEAM = "team", "Team"
    SERVICE = "service", "Service"
    ALL = "all", "All children"


SCOPE_ORDER = [Scope.NONE, Scope.REFERRED, Scope.OWN, Scope.TEAM, Scope.SERVICE, Scope.ALL]

# Verbs -------------------------------------------------------------------------------------------
VIEW_PERSON = "people.view_person"
SEARCH_PERSON = "people.search_person"
ADD_PERSON = "people.add_person"
CHANGE_PERSON = "people.change_person"
RESTRICT_PERSON = "people.restrict_person"
GRANT_ACCESS = "people.grant_access"
BREAK_GLASS = "people.break_glass"
ADD_CHRONOLOGY = "chronology.add_entry"
VIEW_ORGANISATION = "organisation.view_organisation"
MANAGE_ORGANISATION = "organisation.manage_organisation"
MANAGE_USERS = "accounts.manage_users"
VIEW_ACCESS_LOG = "audit.view_accesslog"
USE_API_TOKEN = "accounts.use_api_token"
MANAGE_DUPLICATES = "dedup.manage_duplicates"
MANAGE_NAME_VARIANTS = "people.manage_name_variants"  # the council's own nicknames for person search
# The front door (MASH).
VIEW_CONTACT = "frontdoor.view_contact"
ADD_CONTACT = "frontdoor.add_contact"
SUBMIT_REFERRAL = "frontdoor.submit_referral"
PROPOSE_DECISION = "frontdoor.propose_decision"
AUTHORISE_DECISION = "frontdoor.authorise_decision"
MANAGE_FRONT_DOOR = "frontdoor.manage_front_door"

# Casework.
VIEW_CASE = "casework.view_case"
WORK_CASE = "casework.work_case"  # assess, plan, visit, record notes on cases in scope
ALLOCATE_CASE = "casework.allocate_case"  # the duty bank, allocation, step up/down authorisation
AUTHORISE_CASEWORK = "casework.authorise_casework"  # authorise assessments and closures, oversight notes
MANAGE_CASEWORK = "casework.manage_casework"  # the council's casework policy

# Statutory returns.
EXPORT_RETURNS = "returns.export_returns"  # build and download the CIN census, SSDA903 and Annex A
VIEW_DATA_QUALITY = "returns.view_data_quality"  # the data-quality report before a return

# Performance.
VIEW_PERFORMANCE = "performance.view_performance"  # the dashboard, CSV export and packs (aggregates)
MANAGE_PERFORMANCE = "performance.manage_performance"  # targets and comparators; write and publish packs

# Support around the family (issue 7). Practitioners use WORK_CASE/VIEW_CASE on their cases for the team
# around the family, service referrals, panel requests and practice tools.
VIEW_OWN_TAF_ACTIONS = "taf.view_own_actions"  # a partner on a team around the family: the plan, own actions
COORDINATE_SERVICE = "specialist.coordinate_service"  # a specialist service's referrals, capacity, waiting list
MANAGE_SERVICES = "specialist.manage_services"  # the catalogue of specialist services
SIT_ON_PANEL = "panels.sit_on_panel"  # attend panels, record decisions
MANAGE_PANELS = "panels.manage_panels"  # schedule panels and build their agendas

# Integration accounts (issue 13, ADR 0016). No role grants this: only an integration account with the
# `import` scope. Declared now for the import endpoints of the next issue (none uses it yet).
IMPORT_RECORDS = "imports.import_records"

ALL_VERBS = [
    VIEW_PERSON,
    SEARCH_PERSON,
    ADD_PERSON,
    CHANGE_PERSON,
    RESTRICT_PERSON,
    GRANT_ACCESS,
    BREAK_GLASS,
    ADD_CHRONOLOGY,
    VIEW_ORGANISATION,
    MANAGE_ORGANISATION,
    MANAGE_USERS,
    VIEW_ACCESS_LOG,
    USE_API_TOKEN,
    MANAGE_DUPLICATES,
    MANAGE_NAME_VARIANTS,
    VIEW_CONTACT,
    ADD_CONTACT,
    SUBMIT_REFERRAL,
    PROPOSE_DECISION,
    AUTHORISE_DECISION,
    MANAGE_FRONT_DOOR,
    VIEW_CASE,
    WORK_CASE,
    ALLOCATE_CASE,
    AUTHORISE_CASEWORK,
    MANAGE_CASEWORK,
    EXPORT_RETURNS,
    VIEW_DATA_QUALITY,
    VIEW_PERFORMANCE,
    MANAGE_PERFORMANCE,
    VIEW_OWN_TAF_ACTIONS,
    COORDINATE_SERVICE,
    MANAGE_SERVICES,
    SIT_ON_PANEL,
    MANAGE_PANELS,
    IMPORT_RECORDS,
]

_PRACTITIONER = {VIEW_PERSON, SEARCH_PERSON, ADD_PERSON, CHANGE_PERSON, BREAK_GLASS, ADD_CHRONOLOGY, VIEW_ORGANISATION}

_FRONT_DOOR = {VIEW_CONTACT, ADD_CONTACT, PROPOSE_DECISION}

_CASEWORK = {VIEW_CASE, WORK_CASE}

ROLE_VERBS: dict[str, frozenset[str]] = {
    Role.FRONT_DOOR: frozenset(_PRACTITIONER | _FRONT_DOOR),
    Role.SOCIAL_WORKER: frozenset(_PRACTITIONER | _CASEWORK),
    Role.FAMILY_SUPPORT_WORKER: frozenset(_PRACTITIONER | _CASEWORK),
    Role.FAMILY_HELP_PRACTITIONER: frozenset(_PRACTITIONER | _CASEWORK),
    Role.TEAM_MANAGER: frozenset(
        _PRACTITIONER
        | _FRONT_DOOR
        | _CASEWORK
        | {RESTRICT_PERSON, GRANT_ACCESS, AUTHORISE_DECISION, MANAGE_DUPLICATES, ALLOCATE_CASE, AUTHORISE_CASEWORK}
        | {VIEW_DATA_QUALITY, VIEW_PERFORMANCE, SIT_ON_PANEL, MANAGE_PANELS}
    ),
    Role.SPECIALIST_COORDINATOR: frozenset(
        {VIEW_PERSON, SEARCH_PERSON, BREAK_GLASS, ADD_CHRONOLOGY, VIEW_ORGANISATION, VIEW_CASE, COORDINATE_SERVICE}
    ),
    Role.SENIOR_LEADER: frozenset(
        {
            VIEW_PERSON,
            SEARCH_PERSON,
            BREAK_GLASS,
            RESTRICT_PERSON,
            GRANT_ACCESS,
            VIEW_ORGANISATION,
            VIEW_CONTACT,
            MANAGE_DUPLICATES,
            VIEW_CASE,
            VIEW_PERFORMANCE,
            MANAGE_PERFORMANCE,
            SIT_ON_PANEL,
            MANAGE_PANELS,
        }
    ),
    Role.ANALYST: frozenset(
        {VIEW_ORGANISATION, USE_API_TOKEN, EXPORT_RETURNS, VIEW_DATA_QUALITY, VIEW_PERFORMANCE, MANAGE_PERFORMANCE}
    ),
    Role.ADMINISTRATOR: frozenset(
        {
            VIEW_ORGANISATION,
            MANAGE_ORGANISATION,
            MANAGE_USERS,
            MANAGE_FRONT_DOOR,
            MANAGE_DUPLICATES,
            MANAGE_CASEWORK,
            MANAGE_SERVICES,
            MANAGE_PANELS,
            MANAGE_NAME_VARIANTS,
        }
    ),
    Role.AUDITOR: frozenset({VIEW_ACCESS_LOG, VIEW_ORGANISATION}),
    Role.PARTNER: frozenset({VIEW_PERSON, USE_API_TOKEN, SUBMIT_REFERRAL, VIEW_OWN_TAF_ACTIONS}),
}

ROLE_SCOPE: dict[str, str] = {
    Role.FRONT_DOOR: Scope.ALL,
    Role.SOCIAL_WORKER: Scope.TEAM,
    Role.FAMILY_SUPPORT_WORKER: Scope.TEAM,
    Role.FAMILY_HELP_PRACTITIONER: Scope.TEAM,
    Role.TEAM_MANAGER: Scope.SERVICE,
    Role.SPECIALIST_COORDINATOR: Scope.OWN,
    Role.SENIOR_LEADER: Scope.ALL,
    Role.ANALYST: Scope.NONE,
    Role.ADMINISTRATOR: Scope.NONE,
    Role.AUDITOR: Scope.NONE,
    Role.PARTNER: Scope.REFERRED,
}

# Integration accounts ------------------------------------------------------------------------------
# A council's own scripts (data loads, a BI refresh, imports) sign in with a token, never a password. Their
# User row carries this role, which is not a `Role` choice (administrators cannot give it to a person);
# what the account may do comes from its named scopes, each granting a fixed set of verbs. The record
# scope is always NONE: an integration account never reaches a child's record through the scope rules.
INTEGRATION_ROLE = "integration"
INTEGRATION_ROLE_LABEL = "Integration account"
ROLE_SCOPE[INTEGRATION_ROLE] = Scope.NONE


class IntegrationScope(models.TextChoices):
    """What an integration account's token may be used for (ADR 0016)."""

    READ_PERFORMANCE = "read-performance", "Read performance figures (aggregates only)"
    READ_RETURNS = "read-returns", "Check and download the statutory returns"
    IMPORT = "import", "Import records (the import endpoints of the next release)"


SCOPE_VERBS: dict[str, frozenset[str]] = {
    IntegrationScope.READ_PERFORMANCE: frozenset({VIEW_PERFORMANCE}),
    IntegrationScope.READ_RETURNS: frozenset({VIEW_DATA_QUALITY, EXPORT_RETURNS}),
    IntegrationScope.IMPORT: frozenset({IMPORT_RECORDS}),
}


def scope_verbs(scopes: list[str] | tuple[str, ...]) -> frozenset[str]:
    """The verbs an integration account with these scopes may use (unknown scopes grant nothing)."""
    verbs: set[str] = set()
    for scope in scopes:
        verbs |= SCOPE_VERBS.get(scope, frozenset())
    return frozenset(verbs)


# Which job roles may take which roles (a guard on user administration).
STAFF_ROLES = [r for r in Role if r != Role.PARTNER]
