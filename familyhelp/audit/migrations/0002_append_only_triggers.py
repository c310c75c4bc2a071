"""Database triggers that refuse UPDATE and DELETE on the access log and the chronology.

The application already refuses to change these rows; the triggers make sure nothing else can,
including a stray raw SQL statement or a bulk .update() that bypasses the model. Maintenance mode
(familyhelp.audit.append_only) is the only way round them; the application never turns it on.
"""

from django.db import migrations

TABLES = ["audit_accesslog", "chronology_chronologyevent"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            for op in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    f"WHEN familyhelp_audit_locked() "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
                )
        elif vendor == "postgresql":
            schema_editor.execute(
                "CREATE OR REPLACE FUNCTION familyhelp_refuse_change() RETURNS trigger AS $$ "
                "BEGIN "
                "IF coalesce(current_setting('familyhelp.audit_maintenance', true), '') = 'on' THEN "
                "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END IF; "
                "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;",
                params=None,  # the '%' is PL/pgSQL's, not a query placeholder
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION familyhelp_refuse_change();"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION familyhelp_refuse_change();"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("chronology", "0001_initial"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
