"""Practice tool pages and API: the child's tools, the forms' error summaries, charts with role=img beside a
table of the same figures, append-only finals, access logging, scope and concurrent edits."""

from __future__ import annotations

import datetime

from bs4 import BeautifulSoup
from django.urls import reverse

from familyhelp.audit.models import AccessLog
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.practice import services as svc
from familyhelp.practice.models import Completion
from familyhelp.practice.tests.factories import em_coordinator, final, gcp2, sos

D = datetime.date.fromisoformat


def soup(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


def date_fields(name: str, on: str) -> dict[str, str]:
    y, m, d = on.split("-")
    return {f"{name}_day": d, f"{name}_month": m, f"{name}_year": y}


def test_the_childs_record_links_to_practice_tools(world, case, client_for):
    page = soup(client_for(world.sw).get(reverse("people:detail", args=[world.own.pk])))
    assert page.select_one("#practice-tools-link a")["href"] == reverse("practice:child", args=[world.own.pk])


def test_the_list_shows_each_tool_with_its_latest_result_and_logs_the_read(world, case, client_for):
    first = final(world.sw, world.own, "exploitation_screening", D("2025-03-03"), {"present": ["substances"]})
    final(world.sw, world.own, "exploitation_screening", D("2025-06-02"), {"present": ["weapons"]}, review_of=first)
    response = client_for(world.manager).get(reverse("practice:child", args=[world.own.pk]))
    assert response.status_code == 200
    rows = {
        row.th.get_text(" ", strip=True).split(" Version")[0]: [td.get_text(" ", strip=True) for td in row("td")]
        for row in soup(response).select("#practice-tools tbody tr")
    }
    assert rows["Exploitation screening"][0] == "Medium risk (score 3)"
    assert rows["Exploitation screening"][1] == "2 Jun 2025 (review), 2 in all"
    assert rows["Graded Care Profile 2"][0] == "Not completed"
    log = AccessLog.objects.filter(user=world.manager, person=world.own, action=AccessLog.Action.VIEW).latest("at")
    assert (log.view_name, log.reason) == ("practice:child", "opened the practice tools")


def test_out_of_scope_is_refused_and_logged(world, case, client_for):
    response = client_for(world.cp_worker).get(reverse("practice:child", args=[world.own.pk]))
    assert response.status_code == 403
    assert AccessLog.objects.filter(user=world.cp_worker, person=world.own, action=AccessLog.Action.DENIED).exists()


def test_a_screening_through_the_form(world, case, client_for):
    c = client_for(world.sw)
    url = reverse("practice:start", args=[world.own.pk, "exploitation_screening"])
    page = soup(c.get(url))
    assert [i["value"] for i in page.select("input[name=present]")][:3] == ["missing", "weapons", "place"]
    response = c.post(
        url,
        {
            **date_fields("completed_on", "2025-03-03"),
            "review_of": "baseline",
            "present": ["missing", "phones"],
            "finalise": "1",
        },
    )
    done = Completion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("practice:completion", args=[done.pk])
    assert (done.status, done.risk_level) == ("final", "medium")
    page = soup(c.get(response["Location"]))
    assert page.select_one("#practice-result").get_text(strip=True) == "Medium risk (score 4)"
    assert page.select_one("form[action$='/finalise/']") is None  # final: nothing to change


def test_bad_input_shows_the_error_summary_and_writes_nothing(world, case, client_for):
    c = client_for(world.sw)
    url = reverse("practice:start", args=[world.own.pk, "exploitation_screening"])
    future = date_fields("completed_on", "2099-03-03")
    page = soup(c.post(url, {**future, "review_of": "baseline", "present": ["other"], "finalise": "1"}))
    links = {a["href"]: a.get_text(strip=True) for a in page.select(".govuk-error-summary__list a")}
    assert links == {
        "#id_completed_on-day": "The date the tool was completed must be today or in the past",
    }
    page = soup(
        c.post(
            url,
            {
                **date_fields("completed_on", "2025-03-03"),
                "review_of": "baseline",
                "present": ["other"],
                "finalise": "1",
            },
        )
    )
    links = {a["href"]: a.get_text(strip=True) for a in page.select(".govuk-error-summary__list a")}
    assert links == {"#id_other_detail": "Say what else may indicate the child is being exploited"}
    assert page.select_one("#id_other_detail-error") is not None
    assert page.title.get_text().startswith("Error:")
    assert not Completion.objects.exists()


def test_gcp2_finalise_needs_every_area_graded_and_a_draft_keeps_what_was_given(world, case, client_for):
    c = client_for(world.sw)
    url = reverse("practice:start", args=[world.own.pk, "gcp2"])
    form = {**date_fields("completed_on", "2025-01-10"), "review_of": "baseline", "grade_safety": "3"}
    page = soup(c.post(url, {**form, "finalise": "1"}))
    hrefs = [a["href"] for a in page.select(".govuk-error-summary__list a")]
    assert hrefs == ["#id_grade_physical_care_0", "#id_grade_love_and_care_0", "#id_grade_esteem_0"]
    assert not Completion.objects.exists()
    response = c.post(url, {**form, "draft": "1"})
    draft = Completion.objects.get()
    assert (draft.status, draft.answers["grades"]) == ("draft", {"safety": 3})
    # finalising the draft from its page names what is missing
    page = soup(c.post(reverse("practice:finalise", args=[draft.pk]), {"version": draft.version}))
    assert "Choose a grade for physical care" in page.select_one(".govuk-error-summary").get_text()
    assert response.status_code == 302


def test_editing_a_stale_draft_is_refused(world, case, client_for):
    draft = svc.completion_start(
        actor=world.sw, person=world.own, kind="gcp2", completed_on=D("2025-01-10"), answers=gcp2(3, 3, 3, 3)
    )
    c = client_for(world.sw)
    url = reverse("practice:edit", args=[draft.pk])
    form = {
        **date_fields("completed_on", "2025-01-10"),
        "review_of": "baseline",
        "version": "1",
        "grade_physical_care": "2",
        "grade_safety": "3",
        "grade_love_and_care": "3",
        "grade_esteem": "3",
    }
    assert c.post(url, {**form, "draft": "1"}).status_code == 302
    page = soup(c.post(url, {**form, "grade_physical_care": "5", "draft": "1"}))
    assert "Someone else changed this record" in page.select_one(".govuk-error-summary").get_text()
    draft.refresh_from_db()
    assert (draft.version, draft.answers["grades"]["physical_care"]) == (2, 2)


def test_a_final_completion_cannot_be_edited(world, case, client_for):
    done = final(world.sw, world.own, "gcp2", D("2025-01-10"), gcp2(3, 3, 3, 3))
    response = client_for(world.sw).get(reverse("practice:edit", args=[done.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("practice:completion", args=[done.pk])


def _chart_and_table(response):  # type: ignore[no-untyped-def]
    page = soup(response)
    svg = page.select_one("#practice-chart svg")
    table = page.select_one("#practice-figures")
    rows = [[cell.get_text(strip=True) for cell in tr(["th", "td"])] for tr in table.select("tbody tr")]
    head = [th.get_text(strip=True) for th in table.select("thead th")]
    assert all(th.get("scope") == "col" for th in table.select("thead th"))
    assert all(tr.th.get("scope") == "row" for tr in table.select("tbody tr"))
    assert table.caption.get_text(strip=True)
    return svg, head, rows


def test_exploitation_chart_is_an_image_beside_a_table_of_the_same_figures(world, case, client_for):
    first = final(world.sw, world.own, "exploitation_screening", D("2025-03-03"), {"present": ["substances"]})
    final(
        world.sw,
        world.own,
        "exploitation_screening",
        D("2025-06-02"),
        {"present": ["missing", "phones", "gifts_money", "travel"]},
        review_of=first,
    )
    response = client_for(world.sw).get(reverse("practice:history", args=[world.own.pk, "exploitation_screening"]))
    svg, head, rows = _chart_and_table(response)
    assert svg["role"] == "img"
    assert "Baseline 3 Mar 2025: low risk (score 1), Review 2 Jun 2025: high risk (score 8)" in svg["aria-label"]
    assert head == ["Screening", "Indicators ticked", "Score", "Risk level"]
    assert rows == [["Baseline 3 Mar 2025", "1", "1", "Low risk"], ["Review 2 Jun 2025", "4", "8", "High risk"]]
    assert svg.select("[role]") == []  # Vega's inner roles are removed: the table carries the figures


def test_gcp2_chart_baseline_4_review_2(world, case, client_for):
    base = final(world.sw, world.own, "gcp2", D("2025-01-10"), gcp2(4, 3, 2, 4))
    final(world.sw, world.own, "gcp2", D("2025-04-10"), gcp2(2, 3, 3, 4), review_of=base)
    response = client_for(world.sw).get(reverse("practice:history", args=[world.own.pk, "gcp2"]))
    svg, head, rows = _chart_and_table(response)
    assert svg["role"] == "img" and "Physical care: Baseline 10 Jan 2025 4, Review 10 Apr 2025 2" in svg["aria-label"]
    assert rows[0] == ["Physical care", "4", "2", "Better by 2"]
    assert "Physical care" in svg.get_text(" ")  # the axis is drawn as text in the SVG
    assert rows[2] == ["Love and care", "2", "3", "Worse by 1"]


def test_the_gcp2_review_page_compares_with_the_baseline(world, case, client_for):
    base = final(world.sw, world.own, "gcp2", D("2025-01-10"), gcp2(4, 3, 2, 4))
    review = final(world.sw, world.own, "gcp2", D("2025-04-10"), gcp2(2, 3, 3, 4), review_of=base)
    page = soup(client_for(world.sw).get(reverse("practice:completion", args=[review.pk])))
    first = [c.get_text(strip=True) for c in page.select("#gcp2-grades tbody tr")[0](["th", "td"])]
    assert first[:4] == ["Physical care", "4", "2", "Better by 2"]


def test_signs_of_safety_chart_per_participant(world, case, client_for):
    m1 = final(world.sw, world.own, "signs_of_safety", D("2025-02-01"), sos(("Siobhán O'Brien", "mother", 6)))
    final(
        world.sw,
        world.own,
        "signs_of_safety",
        D("2025-05-01"),
        sos(("Siobhán O'Brien", "mother", 8), ("Nan", "grandmother", 7)),
        review_of=m1,
    )
    response = client_for(world.sw).get(reverse("practice:history", args=[world.own.pk, "signs_of_safety"]))
    svg, head, rows = _chart_and_table(response)
    assert svg["role"] == "img"
    assert "Siobhán O'Brien (mother): Baseline 1 Feb 2025 6, Review 1 May 2025 8" in svg["aria-label"]
    assert head == ["Participant", "Baseline 1 Feb 2025", "Review 1 May 2025"]
    assert rows == [["Siobhán O'Brien (mother)", "6", "8"], ["Nan (grandmother)", "Not asked", "7"]]


def test_signs_of_safety_form_scaling_errors_point_at_the_row(world, case, client_for):
    c = client_for(world.sw)
    url = reverse("practice:start", args=[world.own.pk, "signs_of_safety"])
    page = soup(
        c.post(
            url,
            {
                **date_fields("completed_on", "2025-02-01"),
                "review_of": "baseline",
                "worries": "Drinking",
                "danger_statements": "Harm",
                "safety_goals": "Sober carer",
                "scaling_1_name": "Siobhán",
                "scaling_1_role": "mother",
                "scaling_1_score": "12",
                "finalise": "1",
            },
        )
    )
    links = {a["href"]: a.get_text(strip=True) for a in page.select(".govuk-error-summary__list a")}
    assert links == {"#id_scaling_1_score": "Participant 1: the score must be a whole number from 0 to 10"}


def test_the_exploitation_coordinator_gets_the_screening_form_but_not_gcp2(world, client_for):
    coordinator = em_coordinator(world, world.other)
    c = client_for(coordinator)
    assert c.get(reverse("practice:start", args=[world.other.pk, "exploitation_screening"])).status_code == 200
    assert c.get(reverse("practice:start", args=[world.other.pk, "gcp2"])).status_code == 403
    page = soup(c.get(reverse("practice:child", args=[world.other.pk])))
    record_links = [a["href"] for a in page.select("#practice-tools a") if a["href"].endswith("/new/")]
    assert record_links == [reverse("practice:start", args=[world.other.pk, "exploitation_screening"])]


def test_a_restricted_child_asks_for_break_glass(world, client_for):
    response = client_for(world.sw).get(reverse("practice:child", args=[world.restricted.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:break_glass", args=[world.restricted.pk])


def test_unknown_tool_is_404(world, case, client_for):
    assert client_for(world.sw).get(reverse("practice:history", args=[world.own.pk, "tarot"])).status_code == 404


# ----------------------------------------------------------------------------------------------------- API
def test_api_instruments(world, client_for):
    body = client_for(world.sw).get("/api/v1/practice/instruments/?kind=gcp2").json()
    (row,) = body["results"]
    assert (row["kind"], row["version_number"], row["in_force_from"]) == ("gcp2", 1, "2016-04-01")
    assert [a["code"] for a in row["definition"]["areas"]][0] == "physical_care"


def test_api_create_list_finalise(world, case, client_for):
    c = client_for(world.sw)
    response = c.post(
        "/api/v1/practice/completions/",
        {
            "person": str(world.own.pk),
            "kind": "exploitation_screening",
            "completed_on": "2025-03-03",
            "answers": {"present": ["weapons"]},
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["status"], created["risk_level"], created["result"]["score"]) == ("draft", "medium", 3)
    response = c.post(
        f"/api/v1/practice/completions/{created['id']}/finalise/", {"version": 1}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "final"
    response = c.post(
        f"/api/v1/practice/completions/{created['id']}/finalise/", {"version": 2}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "final and cannot be changed" in response.json()["non_field_errors"][0]
    body = c.get(f"/api/v1/practice/completions/?person={world.own.pk}").json()
    rows = body["results"]
    assert [r["id"] for r in rows] == [created["id"]]
    assert AccessLog.objects.filter(
        user=world.sw, person=world.own, channel="api", reason="listed the practice tools"
    ).exists()
    assert ChronologyEvent.objects.filter(kind="practice.screening_completed", person=world.own).count() == 1


def test_api_field_level_errors_and_conflict(world, case, client_for):
    c = client_for(world.sw)
    response = c.post(
        "/api/v1/practice/completions/",
        {
            "person": str(world.own.pk),
            "kind": "gcp2",
            "completed_on": "2025-03-03",
            "answers": {"grades": {"safety": 0}},
            "finalise": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["grade_safety"] == ["The grade for safety must be a whole number from 1 to 5"]
    assert not Completion.objects.exists()
    response = c.post(
        "/api/v1/practice/completions/",
        {
            "person": str(world.own.pk),
            "kind": "gcp2",
            "completed_on": "2025-03-03",
            "answers": {},
        },
        content_type="application/json",
    )
    pk = response.json()["id"]
    assert (
        c.post(
            f"/api/v1/practice/completions/{pk}/finalise/", {"version": 7}, content_type="application/json"
        ).status_code
        == 409
    )


def test_api_list_needs_a_child_and_scope(world, case, client_for):
    assert client_for(world.sw).get("/api/v1/practice/completions/").status_code == 400
    assert client_for(world.cp_worker).get(f"/api/v1/practice/completions/?person={world.own.pk}").status_code == 403
