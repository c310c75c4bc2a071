"""The council's casework policy (one row, created with the defaults the first time it is asked for)."""

from __future__ import annotations

from familyhelp.casework import memo
from familyhelp.casework.models import CaseworkPolicy


def _read() -> CaseworkPolicy:
    policy = CaseworkPolicy.objects.order_by("created_at").first()
    if policy is None:
        policy = CaseworkPolicy.objects.create(
            visit_working_days=dict(CaseworkPolicy.DEFAULT_VISITS),
            caseload_weights=dict(CaseworkPolicy.DEFAULT_WEIGHTS),
        )
    return policy


def casework_policy() -> CaseworkPolicy:
    """The policy, read once per page view (the case page's sections each ask for it). Like every case read
    in casework.memo, only reads remember it: a request that changes the policy always reads it afresh."""
    return memo.remembered("policy", "council", _read)
