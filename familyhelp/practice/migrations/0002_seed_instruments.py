"""Seed version 1 of the three practice tools (exploitation screening, Graded Care Profile 2, Signs of Safety).

The definitions are the published version 1 in familyhelp.practice.definitions; they never change (a new
version is a new row with a later in-force date).
"""

from django.db import migrations


def seed(apps, schema_editor):
    from familyhelp.practice.defaults import install

    install(apps)


def unseed(apps, schema_editor):
    Instrument = apps.get_model("practice", "Instrument")
    Instrument.objects.filter(version_number=1, completions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("practice", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
