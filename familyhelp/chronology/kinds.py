"""The kinds of chronology event, with the labels practitioners see. Later apps add theirs here."""

from __future__ import annotations

KINDS: dict[str, str] = {
    "person.created": "Record created",
    "person.updated": "Details changed",
    "person.restricted": "Record restricted",
    "person.unrestricted": "Restriction removed",
    "person.name_added": "Other name recorded",
    "person.address_added": "Moved address",
    "person.address_ended": "Moved out",
    "person.relationship_added": "Relationship recorded",
    "person.relationship_ended": "Relationship ended",
    "person.professional_added": "Professional involved",
    "person.professional_ended": "Professional no longer involved",
    "person.access_granted": "Access granted to a restricted record",
    "person.access_revoked": "Access to a restricted record removed",
    "person.merged": "Duplicate record merged",
    "person.unmerged": "Merge of a duplicate record undone",
    "family.created": "Family recorded",
    "family.member_added": "Joined family",
    "family.member_ended": "Left family",
    "note.significant_event": "Significant event",
    "frontdoor.contact": "Contact received at the front door",
    "frontdoor.decision": "Front-door decision",
    "casework.case_opened": "Case opened",
    "casework.stepped_up": "Stepped up",
    "casework.referral": "Referral to children's social care",
    "casework.assessment_started": "Assessment started",
    "casework.assessment_submitted": "Assessment submitted for authorisation",
    "casework.assessment_authorised": "Assessment authorised",
    "casework.assessment_returned": "Assessment returned to the worker",
    "casework.strategy_discussion": "Strategy discussion",
    "casework.s47_started": "Section 47 enquiry started",
    "casework.s47_concluded": "Section 47 enquiry concluded",
    "casework.icpc": "Initial child protection conference",
    "casework.visit": "Visit",
    "casework.note": "Case note",
    "casework.management_oversight": "Management oversight",
}

# Kinds grouped for the timeline filter.
GROUPS: dict[str, list[str]] = {
    "Record": [
        "person.created",
        "person.updated",
        "person.restricted",
        "person.unrestricted",
        "person.name_added",
        "person.merged",
        "person.unmerged",
    ],
    "Address and family": [
        "person.address_added",
        "person.address_ended",
        "person.relationship_added",
        "person.relationship_ended",
        "family.created",
        "family.member_added",
        "family.member_ended",
    ],
    "Professionals": ["person.professional_added", "person.professional_ended"],
    "Access": ["person.access_granted", "person.access_revoked"],
    "Significant events": ["note.significant_event"],
    "Front door and referrals": [
        "frontdoor.contact",
        "frontdoor.decision",
        "casework.case_opened",
        "casework.stepped_up",
        "casework.referral",
    ],
    "Assessments and enquiries": [
        "casework.assessment_started",
        "casework.assessment_submitted",
        "casework.assessment_authorised",
        "casework.assessment_returned",
        "casework.strategy_discussion",
        "casework.s47_started",
        "casework.s47_concluded",
        "casework.icpc",
    ],
    "Visits and case notes": ["casework.visit", "casework.note", "casework.management_oversight"],
}


def label(kind: str) -> str:
    """The practitioner-facing label of a kind."""
    return KINDS.get(kind, kind)
