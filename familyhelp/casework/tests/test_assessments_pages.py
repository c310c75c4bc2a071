"""Assessment, strategy discussion and section 47 pages: the GOV.UK error summary, permission checks, clocks
shown (overdue the day after the deadline, not on it), and refusals that write nothing."""

from __future__ import annotations

import datetime
import html as htmllib
import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from familyhelp.audit.models import AccessLog
from familyhelp.casework.models import Assessment, S47Enquiry, StrategyDiscussion
from familyhelp.casework.services import assessments as svc
from familyhelp.casework.tests.assessments_helpers import build_aw

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world):
    return build_aw(world)


def _date(name: str, d: D | None) -> dict[str, str]:
    if d is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {f"{name}_day": str(d.day), f"{name}_month": str(d.month), f"{name}_year": str(d.year)}


def _summary(response) -> list[str]:
    """The messages in the GOV.UK error summary."""
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    body = html.split('govuk-error-summary__list">', 1)[1].split("</ul>", 1)[0]
    return [htmllib.unescape(re.sub(r"<[^>]+>", "", li)).strip() for li in re.findall(r"<li>(.*?)</li>", body, re.S)]


START = D(2024, 12, 20)
LATE = "Typed up after the Christmas break"  # issue 13: dates older than 7 days need a late reason


def _started(aw, on=START):
    return svc.assessment_start(actor=aw.sw, case=aw.l4, kind="single", started_on=on, late_reason=LATE)


@freeze_time("2024-12-20 10:00")
def test_start_page_shows_the_error_summary_and_writes_nothing(aw, client_for):
    c = client_for(aw.sw)
    url = reverse("casework:assessment_start", kwargs={"pk": aw.l4.pk})
    page = c.get(url)
    assert page.status_code == 200 and b"Start the single assessment" in page.content
    response = c.post(url, _date("started_on", D(2024, 12, 23)))
    assert response.status_code == 200
    assert _summary(response) == ["The start date must be today or in the past"]
    assert not Assessment.objects.exists()
    response = c.post(url, _date("started_on", D(2024, 12, 20)))
    a = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("casework:assessment", kwargs={"pk": a.pk})
    assert a.due_on == D(2025, 2, 26)
    # The read of the case was logged.
    assert AccessLog.objects.filter(user=aw.sw, object_id=str(aw.l4.pk), reason="started an assessment").exists()


@freeze_time("2024-12-20 10:00")
def test_pages_refuse_users_who_cannot_work_the_case(aw, client_for):
    a = _started(aw)
    for user, name, kwargs in [
        (aw.cp_worker, "casework:assessment_start", {"pk": aw.l4.pk}),
        (aw.cp_worker, "casework:assessment_edit", {"pk": a.pk}),
        (aw.sw, "casework:assessment_authorise", {"pk": a.pk}),
        (aw.specialist, "casework:strategy_discussion_add", {"pk": aw.l4.pk}),
    ]:
        assert client_for(user).get(reverse(name, kwargs=kwargs)).status_code == 403, (user, name)


@freeze_time("2024-12-30 10:00")
def test_submitting_an_incomplete_assessment_shows_every_problem_and_saves_nothing(aw, client_for):
    a = _started(aw)
    c = client_for(aw.sw)
    url = reverse("casework:assessment_edit", kwargs={"pk": a.pk})
    assert c.get(url).status_code == 200
    data = {"version": "1", "action": "submit", "analysis": "A first view.", **_date("child_seen_on", None)}
    response = c.post(url, data)
    assert response.status_code == 200
    assert _summary(response) == [
        "Enter the date the child was seen: a single assessment needs it",
        "Choose the factors identified, or 'No factors identified'",
        "Choose the outcome of the assessment",
    ]
    a.refresh_from_db()
    assert (a.analysis, a.version, a.status) == ("", 1, Assessment.Status.IN_PROGRESS)  # the save rolled back too
    data.update({"factors": ["3B", "16A"], "outcome": "close", **_date("child_seen_on", D(2024, 12, 23))})
    response = c.post(url, data)
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.status, a.closure_reason, a.factors) == (Assessment.Status.SUBMITTED, "RC8", ["16A", "3B"])


