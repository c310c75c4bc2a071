"""Case reads remembered for the rest of a page view.

The case page asks the same questions of one case from several sections (its open plans, when the child was
last seen, its open CIN episode, which plans are open): each is read once per request. Only reads (GET and
HEAD) remember, and any write to a casework record in the request forgets everything (see casework.apps), so
a service deciding an invariant always reads the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from familyhelp.core.middleware import current_request, forget_request_memo, request_memo

CASE_MEMO = "casework.case"
T = TypeVar("T")


def _memo() -> dict[Any, Any] | None:
    request = current_request()
    if request is None or request.method not in ("GET", "HEAD"):
        return None
    return request_memo(CASE_MEMO)


def remembered(name: str, case_pk: Any, compute: Callable[[], T]) -> T:
    """`compute()` once per request for this case and question."""
    memo = _memo()
    if memo is None or case_pk is None:
        return compute()
    key = (name, case_pk)
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def known(name: str, case_pk: Any) -> tuple[bool, Any]:
    """(True, answer) when this request has read it already, else (False, None)."""
    memo = _memo()
    if memo is None or (name, case_pk) not in memo:
        return False, None
    return True, memo[(name, case_pk)]


def remember(name: str, case_pk: Any, value: Any) -> None:
    """Record an answer read in bulk (the work trays read many cases at once)."""
    memo = _memo()
    if memo is not None:
        memo.setdefault((name, case_pk), value)


def forget_case_reads(**kwargs: Any) -> None:
    forget_request_memo(CASE_MEMO)
