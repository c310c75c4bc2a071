"""Support around the family, end to end (issue 7): a social worker refers a family from the case page to a
family group conference and to intensive family support; the coordinator accepts both, records two intensive
family support sessions and ends the work with its outcome, and records the FGC's family plan; the social
worker takes a request for a short break to the resource panel, which a team manager schedules, puts on the
agenda and approves; the short-break referral is accepted and an admission recorded, and the month's
occupancy on the coordinator's page changes; the child's exploitation screening is completed and repeated
with a different result, and the change-over-time page shows both (chart and table); a partner on the team
around the family sees the action plan with owners, no other member's contact details, and can update only
their own action. Every page is checked with axe."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import expect

from familyhelp.core import clock
from familyhelp.panels.models import PanelRequest
from familyhelp.performance.tests import world as pw
from familyhelp.specialist.models import Service, ServiceReferral
from familyhelp.taf.models import TafAction, TafMember

D = datetime.timedelta


def _long(day: datetime.date) -> str:
    """A date as the pages write it ("j F Y"): 6 May 2025."""
    return f"{day.day} {day:%B %Y}"


def _short(day: datetime.date) -> str:
    """A date as the tables write it ("j M Y"): 6 May 2025."""
    return f"{day.day} {day:%b %Y}"


def _fill_date(page, legend: str, day: datetime.date) -> None:  # type: ignore[no-untyped-def]
    """Fill a GOV.UK date input (day, month, year) found by its fieldset's legend."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _switch(page, sign_in, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    sign_in(page, username)


def _setting(world, today: datetime.date):  # type: ignore[no-untyped-def]
    """What exists before the journey: the open level 4 case of Zoë allocated to the social worker, three
    services coordinated by the specialist coordinator's team, and a team around the family on the case with
    the partner (a probation officer) and a school nurse each owning one action."""
    from familyhelp.practice.defaults import install

    install()  # the seeded practice tools (a transactional test empties the tables)
    case = pw.case(world.own, team=world.sw.team, worker=world.sw, opened=today - D(days=90))
    team = world.specialist.team
    services = {
        "fgc": Service.objects.create(
            name="Family group conferences", kind=Service.Kind.FGC, capacity=10, team=team, holds_cases=False
        ),
        "ifs": Service.objects.create(
            name="Intensive family support",
            kind=Service.Kind.INTENSIVE_FAMILY_SUPPORT,
            capacity=5,
            max_duration_weeks=12,
            team=team,
        ),
        "sb": Service.objects.create(
            name="Short breaks centre",
            kind=Service.Kind.SHORT_BREAKS,
            capacity=2,
            capacity_unit=Service.CapacityUnit.BEDS,
            team=team,
        ),
    }
    joined = today - D(days=60)
    probation = TafMember.objects.create(
        case=case,
        name="Dan Hughes",
        role="Probation officer",
        partner_agency=world.partner.partner_agency,
        email="dan.hughes@probation.example.org",
        phone="01632 960002",
        consent=TafMember.Consent.GIVEN,
        consent_date=joined,
        joined_on=joined,
        user=world.partner,
    )
    nurse = TafMember.objects.create(
        case=case,
        name="Priya Shah",
        role="School nurse",
        agency_name="Northfield Primary School",
        email="priya.shah@school.example.org",
        phone="01632 960001",
        consent=TafMember.Consent.GIVEN,
        consent_date=joined,
        joined_on=joined,
    )
    mine = TafAction.objects.create(
        case=case, owner=probation, text="Arrange a supervision appointment with dad", due_on=today + D(days=14)
    )
    theirs = TafAction.objects.create(case=case, owner=nurse, text="Health check at school", due_on=today + D(days=21))
    return case, services, mine, theirs


def _occupancy_row(page, month: datetime.date) -> list[str]:  # type: ignore[no-untyped-def]
    row = page.locator("#occupancy-table tbody tr", has=page.locator("th", has_text=f"{month:%B}"))
    return [cell.inner_text().strip() for cell in row.locator("td").all()]


