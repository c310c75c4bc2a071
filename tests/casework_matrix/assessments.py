"""Role-matrix rows for the casework assessments URLs (merged by test_permission_coverage).

`build(world)` runs after cases.build, so `world.case` (the social worker's open level 4 case for
`world.own`, with CIN episode `world.episode`) exists. It starts a single assessment on that case
(`world.assessment`, in progress) and records a strategy discussion that started a section 47 enquiry
(`world.strategy`, `world.s47`).
"""

from __future__ import annotations

import datetime
from typing import Any

CASE = {"pk": lambda w: w.case.pk}
ASSESSMENT = {"pk": lambda w: w.assessment.pk}
S47 = {"pk": lambda w: w.s47.pk}
TODAY = datetime.date.today().isoformat()
# roles: frontdoor sw manager specialist leader analyst admin auditor partner anon
VIEW_LIST = "403 200 200 200 200 403 403 403 403 302"
VIEW = "403 200 200 403 200 403 403 403 403 302"
WORK = "403 200 200 403 403 403 403 403 403 302"
MANAGER = "403 403 200 403 403 403 403 403 403 302"
API_LIST = "403 200 200 200 200 403 403 403 403 401"
API_VIEW = "403 200 200 403 200 403 403 403 403 401"
API_WORK = "403 200 200 403 403 403 403 403 403 401"
API_WORK_REFUSED = "403 400 400 403 403 403 403 403 403 401"  # allowed, but the record is not ready for it
API_MANAGER_REFUSED = "403 403 400 403 403 403 403 403 403 401"

MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {
    "casework:assessments": ("get", {}, None, VIEW_LIST),
    "casework:case_assessments": ("get", CASE, None, VIEW),
    "casework:assessment_start": ("get", CASE, None, WORK),
    "casework:assessment": ("get", ASSESSMENT, None, VIEW),
    "casework:assessment_edit": ("get", ASSESSMENT, None, WORK),
    "casework:assessment_authorise": ("get", ASSESSMENT, None, MANAGER),
    "casework:strategy_discussion_add": ("get", CASE, None, WORK),
    "casework:s47": ("get", S47, None, VIEW),
    "casework:s47_conclude": ("get", S47, None, WORK),
    "casework:icpc_record": ("get", S47, None, WORK),
    "api:assessment-list": ("get", {}, None, API_LIST),
    "api:assessment-detail": ("get", ASSESSMENT, None, API_VIEW),
    # The assessment is in progress and empty: submitting is refused field by field; it cannot be authorised
    # or returned before it is submitted.
    "api:assessment-submit": ("post", ASSESSMENT, lambda w: {"version": w.assessment.version}, API_WORK_REFUSED),
    "api:assessment-authorise": (
        "post",
        ASSESSMENT,
        lambda w: {"version": w.assessment.version},
        API_MANAGER_REFUSED,
    ),
    "api:assessment-send-back": (
        "post",
        ASSESSMENT,
        lambda w: {"comment": "Add the school's view"},
        API_MANAGER_REFUSED,
    ),  # fmt: skip
    "api:strategy-discussion-list": ("get", {}, None, API_LIST),
    "api:strategy-discussion-detail": ("get", {"pk": lambda w: w.strategy.pk}, None, API_VIEW),
    "api:s47-enquiry-list": ("get", {}, None, API_LIST),
    "api:s47-enquiry-detail": ("get", S47, None, API_VIEW),
    "api:s47-enquiry-conclude": (
        "post",
        S47,
        lambda w: {"version": w.s47.version, "outcome": "nfa", "concluded_on": TODAY, "child_seen_on": TODAY},
        API_WORK,
    ),
    # Not concluded to a conference yet: refused.
    "api:s47-enquiry-icpc": (
        "post",
        S47,
        lambda w: {"version": w.s47.version, "icpc_on": TODAY, "icpc_outcome": "cp_plan"},
        API_WORK_REFUSED,
    ),
}


def build(world: Any) -> None:
    """An in-progress single assessment and an open section 47 enquiry on the social worker's case."""
    from familyhelp.casework.services import assessments as svc

    today = datetime.date.today()
    world.assessment = svc.assessment_start(actor=world.sw, case=world.case, kind="single", started_on=today)
    world.strategy = svc.strategy_discussion_record(
        actor=world.sw, case=world.case, held_on=today, agencies=["Police", "Health"], decision="s47"
    )
    world.s47 = world.strategy.s47_enquiry
