"""A working front door from the first migration: policy, partner check types, threshold document v1."""

from django.db import migrations


def create_defaults(apps, schema_editor):
    from familyhelp.frontdoor.defaults import install

    install(apps)


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