def test_referrals_panel_short_breaks_screening_and_the_partners_plan(  # type: ignore[no-untyped-def]
    world, transactional_db, live_server, page, sign_in, axe_check
):
    today = clock.today()
    case, services, mine, theirs = _setting(world, today)
    case_url = f"{live_server.url}/cases/{case.pk}/"
    day = {n: today - D(days=n) for n in (30, 28, 21, 14, 10, 9, 8, 7, 3, 1)}

    # 1. The social worker refers the family to FGC and to intensive family support from the case page.
    sign_in(page, "sw")
    page.goto(case_url)
    expect(page.locator("#specialist-services")).to_be_visible()
    axe_check(page)
    for service, reason in (
        ("Family group conferences", "The wider family can help keep Zoë safe at home."),
        ("Intensive family support", "Routines and boundaries at home have broken down."),
    ):
        page.get_by_role("link", name="Refer to a specialist service").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Refer to a service")
        axe_check(page)
        page.get_by_label("Service", exact=True).select_option(label=service)
        page.get_by_label("Why the child and family need this service").fill(reason)
        _fill_date(page, "Date of the referral", day[30])
        page.get_by_label("Why is this being recorded late?").fill("Entered from the paper file")
        page.get_by_role("button", name="Refer").click()
        expect(page.locator("#referral-status")).to_have_text("Requested")
        expect(page.locator("#referral-summary")).to_contain_text(reason)
        axe_check(page)
        page.get_by_role("link", name=f"case {case.reference}").click()
    referrals = page.locator("#service-referrals")
    expect(referrals).to_contain_text("Family group conferences")
    expect(referrals).to_contain_text("Intensive family support")
    axe_check(page)

    # 2. The coordinator accepts the IFS referral, records two sessions and ends it with its outcome; accepts
    # the FGC referral and records the family plan. They see the referral, never the case file.
    _switch(page, sign_in, "specialist")
    page.goto(f"{live_server.url}/services/")
    expect(page.locator("#services")).to_contain_text("Intensive family support")
    axe_check(page)
    page.get_by_role("link", name="Coordinate Intensive family support").click()
    expect(page.locator("#waiting-list")).to_contain_text("30")
    axe_check(page)
    page.locator("#waiting-list").get_by_role("link").first.click()
    expect(page.locator("#child-name")).to_have_text("Zoë O'Brien")
    expect(page.get_by_role("link", name=f"case {case.reference}")).to_have_count(0)
    axe_check(page)
    page.get_by_role("link", name="Accept or decline").click()
    axe_check(page)
    page.get_by_label("Accept", exact=True).check()
    _fill_date(page, "Date of the decision", day[28])
    page.get_by_label("Why is this being recorded late?").fill("Entered from the paper file")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#referral-status")).to_have_text("Accepted")
    axe_check(page)
    page.get_by_role("link", name="Start the service").click()
    axe_check(page)
    _fill_date(page, "Start date", day[21])
    page.get_by_label("Why is this being recorded late?").fill("Entered from the paper file")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#referral-status")).to_have_text("Started")
    axe_check(page)
    for when, notes in ((day[14], "Morning routine worked through with mum."), (day[7], "Bedtime plan agreed.")):
        page.get_by_role("link", name="Record a session or contact").click()
        axe_check(page)
        _fill_date(page, "Date of the session or contact", when)
        page.get_by_label("Why is this being recorded late?").fill("Entered from the paper file")
        page.get_by_label("Session", exact=True).check()
        page.get_by_label("Notes").fill(notes)
        page.get_by_role("button", name="Save").click()
        expect(page.locator("main")).to_contain_text(notes)
        axe_check(page)
    sessions = page.locator("table", has_text="Kind").first
    expect(sessions.locator("tbody tr")).to_have_count(2)
    page.get_by_role("link", name="End the service").click()
    axe_check(page)
    page.get_by_label("Goals met").check()
    page.get_by_label("Notes on the outcome").fill("Routines in place; the family no longer needs the service.")
    _fill_date(page, "End date", today)
    page.get_by_role("button", name="End the service").click()
    expect(page.locator("#referral-status")).to_have_text("Ended")
    expect(page.locator("#referral-summary")).to_contain_text(f"{_long(today)}: Goals met")
    axe_check(page)
    ifs = ServiceReferral.objects.get(service=services["ifs"])
    assert ifs.status == "ended" and ifs.outcome == "goals_met" and ifs.contacts.count() == 2

    page.goto(f"{live_server.url}/services/")
    page.get_by_role("link", name="Coordinate Family group conferences").click()
    axe_check(page)
    page.locator("#waiting-list").get_by_role("link").first.click()
    page.get_by_role("link", name="Accept or decline").click()
    page.get_by_label("Accept", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#referral-status")).to_have_text("Accepted")
    page.get_by_role("link", name="Record the family plan").click()
    axe_check(page)
    _fill_date(page, "Date the family plan was agreed", today)
    page.get_by_label("The family plan").fill("Grandma collects Zoë from school; aunt stays at weekends.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#referral-summary")).to_contain_text("Grandma collects Zoë from school")
    axe_check(page)

    # 3. The social worker asks the resource panel for a short break.
    _switch(page, sign_in, "sw")
    page.goto(case_url)
    expect(page.locator("#service-referrals")).to_contain_text("Goals met")
    page.locator("#panel-requests").get_by_role("link").click()
    axe_check(page)
    page.get_by_role("link", name="Make a request to a panel").click()
    axe_check(page)
    page.get_by_label("A short break", exact=True).check()
    page.get_by_label("What exactly").fill("Two nights a month at the short breaks centre for three months")
    page.get_by_label("Why the family needs it").fill("Respite for mum while the family plan beds in.")
    page.get_by_role("button", name="Make the request").click()
    expect(page.locator("main")).to_contain_text("Request made to the resource panel")
    axe_check(page)
    request = PanelRequest.objects.get(case=case)
    assert request.status == "submitted"

    # A team manager schedules today's resource panel, adds the waiting request to its agenda and approves it.
    _switch(page, sign_in, "manager")
    page.goto(f"{live_server.url}/panels/")
    axe_check(page)
    page.get_by_role("link", name="Schedule a panel").click()
    axe_check(page)
    page.get_by_label("Resource panel").check()
    _fill_date(page, "Date of the panel", today)
    page.get_by_label("Chair").select_option(label=str(world.manager))
    page.get_by_label("Where it meets").fill("Civic Centre, room 2")
    page.get_by_role("button", name="Schedule the panel").click()
    expect(page.locator("#waiting")).to_contain_text("1 request waiting")
    axe_check(page)
    page.get_by_role("button", name="Add waiting requests to the agenda").click()
    agenda = page.locator("#agenda")
    expect(agenda).to_contain_text("Zoë O'Brien")
    expect(agenda).to_contain_text("A short break")
    axe_check(page)
    page.get_by_role("link", name="Record the decision on item 1").click()
    axe_check(page)
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("Conditions (if approved)").fill("Reviewed after three months")
    _fill_date(page, "Review date (if approved)", today + D(days=90))
    page.get_by_role("button", name="Record the decision").click()
    expect(agenda).to_contain_text("Approved: Reviewed after three months")
    axe_check(page)
    request.refresh_from_db()
    assert request.status == "approved"

    # 4. The social worker refers to the short breaks service; the coordinator accepts, starts and records an
    # admission, and the month's occupancy changes.
    _switch(page, sign_in, "sw")
    page.goto(case_url)
    page.get_by_role("link", name="Refer to a specialist service").click()
    page.get_by_label("Service", exact=True).select_option(label="Short breaks centre")
    page.get_by_label("Why the child and family need this service").fill("Approved by the resource panel.")
    _fill_date(page, "Date of the referral", day[10])
    page.get_by_label("Why is this being recorded late?").fill("Entered from the paper file")
    page.get_by_role("button", name="Refer").click()
    expect(page.locator("#referral-status")).to_have_text("Requested")
    axe_check(page)

    admitted, left = day[3], day[1]
    month = admitted.replace(day=1)
    nights = sum(1 for n in range((left - admitted).days) if (admitted + D(days=n)).month == admitted.month)
    _switch(page, sign_in, "specialist")
    coordinate_url = f"{live_server.url}/services/{services['sb'].pk}/coordinate/?year={admitted.year}"
    page.goto(coordinate_url)
    expect(page.locator("#occupancy")).to_be_visible()
    axe_check(page)
    before = _occupancy_row(page, month)
    assert before[0] == "0" and before[2] == "0%" and before[3] == "0", before  # bed-nights, occupancy, planned
    page.locator("#waiting-list").get_by_role("link").first.click()
    page.get_by_role("link", name="Accept or decline").click()
    page.get_by_label("Accept", exact=True).check()
    _fill_date(page, "Date of the decision", day[9])
    page.get_by_label("Why is this being recorded late?").fill("Entered from the paper file")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Start the service").click()
    _fill_date(page, "Start date", day[8])
    page.get_by_label("Why is this being recorded late?").fill("Entered from the paper file")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#referral-status")).to_have_text("Started")
    page.get_by_role("link", name="Record a short-break admission").click()
    axe_check(page)
    _fill_date(page, "Date of admission", admitted)
    page.get_by_label("Planned", exact=True).check()
    _fill_date(page, "Date the child left", left)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#admissions + table")).to_contain_text(_short(admitted))
    axe_check(page)
    page.goto(coordinate_url)
    after = _occupancy_row(page, month)
    days_in_month = int(after[1]) // 2
    assert after[0] == str(nights) and after[3] == "1", after
    assert after[2] == f"{round(100 * nights / (2 * days_in_month))}%" and after[2] != before[2], (before, after)
    axe_check(page)

    # 5. The social worker completes the child's exploitation screening, then repeats it with a different
    # result; the change-over-time page shows both, as a chart and as a table.
    _switch(page, sign_in, "sw")
    page.goto(case_url)
    page.locator("main").get_by_role("link", name="Zoë O'Brien").first.click()
    axe_check(page)
    page.get_by_role("link", name="Practice tools").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice tools")
    axe_check(page)
    page.get_by_role("link", name=re.compile(r"^Record\W+Exploitation screening$")).click()
    for when, purpose, ticks in (
        (day[14], "A baseline", ("Going missing from home, school or care", "Has more than one mobile phone")),
        (
            today,
            "A review",
            (
                "Going missing from home, school or care",
                "Has more than one mobile phone",
                "Receiving gifts or money that cannot be explained",
                "Travelling to other areas by bus, train or taxi without explanation",
            ),
        ),
    ):
        expect(page.get_by_role("heading", level=1)).to_have_text("Exploitation screening")
        axe_check(page)
        _fill_date(page, "Date completed", when)
        page.get_by_label("Why is this being recorded late?").fill("Entered from the paper file")
        page.get_by_label(purpose).check()
        for tick in ticks:
            page.get_by_label(tick).check()
        page.get_by_role("button", name="Save and finalise").click()
        expect(page.locator("main")).to_contain_text("Finalised")
        axe_check(page)
        page.get_by_role("link", name="Exploitation screening: change over time").click()
        if purpose == "A baseline":
            expect(page.locator("#practice-figures tbody tr")).to_have_count(1)
            page.get_by_role("link", name="Record a review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exploitation screening: change over time")
    chart = page.locator("#practice-chart").get_by_role("img")
    expect(chart).to_have_count(1)
    figures = page.locator("#practice-figures tbody tr")
    expect(figures).to_have_count(2)
    expect(figures.nth(0)).to_contain_text("Medium risk")
    expect(figures.nth(1)).to_contain_text("High risk")
    axe_check(page)

    # 6. The partner sees the action plan of the team they are on: every action with its owner, no other
    # member's contact details, and an update link on their own action only; they mark it done.
    _switch(page, sign_in, "partner")
    tray = page.locator("#tray-taf-actions")
    expect(tray).to_contain_text(mine.text)
    expect(tray).not_to_contain_text(theirs.text)
    axe_check(page)
    tray.get_by_role("link", name=mine.text).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The action plan")
    plan = page.locator("#taf-actions")
    own_row = plan.locator(f'tr[data-action="{mine.pk}"]')
    other_row = plan.locator(f'tr[data-action="{theirs.pk}"]')
    expect(own_row).to_contain_text("Dan Hughes")
    expect(other_row).to_contain_text("Priya Shah")
    expect(own_row.get_by_role("link", name="Update")).to_have_count(1)
    expect(other_row.get_by_role("link")).to_have_count(0)
    main = page.locator("main")
    for hidden in ("priya.shah@school.example.org", "01632 960001", "Zoë", case.reference):
        expect(main).not_to_contain_text(hidden)
    axe_check(page)
    own_row.get_by_role("link", name="Update").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Update your action")
    axe_check(page)
    page.get_by_label("Done", exact=True).check()
    _fill_date(page, "Date it was done (if done)", today)
    page.get_by_role("button", name="Save the status").click()
    expect(own_row).to_contain_text(f"Done {_short(today)}")
    expect(other_row).to_contain_text("Open")
    axe_check(page)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == "done" and mine.done_on == today and theirs.status == "open"
