"""The front door as a new council gets it: a policy, the usual partner checks and a threshold document.

Used by the data migration and by the synthetic council; administrators change all of it afterwards.
"""

from __future__ import annotations

from typing import Any

CHECK_TYPES = [
    # name, agency kind, due working hours, requested by default, required by default, screens exploitation
    ("Police", "police", 4, True, True, False),
    ("Health", "health", 8, True, False, False),
    ("Education", "education", 8, True, False, False),
    ("Youth Offending Service", "youth_offending", 8, False, True, True),
    ("Housing", "housing", 16, False, False, False),
    ("Probation", "probation", 16, False, False, False),
    ("Early help", "other", 8, True, False, False),
]

THRESHOLD_TITLE = "Meeting the needs of children and families: our threshold document"
THRESHOLD_LEVELS = [
    (
        1,
        "Universal",
        "Children whose needs are met by universal services (schools, GPs, health visitors) without extra support.",
        "Healthy development; attends school regularly; parents meet the child's needs with everyday advice.",
    ),
    (
        2,
        "Early help / family hub",
        "Children and families with emerging needs that one service or a family hub can meet, with the family's "
        "agreement.",
        "Attendance falling; parenting advice needed; a young carer needing some support; low-level behaviour "
        "concerns at home.",
    ),
    (
        3,
        "Targeted family support",
        "Children with several or complex needs that need a coordinated plan from more than one service, led by a "
        "family support worker, with the family's consent.",
        "Domestic abuse without serious injury where the family engages; parental mental health or substance "
        "misuse affecting care; persistent non-attendance; early signs of exploitation.",
    ),
    (
        4,
        "Statutory: children's social care",
        "Children in need (section 17) whose development is likely to be significantly impaired without services, "
        "and children suffering or likely to suffer significant harm (section 47).",
        "Physical injury, sexual abuse or serious neglect; high-risk domestic abuse; a child at risk of "
        "exploitation or missing; a child with no one to care for them.",
    ),
]


def install(apps: Any = None) -> None:
    """Create the default policy, check types and threshold document where missing (idempotent).

    `apps` is the migration state's app registry when called from a migration, else the real models.
    """
    from datetime import date

    from django.utils import timezone

    def model(name: str) -> Any:
        if apps is not None:
            return apps.get_model("frontdoor", name)
        from django.apps import apps as real

        return real.get_model("frontdoor", name)

    policy, check_type, document, level = (
        model("FrontDoorPolicy"), model("CheckType"), model("ThresholdDocument"), model("ThresholdLevel")
    )
    if not policy.objects.exists():
        policy.objects.create()
    for order, (name, kind, hours, requested, required, screens) in enumerate(CHECK_TYPES):
        check_type.objects.get_or_create(
            name=name,
            defaults={
                "agency_kind": kind,
                "due_hours": hours,
                "requested_by_default": requested,
                "required_by_default": required,
                "screens_exploitation": screens,
                "order": order,
            },
        )
    if not document.objects.exists():
        doc = document.objects.create(
            number=1, title=THRESHOLD_TITLE, status="published", in_force_from=date(2016, 4, 1),
            published_at=timezone.now(),
        )
        for number, name, descriptor, examples in THRESHOLD_LEVELS:
            level.objects.create(document=doc, level=number, name=name, descriptor=descriptor, examples=examples)
