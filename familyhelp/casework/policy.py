"""The council's casework policy (one row, created with the defaults the first time it is asked for)."""

from __future__ import annotations

from typing import Any

from familyhelp.casework.models import CaseworkPolicy
from familyhelp.core.middleware import forget_request_memo, request_memo

POLICY_MEMO = "casework.policy"


def casework_policy() -> CaseworkPolicy:
    """The policy, read once per request (the case page's sections each ask for it)."""
    memo = request_memo(POLICY_MEMO)
    if memo is not None and "policy" in memo:
        return memo["policy"]  # type: ignore[no-any-return]
    policy = CaseworkPolicy.objects.order_by("created_at").first()
    if policy is None:
        policy = CaseworkPolicy.objects.create(
            visit_working_days=dict(CaseworkPolicy.DEFAULT_VISITS),
            caseload_weights=dict(CaseworkPolicy.DEFAULT_WEIGHTS),
        )
    if memo is not None:
        memo["policy"] = policy
    return policy


def forget_casework_policy(**kwargs: Any) -> None:
    """A change to the policy in this request is read afresh by what follows it."""
    forget_request_memo(POLICY_MEMO)
