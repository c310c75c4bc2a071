"""Organisation pages: administrators change the council's structure through forms with clear errors."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.urls import reverse

from familyhelp.organisation.models import Team


def _errors(response) -> list[str]:  # type: ignore[no-untyped-def]
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select(".govuk-error-summary li a")]


def test_admin_adds_a_team_and_sees_it(world, client_for):
    client = client_for(world.admin)
    response = client.post(reverse("organisation:team_add"), {"name": "", "kind": ""})
    assert "Enter name" in _errors(response) and "Choose kind" in _errors(response)
    response = client.post(
        reverse("organisation:team_add"),
        {"name": "South family support", "kind": "family_support", "locality": str(world.locality.pk)},
    )
    assert response.status_code == 302
    team = Team.objects.get(name="South family support")
    assert team.service == "family_help" and team.is_active
    page = client.get(reverse("organisation:overview"))
    assert "South family support" in page.content.decode()


def test_duplicate_team_name_is_refused(world, client_for):
    client = client_for(world.admin)
    response = client.post(reverse("organisation:team_add"), {"name": world.team_a.name, "kind": "family_support"})
    assert response.status_code == 200
    assert any("already" in e for e in _errors(response))


def test_concurrent_team_edit_is_detected(world, client_for):
    client = client_for(world.admin)
    url = reverse("organisation:team_edit", args=[world.team_a.pk])
    data = {"name": "Renamed", "kind": "family_support", "is_active": "on", "version": world.team_a.version}
    assert client.post(url, data).status_code == 302
    data["name"] = "Renamed again"
    response = client.post(url, data)
    assert any("Someone else changed this record" in e for e in _errors(response))
    world.team_a.refresh_from_db()
    assert world.team_a.name == "Renamed"


def test_workers_page_shows_caseloads(world, client_for):
    client = client_for(world.manager)
    response = client.get(reverse("organisation:workers"), {"team": str(world.team_a.pk)})
    soup = BeautifulSoup(response.content, "html.parser")
    rows = {
        tr.select("td")[0].get_text(strip=True): tr.select("td")[-1].get_text(strip=True)
        for tr in soup.select("tbody tr")
    }
    assert rows[str(world.sw)] == "1"
    assert rows[str(world.colleague)] == "2"  # the team child and the restricted child


def test_admin_creates_user_and_issues_token(world, client_for):
    client = client_for(world.admin)
    response = client.post(
        reverse("organisation:user_add"),
        {
            "username": "newsw",
            "first_name": "Siân",
            "last_name": "Ó Briain",
            "email": "sian@council.example",
            "role": "social_worker",
            "job_role": "social_worker",
            "team": str(world.team_a.pk),
            "employment": "agency",
            "fte": "0.8",
            "swe_number": "",
        },
    )
    assert "Enter the social worker's Social Work England number, like SW123456" in _errors(response)
    response = client.post(
        reverse("organisation:user_add"),
        {
            "username": "newsw",
            "first_name": "Siân",
            "last_name": "Ó Briain",
            "email": "sian@council.example",
            "role": "social_worker",
            "job_role": "social_worker",
            "team": str(world.team_a.pk),
            "employment": "agency",
            "fte": "0.8",
            "swe_number": "SW998877",
        },
    )
    assert response.status_code == 302
    from familyhelp.accounts.models import User

    analyst = User.objects.get(username="analyst")
    response = client.post(reverse("organisation:user_action", args=[analyst.pk, "token"]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    key = BeautifulSoup(response.content, "html.parser").select_one("#api-token").get_text()
    api = client.__class__()
    assert api.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
