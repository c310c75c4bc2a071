"""The council's casework policy (one row, created with the defaults the first time it is asked for)."""

from __future__ import annotations

from familyhelp.casework.models import CaseworkPolicy


def casework_policy() -> CaseworkPolicy:
    policy = CaseworkPolicy.objects.order_by("created_at").first()
    if policy is None:
        policy = CaseworkPolicy.objects.create(
            visit_working_days=dict(CaseworkPolicy.DEFAULT_VISITS),
            caseload_weights=dict(CaseworkPolicy.DEFAULT_WEIGHTS),
        )
    return policy
