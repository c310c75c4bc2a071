"""Practice tools completed for the whole family: filed under the child they were recorded on, shown on the
practice tools of every child of the family (as far as the reader may see the child they are filed under),
in the family's chronology, and only for the tools that can be about a family (GCP2, Signs of Safety)."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from familyhelp.audit.models import AccessLog
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import DomainError
from familyhelp.people.models import FamilyMember
from familyhelp.people.tests.factories import FamilyFactory
from familyhelp.practice import services as svc
from familyhelp.practice.models import Completion
from familyhelp.practice.tests.factories import gcp2, sos

D = datetime.date.fromisoformat


@pytest.fixture
def family(world, case):  # type: ignore[no-untyped-def]
    """Zoë (the social worker's) and Minh (a team colleague's) and Oliver (the CP worker's) in one household;
    Zoë's open case (`case`) lets the social worker record tools for her."""
    fam = FamilyFactory(name="O'Brien household")
    for child in (world.own, world.team_child, world.other):
        FamilyMember.objects.create(family=fam, person=child, role=FamilyMember.Role.CHILD)
    FamilyMember.objects.create(family=fam, person=world.parent, role=FamilyMember.Role.PARENT)
    return fam


def soup(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


def test_a_gcp2_for_the_whole_family_through_the_form(world, family, client_for):
    c = client_for(world.sw)
    url = reverse("practice:start", args=[world.own.pk, "gcp2"])
    form_page = soup(c.get(url))
    choices = [label.get_text(" ", strip=True) for label in form_page.select("#id_family label, [for^=id_family]")]
    assert "This child" in choices and f"The whole family: O'Brien household ({family.reference})" in choices
    grades = {"grade_physical_care": "4", "grade_safety": "3", "grade_love_and_care": "2", "grade_esteem": "2"}
    post = {"completed_on_day": "10", "completed_on_month": "1", "completed_on_year": "2025", "review_of": "baseline"}
    response = c.post(url, {**post, **grades, "family": str(family.pk), "finalise": "1"})
    completion = Completion.objects.get()
    assert response.status_code == 302 and (completion.family, completion.person) == (family, world.own)
    page = soup(c.get(reverse("practice:completion", args=[completion.pk])))
    assert page.select_one("#practice-for").get_text(" ", strip=True) == (
        f"The whole family: O'Brien household ({family.reference}), filed under this child"
    )
    event = ChronologyEvent.objects.get(kind="practice.gcp2_completed")
    assert (event.person, event.family) == (world.own, family)
    assert event.summary.startswith("Graded Care Profile 2 baseline for the whole family (O'Brien household): ")


def test_the_family_completion_is_shown_on_a_brother_or_sisters_tools(world, family, client_for):
    draft = svc.completion_start(
        actor=world.sw,
        person=world.own,
        kind="gcp2",
        completed_on=D("2025-01-10"),
        answers=gcp2(4, 3, 2, 2),
        family=family,
    )
    svc.completion_finalise(actor=world.sw, completion=draft, expected_version=draft.version)
    # the team manager sees Minh and Zoë: Minh's page lists the family's GCP2, filed under Zoë
    response = client_for(world.manager).get(reverse("practice:child", args=[world.team_child.pk]))
    rows = soup(response).select("#family-tools tbody tr")
    assert len(rows) == 1
    cells = [" ".join(td.get_text(" ", strip=True).split()) for td in rows[0]("td")]
    assert cells[0] == f"O'Brien household ({family.reference})"
    assert cells[2] == "10 Jan 2025 (baseline)" and cells[3] == f"Zoë O'Brien ({world.own.reference})"
    assert rows[0].select_one("a")["href"] == reverse("practice:completion", args=[draft.pk])
    assert not soup(response).select("#family-tools-hidden")
    # the tool's own figures stay with the child it was filed under: Minh's GCP2 row is "Not completed"
    minh = {
        r.th.get_text(" ", strip=True).split(" Version")[0]: r
        for r in soup(response).select("#practice-tools tbody tr")
    }
    assert minh["Graded Care Profile 2"].td.get_text(" ", strip=True) == "Not completed"
    # Zoë's own page does not list it twice
    assert not soup(client_for(world.sw).get(reverse("practice:child", args=[world.own.pk]))).select("#family-tools")


def test_a_reader_who_cannot_see_the_filing_child_gets_a_count_only(world, family, client_for):
    svc.completion_start(
        actor=world.sw,
        person=world.own,
        kind="signs_of_safety",
        completed_on=D("2025-02-03"),
        answers=sos(("Siobhán", "Mum", 6)),
        family=family,
    )
    response = client_for(world.cp_worker).get(reverse("practice:child", args=[world.other.pk]))
    assert response.status_code == 200
    page = soup(response)
    assert not page.select("#family-tools")
    assert page.select_one("#family-tools-hidden").get_text(" ", strip=True) == (
        "1 more completion for the family is filed under a child whose record you do not have access to."
    )
    assert "Zoë" not in response.content.decode()


def test_only_gcp2_and_signs_of_safety_can_be_for_a_family_and_only_the_childs_own(world, family, client_for):
    with pytest.raises(DomainError) as screening:
        svc.completion_start(
            actor=world.sw,
            person=world.own,
            kind="exploitation_screening",
            completed_on=D("2025-01-10"),
            answers={"present": []},
            family=family,
        )
    assert screening.value.errors == {
        "family": ["An exploitation screening is completed for one child, not a whole family"]
    }
    other = FamilyFactory(name="Smith family")
    with pytest.raises(DomainError) as not_member:
        svc.completion_start(
            actor=world.sw,
            person=world.own,
            kind="gcp2",
            completed_on=D("2025-01-10"),
            answers=gcp2(1, 1, 1, 1),
            family=other,
        )
    assert not_member.value.errors == {"family": ["Choose a family this child belongs to now"]}
    assert not Completion.objects.exists()
    screening_form = soup(
        client_for(world.sw).get(reverse("practice:start", args=[world.own.pk, "exploitation_screening"]))
    )
    assert not screening_form.select("[name=family]")


def test_a_child_who_left_the_family_cannot_have_a_completion_for_it(world, family):
    FamilyMember.objects.filter(family=family, person=world.own).update(end_date=D("2024-12-31"))
    with pytest.raises(DomainError) as exc:
        svc.completion_start(
            actor=world.sw,
            person=world.own,
            kind="gcp2",
            completed_on=D("2025-01-10"),
            answers=gcp2(1, 1, 1, 1),
            family=family,
        )
    assert exc.value.errors == {"family": ["Choose a family this child belongs to now"]}


def test_the_api_records_for_a_family_and_lists_a_siblings_family_tools(world, family, client_for):
    c = client_for(world.sw)
    created = c.post(
        reverse("api:practice-completion-list"),
        {
            "person": str(world.own.pk),
            "kind": "gcp2",
            "completed_on": "2025-01-10",
            "answers": gcp2(4, 3, 2, 2),
            "family": str(family.pk),
            "finalise": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["family"] == str(family.pk)
    bad = c.post(
        reverse("api:practice-completion-list"),
        {
            "person": str(world.own.pk),
            "kind": "exploitation_screening",
            "completed_on": "2025-01-10",
            "answers": {"present": []},
            "family": str(family.pk),
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and list(bad.json()) == ["family"]
    url = reverse("api:practice-completion-family") + f"?person={world.team_child.pk}"
    listed = client_for(world.manager).get(url).json()
    assert listed["hidden"] == 0 and [r["id"] for r in listed["results"]] == [created.json()["id"]]
    log = AccessLog.objects.filter(user=world.manager, person=world.team_child).latest("at")
    assert log.reason == "listed the family's practice tools"
    counted = client_for(world.cp_worker).get(reverse("api:practice-completion-family") + f"?person={world.other.pk}")
    assert counted.json() == {"hidden": 1, "results": []}


def test_editing_a_family_draft_after_the_child_left_the_family_says_so(world, family, client_for):
    draft = svc.completion_start(
        actor=world.sw,
        person=world.own,
        kind="gcp2",
        completed_on=D("2025-01-10"),
        answers=gcp2(4, 3, 2, 2),
        family=family,
    )
    FamilyMember.objects.filter(family=family, person=world.own).update(end_date=D("2025-01-20"))
    c = client_for(world.sw)
    url = reverse("practice:edit", args=[draft.pk])
    page = soup(c.get(url))
    assert page.select_one(f"input[name=family][value='{family.pk}']").has_attr("checked")
    post = {
        "version": str(draft.version),
        "completed_on_day": "10",
        "completed_on_month": "1",
        "completed_on_year": "2025",
        "review_of": "baseline",
        "family": str(family.pk),
        "grade_physical_care": "4",
        "draft": "1",
    }
    refused = soup(c.post(url, post))
    assert "Choose a family this child belongs to now" in refused.select_one(".govuk-error-summary").get_text()
    draft.refresh_from_db()
    assert draft.family == family and draft.version == 1 and draft.answers["grades"]["safety"] == 3
    changed = c.post(url, {**post, "family": "child"})
    draft.refresh_from_db()
    assert changed.status_code == 302 and draft.family is None and draft.version == 2
