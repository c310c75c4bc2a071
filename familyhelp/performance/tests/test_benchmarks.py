"""Benchmarks (targets and comparator figures): the pages' validation, the version check, removal, and the
service's own permission check."""

from __future__ import annotations

from decimal import Decimal

import lxml.html
import pytest
from django.urls import reverse

from familyhelp.core.errors import ConcurrentEditError, ForbiddenError
from familyhelp.performance import services_benchmarks as sb
from familyhelp.performance.models import Benchmark

GOOD = {
    "figure": "assessment-timeliness:in_time",
    "kind": "national",
    "value": "82.5",
    "year": "2024-25",
    "source": "DfE Children in need 2025",
}


def summary(response) -> list[str]:  # type: ignore[no-untyped-def]
    doc = lxml.html.fromstring(response.content.decode())
    box = doc.xpath('//div[contains(@class, "govuk-error-summary")]')
    return [" ".join(a.text_content().split()) for a in box[0].findall(".//a")] if box else []


@pytest.fixture
def benchmark(world):  # type: ignore[no-untyped-def]
    return sb.benchmark_create(
        actor=world.leader,
        measure="assessment-timeliness",
        figure="in_time",
        kind="target",
        value=Decimal("85"),
        year="2024-25",
        source="Council plan 2024-27",
    )


@pytest.mark.django_db
def test_add_a_figure(world, client_for):
    response = client_for(world.analyst).post(reverse("performance:benchmark_add"), GOOD)
    assert response.status_code == 302 and response["Location"] == reverse("performance:benchmarks")
    saved = Benchmark.objects.get()
    assert (saved.measure, saved.figure, saved.kind, saved.value, saved.year) == (
        "assessment-timeliness",
        "in_time",
        "national",
        Decimal("82.50"),
        "2024-25",
    )
    assert saved.created_by == world.analyst and saved.version == 1
    listing = client_for(world.analyst).get(reverse("performance:benchmarks")).content.decode()
    assert "Single assessments within 45 working days" in listing and "DfE Children in need 2025" in listing


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"year": "2024-26"}, "A financial year runs from April to the next March, like 2024-25"),
        ({"year": "24/25"}, "Enter the year as a financial year, like 2024-25"),
        ({"source": "  "}, "Enter where the figure comes from"),
        ({"value": "lots"}, "Enter the value as a number, like 22.5"),
        ({"value": "-3"}, "The value cannot be negative"),
        ({"value": "100.5"}, "This figure is a percentage: enter a value from 0 to 100"),
        ({"figure": "assessment-timeliness:nonsense"}, "Choose a figure from the list"),
        ({"kind": ""}, "Choose the kind of figure"),
    ],
)
def test_bad_input_is_shown_in_the_error_summary(world, client_for, change, message):
    response = client_for(world.leader).post(reverse("performance:benchmark_add"), {**GOOD, **change})
    assert response.status_code == 400
    assert message in summary(response)
    assert not Benchmark.objects.exists()


@pytest.mark.django_db
def test_a_count_may_be_over_100_but_a_percentage_may_not(world, client_for):
    c = client_for(world.leader)
    count = {**GOOD, "figure": "referrals:total", "value": "1250"}
    assert c.post(reverse("performance:benchmark_add"), count).status_code == 302
    percent = {**GOOD, "figure": "specialist-service-outcomes:looked-after-12m", "value": "101"}
    response = c.post(reverse("performance:benchmark_add"), percent)
    assert response.status_code == 400
    assert summary(response) == ["This figure is a percentage: enter a value from 0 to 100"]
    assert list(Benchmark.objects.values_list("measure", "value")) == [("referrals", 1250)]


@pytest.mark.django_db
def test_a_second_figure_of_the_same_kind_and_year_is_refused(world, client_for, benchmark):
    response = client_for(world.leader).post(
        reverse("performance:benchmark_add"), {**GOOD, "kind": "target", "value": "90"}
    )
    assert response.status_code == 400
    assert "There is already a target figure for 2024-25: change that one instead" in summary(response)
    assert Benchmark.objects.count() == 1


@pytest.mark.django_db
def test_editing_a_figure_someone_else_changed_is_refused(world, client_for, benchmark):
    form = client_for(world.leader).get(reverse("performance:benchmark_edit", args=[benchmark.pk]))
    assert b'name="version" value="1"' in form.content
    sb.benchmark_update(actor=world.analyst, benchmark=benchmark, expected_version=1, value=Decimal("86"))
    response = client_for(world.leader).post(
        reverse("performance:benchmark_edit", args=[benchmark.pk]),
        {**GOOD, "kind": "target", "value": "90", "version": "1"},
    )
    assert response.status_code == 400
    assert any("Someone else changed this record" in m for m in summary(response))
    benchmark.refresh_from_db()
    assert benchmark.value == Decimal("86.00") and benchmark.version == 2
    ok = client_for(world.leader).post(
        reverse("performance:benchmark_edit", args=[benchmark.pk]),
        {**GOOD, "kind": "target", "value": "90", "version": "2"},
    )
    assert ok.status_code == 302
    benchmark.refresh_from_db()
    assert benchmark.value == Decimal("90.00") and benchmark.version == 3 and benchmark.modified_by == world.leader


@pytest.mark.django_db
def test_remove_after_confirming(world, client_for, benchmark):
    c = client_for(world.leader)
    confirm = c.get(reverse("performance:benchmark_delete", args=[benchmark.pk]))
    assert b"Remove this figure?" in confirm.content
    stale = c.post(reverse("performance:benchmark_delete", args=[benchmark.pk]), {"version": "7"})
    assert stale.status_code == 409 and Benchmark.objects.exists()
    done = c.post(reverse("performance:benchmark_delete", args=[benchmark.pk]), {"version": "1"})
    assert done.status_code == 302 and not Benchmark.objects.exists()


@pytest.mark.django_db
def test_the_services_check_the_permission_again(world, benchmark):
    with pytest.raises(ForbiddenError):
        sb.benchmark_create(
            actor=world.manager, measure="referrals", figure="total", kind="target", value=1, year="2024-25", source="x"
        )
    with pytest.raises(ForbiddenError):
        sb.benchmark_delete(actor=world.manager, benchmark=benchmark)
    with pytest.raises(ConcurrentEditError):
        sb.benchmark_update(actor=world.leader, benchmark=benchmark, expected_version=None, value=Decimal("1"))