@freeze_time("2024-12-30 10:00")
def test_a_stale_form_is_refused_with_a_message(aw, client_for):
    a = _started(aw)
    svc.assessment_update(actor=aw.sw, assessment=a, expected_version=1, analysis="Saved elsewhere")
    response = client_for(aw.sw).post(
        reverse("casework:assessment_edit", kwargs={"pk": a.pk}), {"version": "1", "action": "save", "analysis": "X"}
    )
    assert response.status_code == 200
    assert "Someone else changed this record" in _summary(response)[0]
    a.refresh_from_db()
    assert a.analysis == "Saved elsewhere"


@freeze_time("2024-12-30 10:00")
def test_manager_authorises_and_the_page_offers_the_next_step(aw, client_for):
    a = _started(aw)
    a = svc.assessment_update(actor=aw.sw, assessment=a, expected_version=1, factors=["21"],
                              child_seen_on=D(2024, 12, 23), analysis="No concerns found.",
                              outcome="close")  # fmt: skip
    a = svc.assessment_submit(actor=aw.sw, assessment=a, expected_version=a.version)
    c = client_for(aw.manager)
    url = reverse("casework:assessment_authorise", kwargs={"pk": a.pk})
    assert c.get(url).status_code == 200
    response = c.post(url, {"version": str(a.version), "action": "return", "comment": ""})
    assert _summary(response) == ["Say what the assessment needs before it can be authorised"]
    response = c.post(url, {"version": str(a.version), "action": "authorise", "comment": ""})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == Assessment.Status.AUTHORISED and a.authorised_on == D(2024, 12, 30)
    page = c.get(reverse("casework:assessment", kwargs={"pk": a.pk})).content.decode()
    assert "Close the case" in page and "In timescale" in page
    # The case page (the cases area's) includes this section, with the link to the next step.
    case_page = c.get(reverse("casework:case", kwargs={"pk": aw.l4.pk})).content.decode()
    assert "Assessments and enquiries" in case_page
    assert reverse("casework:close", kwargs={"pk": aw.l4.pk}) in case_page


@freeze_time("2024-12-30 10:00")
def test_a_manager_cannot_authorise_their_own_submission_through_the_page(aw, client_for):
    a = _started(aw)
    a = svc.assessment_update(actor=aw.manager, assessment=a, expected_version=1, factors=["21"],
                              child_seen_on=D(2024, 12, 23), analysis="Fine.", outcome="plan")  # fmt: skip
    a = svc.assessment_submit(actor=aw.manager, assessment=a, expected_version=a.version)
    url = reverse("casework:assessment_authorise", kwargs={"pk": a.pk})
    response = client_for(aw.manager).post(url, {"version": str(a.version), "action": "authorise"})
    assert _summary(response) == ["You submitted this assessment: another manager must authorise it."]
    a.refresh_from_db()
    assert a.status == Assessment.Status.SUBMITTED


@pytest.mark.parametrize(
    ("today", "shows"),
    [("2025-02-26", "Due today"), ("2025-02-27", "Overdue"), ("2025-02-19", "5 working days left")],
)
def test_list_and_case_page_show_overdue_the_day_after_the_deadline_not_on_it(aw, client_for, today, shows):
    with freeze_time("2024-12-20 10:00"):
        a = _started(aw)  # due Wed 26 Feb 2025 (see the service tests for the count)
    with freeze_time(f"{today} 10:00"):
        for url in (reverse("casework:assessments"), reverse("casework:case_assessments", kwargs={"pk": aw.l4.pk})):
            html = client_for(aw.manager).get(url).content.decode()
            assert shows in html, url
            assert ("govuk-tag--red" in html) is (shows == "Overdue"), url
            assert ("Overdue" in html) is (shows == "Overdue"), url
    assert a.due_on == D(2025, 2, 26)


