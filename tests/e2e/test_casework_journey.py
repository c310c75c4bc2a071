"""Casework, end to end (issue 4): a team manager allocates a level 4 case from the duty bank; the social worker
carries out a single assessment (refused once without the date the child was seen) and the manager authorises
it; a child in need plan starts, gets a goal, an action and a review; a strategy discussion starts a section 47
enquiry, which concludes to an initial conference deciding on a child protection plan; the plan starts on the
conference date (refused on any other date); it later steps down to a child in need plan in the same care plan
(goals carried over); the manager steps the case down to level 3, closing the CIN episode (RC9 is refused
because the episode had plans and an enquiry, CIN census error 2990; RC7); a family support plan follows;
the case closes; the child's chronology shows every step. Every page is checked with axe."""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from familyhelp.casework.models import Assessment, Case, CINEpisode, Plan
from familyhelp.core import clock


def _long(day: datetime.date) -> str:
    """A date as the pages write it ("j F Y"): 6 May 2025."""
    return f"{day.day} {day:%B %Y}"


def _fill_date(page, legend: str, day: datetime.date) -> None:  # type: ignore[no-untyped-def]
    """Fill a GOV.UK date input (day, month, year) found by its fieldset's legend."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _switch(page, sign_in, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    sign_in(page, username)


def test_allocation_to_closure_through_one_care_plan(  # type: ignore[no-untyped-def]
    world, transactional_db, live_server, page, sign_in, axe_check
):
    from familyhelp.casework.services.cases import case_open_from_front_door

    today = clock.today()
    day = {n: today - datetime.timedelta(days=n) for n in (60, 58, 55, 52, 50, 40, 30, 28, 27, 25, 20, 19, 10, 5, 2)}
    # The starting data: the front door's level 4 decision, 60 days ago, put the case in the duty bank.
    case, episode = case_open_from_front_door(
        actor=world.frontdoor,
        person=world.own,
        level=4,
        contact=None,
        opened_on=day[60],
        referral_source="2A",
        primary_need="N1",
        route="s17",
    )
    assert episode is not None and case.status == Case.Status.AWAITING_ALLOCATION
    case_url = f"{live_server.url}/cases/{case.pk}/"

    # 1. The team manager allocates the case from the duty bank to the social worker.
    sign_in(page, "manager")
    page.get_by_role("link", name="Duty bank").first.click()
    row = page.locator(f'[data-case="{case.reference}"]')
    expect(row).to_contain_text("4")
    axe_check(page)
    row.get_by_role("link", name=f"Allocate case {case.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocate the case")
    axe_check(page)
    page.locator('[data-worker="sw"]').get_by_role("radio").check()
    page.get_by_label("Reason", exact=True).fill("Lightest caseload in the North team")
    page.get_by_role("button", name="Allocate").click()
    expect(page.locator("#case-worker")).to_contain_text(str(world.sw))
    expect(page.locator("#case-status")).to_have_text("Open")
    axe_check(page)

    # 2. The social worker starts the single assessment and is refused a submission without the child-seen date.
    _switch(page, sign_in, "sw")
    page.get_by_role("link", name="My work").first.click()
    axe_check(page)
    page.get_by_role("link", name=case.reference).first.click()
    axe_check(page)
    page.get_by_role("link", name="Start an assessment").click()
    axe_check(page)
    _fill_date(page, "Start date", day[58])
    page.get_by_label("Why is this being recorded late?").fill("Typed up from the paper file")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Single assessment")
    axe_check(page)
    assessment = Assessment.objects.get(case=case)
    page.get_by_role("link", name="Continue the assessment").click()
    axe_check(page)
    page.get_by_label("Neglect", exact=True).check()
    page.get_by_label("Domestic abuse: concerns about the parent or carer being the subject").check()
    page.get_by_label("Analysis").fill("Zoë's needs are not consistently met; a child in need plan is needed.")
    page.get_by_label("Plan (family support or child in need)").check()
    page.get_by_role("button", name="Save and submit for authorisation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the date the child was seen: a single assessment needs it"
    )
    axe_check(page)
    assessment.refresh_from_db()  # the refused submission saved nothing, not even the factors
    assert assessment.status == Assessment.Status.IN_PROGRESS
    assert assessment.factors == [] and assessment.analysis == "" and assessment.child_seen_on is None
    _fill_date(page, "Date the child was seen", day[55])
    _fill_date(page, "Date submitted for authorisation", day[52])
    page.get_by_label("Why is this being recorded late?").fill("Typed up from the paper file")
    page.get_by_role("button", name="Save and submit for authorisation").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Awaiting authorisation")
    axe_check(page)

    # 3. The manager authorises it: on paper 50 days ago, typed today with the reason.
    _switch(page, sign_in, "manager")
    page.goto(f"{live_server.url}/cases/assessments/?status=submitted")
    axe_check(page)
    page.get_by_role("link", name=f"Single assessment for case {case.reference}").click()
    page.get_by_role("link", name="Authorise or return").click()
    axe_check(page)
    page.get_by_label("Comment").fill("Agreed: child in need plan.")
    _fill_date(page, "Date of your decision", day[50])
    page.get_by_label("Why is this being recorded late?").fill("Authorised on paper during the system outage")
    page.get_by_role("button", name="Authorise", exact=True).click()
    authorised = page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text="Authorised"))
    expect(authorised).to_contain_text(f"{_long(day[50])} by {world.manager}")
    expect(authorised).to_contain_text("In timescale")
    axe_check(page)

    # 4. The social worker starts the child in need plan, adds a goal and an action, and records a review.
    _switch(page, sign_in, "sw")
    page.goto(case_url)
    page.get_by_role("link", name="Start the child in need plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a child in need plan")
    axe_check(page)
    _fill_date(page, "Start date", day[40])
    page.get_by_label("What the plan is for").fill("Zoë is safe, fed and at school every day.")
    page.get_by_label("Why is this being recorded late?").fill("Typed up from the paper file")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Child in need plan")
    axe_check(page)
    cin_plan = Plan.objects.get(case=case, kind=Plan.Kind.CIN)
    page.get_by_role("link", name="Add a goal").click()
    axe_check(page)
    goal = "Zoë goes to school every day"
    page.get_by_label("Goal", exact=True).fill(goal)
    page.get_by_role("button", name="Add the goal").click()
    page.get_by_role("link", name="Add an action").click()
    axe_check(page)
    action = "Walk Zoë to the breakfast club each morning"
    page.get_by_label("What will be done").fill(action)
    page.get_by_label("Goal it works towards").select_option(label=goal)
    page.get_by_label("Name of the person responsible (partner agency or family)").fill("Siobhán O'Brien")
    page.get_by_label("Their agency, or 'Family'").fill("Family")
    _fill_date(page, "Due date", today + datetime.timedelta(days=28))
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator("main")).to_contain_text(action)
    axe_check(page)
    page.get_by_role("link", name="Record a review").click()
    axe_check(page)
    _fill_date(page, "Date of the review", day[30])
    page.get_by_label("Why is this being recorded late?").fill("Review minutes typed up from the paper file")
    page.get_by_label("Continue the plan").check()
    page.get_by_label("Notes").fill("Attendance improving; new worries about bruising reported by school.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator("main")).to_contain_text("Continue the plan")
    axe_check(page)

    # 5. A strategy discussion decides on a section 47 enquiry, which concludes to an initial conference.
    page.get_by_role("link", name="Back to the case").click()
    page.get_by_role("link", name="Record a strategy discussion").click()
    axe_check(page)
    _fill_date(page, "Date of the strategy discussion", day[28])
    expect(page.get_by_label("Police")).to_be_checked()
    page.get_by_label("Health").check()
    page.get_by_label("Start a section 47 enquiry").check()
    page.get_by_label("Notes").fill("Unexplained bruising: police and health agree a joint enquiry.")
    page.get_by_label("Why is this being recorded late?").fill("Minutes received from the police this week")
    page.get_by_role("button", name="Record the strategy discussion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Section 47 enquiry")
    axe_check(page)
    page.get_by_role("link", name="Conclude the enquiry").click()
    axe_check(page)
    page.get_by_label("Initial child protection conference").check()
    _fill_date(page, "Date the enquiry concluded", day[25])
    _fill_date(page, "Date the child was seen", day[27])
    page.get_by_label("Why is this being recorded late?").fill("Written up after the conference")
    page.get_by_role("button", name="Conclude the enquiry").click()
    page.get_by_role("link", name="Record the initial conference").click()
    axe_check(page)
    _fill_date(page, "Date of the initial child protection conference", day[20])
    page.get_by_label("Child protection plan", exact=True).check()
    page.get_by_label("Why is this being recorded late?").fill("Conference minutes arrived late")
    page.get_by_role("button", name="Record the conference").click()

    # 6. The child protection plan: refused on a date other than the conference's, then started on it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a child protection plan")
    axe_check(page)
    _fill_date(page, "Start date", day[19])
    page.get_by_label("Initial category of abuse").select_option(label="Physical abuse")
    page.get_by_label("Why is this being recorded late?").fill("Conference minutes arrived late")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"A child protection plan starts on the date of the initial child protection conference that decided on it: "
        f"the conference for the section 47 enquiry from {_long(day[28])} was held on {_long(day[20])}"
    )
    axe_check(page)
    assert not Plan.objects.filter(person=world.own, kind=Plan.Kind.CP).exists()
    cin_plan.refresh_from_db()
    assert cin_plan.ended_on is None  # nothing was written: the child in need plan is still open
    _fill_date(page, "Start date", day[20])
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Child protection plan")
    summary = page.locator(".govuk-summary-list").first
    expect(summary.locator(".govuk-summary-list__row", has_text="Started")).to_contain_text(_long(day[20]))
    expect(summary).to_contain_text(f"Child in need plan from {_long(day[40])}")
    expect(summary).to_contain_text("Physical abuse")
    axe_check(page)
    cp_plan = Plan.objects.get(person=world.own, kind=Plan.Kind.CP)
    assert cp_plan.started_on == day[20] and cp_plan.previous_id == cin_plan.pk

    # 7. The review conference steps it down to a child in need plan in the same care plan.
    page.get_by_role("link", name="Record a review").click()
    _fill_date(page, "Date of the review", day[10])
    page.get_by_label("Why is this being recorded late?").fill("Review conference minutes arrived late")
    page.get_by_label("Step down").check()
    page.get_by_label("Latest category of abuse").select_option(label="Physical abuse")
    axe_check(page)
    page.get_by_role("button", name="Record the review").click()
    page.get_by_role("link", name="Back to the case").click()
    page.get_by_role("link", name="Start a child in need plan").click()
    axe_check(page)
    _fill_date(page, "Start date", day[10])
    page.get_by_label("Why is this being recorded late?").fill("Review conference minutes arrived late")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Child in need plan")
    expect(page.locator(".govuk-summary-list").first).to_contain_text(f"Child protection plan from {_long(day[20])}")
    goals = page.locator("table", has_text="Goal")
    expect(goals.first).to_contain_text(goal)
    expect(goals.first).to_contain_text("Carried over from the child protection plan")
    expect(page.locator("main")).to_contain_text(action)
    axe_check(page)
    second_cin = Plan.objects.get(person=world.own, kind=Plan.Kind.CIN, ended_on__isnull=True)
    assert second_cin.previous_id == cp_plan.pk

    # 8. The manager steps the case down to level 3 and the CIN episode closes. RC9 ("closed after assessment,
    # referred to early help") is refused: this episode had plans and a section 47 enquiry (CIN census error
    # 2990, enforced at entry); RC7 (services ceased) is the right code.
    _switch(page, sign_in, "manager")
    page.goto(case_url)
    axe_check(page)
    page.get_by_role("link", name="Step down").click()
    axe_check(page)
    page.get_by_label("Level 3: targeted family support").check()
    page.get_by_label("Practitioner who asked").select_option(
        label=f"{world.sw}, {world.sw.get_role_display().lower()} ({world.sw.team})"
    )
    _fill_date(page, "Date of the step down", day[5])
    page.get_by_label("Reason the children in need episode closes (CIN census)").select_option(value="RC9")
    page.get_by_label("Why the case steps down").fill("Plan goals mostly met; family support can continue the work.")
    page.get_by_role("button", name="Step down").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "RC9 means the case closed straight after its assessment"
    )
    axe_check(page)
    episode.refresh_from_db()
    assert episode.closed_on is None  # nothing was written
    page.get_by_label("Reason the children in need episode closes (CIN census)").select_option(value="RC7")
    page.get_by_role("button", name="Step down").click()
    expect(page.locator("#case-summary")).to_contain_text("Level 3: targeted family support")
    expect(page.locator("main")).to_contain_text("RC7")
    axe_check(page)
    episode.refresh_from_db()
    assert episode.closed_on == day[5] and episode.closure_reason == "RC7"

    # 9. The social worker starts the family support plan in the same journey.
    _switch(page, sign_in, "sw")
    page.goto(case_url)
    page.get_by_role("link", name="Start a family support plan").click()
    axe_check(page)
    _fill_date(page, "Start date", day[5])
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family support plan")
    expect(page.locator(".govuk-summary-list").first).to_contain_text(f"Child in need plan from {_long(day[10])}")
    expect(page.locator("main")).to_contain_text(goal)
    axe_check(page)

    # 10. The manager closes the case.
    _switch(page, sign_in, "manager")
    page.goto(case_url)
    page.get_by_role("link", name="Close the case").click()
    axe_check(page)
    _fill_date(page, "Date the case closes", day[2])
    page.get_by_label("Reason for closure").fill("Family support plan completed")
    page.get_by_label("Early help / family hub (level 2)").check()
    page.get_by_label("Closing summary").fill("Zoë attends school every day; the family hub keeps in touch.")
    page.get_by_role("button", name="Close the case").click()
    # Closed two days ago: the caseload involvements ended then, but an ended involvement keeps the child in
    # scope for 90 days (ADR 0003), so the manager lands on the closed case, which nobody can change any more.
    expect(page.locator("#case-status")).to_have_text("Closed")
    expect(page.locator("main")).to_contain_text(f"Case {case.reference} closed")
    expect(page.get_by_role("link", name="Close the case")).to_have_count(0)
    axe_check(page)
    case.refresh_from_db()
    assert case.closed_on == day[2]
    assert not Plan.objects.filter(case=case, ended_on__isnull=True).exists()
    chain: Plan | None = Plan.objects.get(case=case, kind=Plan.Kind.FAMILY_SUPPORT)
    kinds: list[str] = []
    while chain is not None:
        kinds.append(chain.kind)
        chain = chain.previous
    assert kinds == ["family_support", "cin", "cp", "cin"]
    assert CINEpisode.objects.filter(person=world.own, closed_on__isnull=True).count() == 0

    # 11. The closed case and the child's chronology, seen by a senior leader (all records in scope): every step.
    _switch(page, sign_in, "leader")
    page.goto(case_url)
    expect(page.locator("#case-status")).to_have_text("Closed")
    expect(page.locator("#closure")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Family support plan completed")
    axe_check(page)
    page.get_by_role("link", name="The child's chronology").click()
    page.get_by_role("tab", name="Chronology").click()
    events = page.locator("#chronology-events")
    expect(events).to_be_visible()
    for text in (
        f"Case {case.reference} allocated to {world.sw}",
        "Single assessment authorised (in timescale): plan (family support or child in need)",
        "Child in need plan started",
        "Child in need plan reviewed: continue the plan",
        "Strategy discussion (Children's social care, Police, Health): start a section 47 enquiry",
        "Section 47 enquiry started",
        "Section 47 enquiry concluded: initial child protection conference",
        "Initial child protection conference (in timescale): child protection plan",
        "Child protection plan started (initial category: physical abuse)",
        "Child in need plan ended: Stepped up to child protection plan",
        "Child protection plan ended: Stepped down to child in need plan",
        f"Case {case.reference} stepped down from level 4 to level 3 (family support)",
        "Family support plan started",
        f"Case {case.reference} closed: Family support plan completed",
    ):
        expect(events).to_contain_text(text)
    axe_check(page)
