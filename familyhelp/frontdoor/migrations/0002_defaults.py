"""A working front door from the first migration: policy, partner check types, threshold document v1."""

from datetime import date

from django.db import migrations
from django.utils import timezone


def create_defaults(apps, schema_editor):
    from familyhelp.frontdoor.defaults import CHECK_TYPES, THRESHOLD_LEVELS, THRESHOLD_TITLE

    policy = apps.get_model("frontdoor", "FrontDoorPolicy")
    check_type = apps.get_model("frontdoor", "CheckType")
    document = apps.get_model("frontdoor", "ThresholdDocument")
    level = apps.get_model("frontdoor", "ThresholdLevel")
    if not policy.objects.exists():
        policy.objects.create()
    for order, (name, kind, hours, requested, required, screens) in enumerate(CHECK_TYPES):
        check_type.objects.get_or_create(
            name=name,
            defaults={
                "agency_kind": kind,
                "due_hours": hours,
                "requested_by_default": requested,
                "required_by_default": required,
                "screens_exploitation": screens,
                "order": order,
            },
        )
    if not document.objects.exists():
        doc = document.objects.create(
            version=1,
            title=THRESHOLD_TITLE,
            status="published",
            in_force_from=date(2016, 4, 1),
            published_at=timezone.now(),
        )
        for number, name, descriptor, examples in THRESHOLD_LEVELS:
            level.objects.create(document=doc, level=number, name=name, descriptor=descriptor, examples=examples)


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