@freeze_time("2025-01-06 10:00")
def test_the_list_is_scoped(aw, client_for):
    _started(aw)
    assert "Zoë O&#x27;Brien" in client_for(aw.manager).get(reverse("casework:assessments")).content.decode()
    other = client_for(aw.cp_worker).get(reverse("casework:assessments")).content.decode()
    assert "O&#x27;Brien" not in other and "There are no assessments here." in other


@freeze_time("2025-04-10 10:00")
def test_strategy_discussion_page_refuses_a_level_3_case_and_starts_an_enquiry(aw, client_for):
    c = client_for(aw.sw)
    data = {**_date("held_on", D(2025, 4, 10)), "agencies": ["Police", "Health"], "decision": "s47", "notes": ""}
    response = c.post(reverse("casework:strategy_discussion_add", kwargs={"pk": aw.l3.pk}), data)
    assert _summary(response) == [
        "A strategy discussion is for a level 4 case with a children in need episode: step the case up first"
    ]
    response = c.post(reverse("casework:strategy_discussion_add", kwargs={"pk": aw.l4.pk}),
                      {**data, "agencies": ["Health"]})  # fmt: skip
    assert _summary(response) == ["A strategy discussion must include the police"]
    assert not StrategyDiscussion.objects.exists()
    response = c.post(reverse("casework:strategy_discussion_add", kwargs={"pk": aw.l4.pk}), data)
    enquiry = S47Enquiry.objects.get()
    assert response["Location"] == reverse("casework:s47", kwargs={"pk": enquiry.pk})
    html = c.get(response["Location"]).content.decode()
    assert "6 May 2025" in html and "Conclude the enquiry" in html


@freeze_time("2025-05-07 10:00")
def test_conclude_and_record_the_conference_through_the_pages(aw, client_for):
    discussion = svc.strategy_discussion_record(actor=aw.sw, case=aw.l4, held_on=D(2025, 4, 10),
                                                agencies=["Police"], decision="s47", late_reason=LATE)  # fmt: skip
    enquiry = discussion.s47_enquiry
    c = client_for(aw.sw)
    html = c.get(reverse("casework:s47", kwargs={"pk": enquiry.pk})).content.decode()
    assert "Overdue" in html  # due 6 May, today 7 May, no conference yet
    conclude = reverse("casework:s47_conclude", kwargs={"pk": enquiry.pk})
    response = c.post(conclude, {"version": "1", "outcome": "icpc", **_date("concluded_on", D(2025, 4, 9)),
                                 **_date("child_seen_on", None)})  # fmt: skip
    assert _summary(response) == [
        "The date the enquiry concluded must be on or after the start of the section 47 enquiry (10 April 2025)",
        "Enter the date the child was seen during the enquiry",
    ]
    response = c.post(conclude, {"version": "1", "outcome": "icpc", **_date("concluded_on", D(2025, 4, 25)),
                                 **_date("child_seen_on", D(2025, 4, 11)), "late_reason": LATE})  # fmt: skip
    assert response.status_code == 302
    icpc = reverse("casework:icpc_record", kwargs={"pk": enquiry.pk})
    response = c.post(icpc, {"version": "2", "icpc_outcome": "cp_plan", **_date("icpc_on", D(2025, 5, 7))})
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.icpc_on, enquiry.icpc_outcome) == (D(2025, 5, 7), "cp_plan")
    # The child protection plan starts on the conference date: the plans area's start page when it exists.
    location = response["Location"]
    s47_url = reverse("casework:s47", kwargs={"pk": enquiry.pk})
    assert location.endswith(f"?kind=cp&s47={enquiry.pk}") or location == s47_url
    html = c.get(reverse("casework:s47", kwargs={"pk": enquiry.pk})).content.decode()
    assert "Out of timescale" in html
