"""`familyhelp restore`: restore a backup into an empty database and check every table against its manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from familyhelp.core.backup import BackupError, Database, format_comparison, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `familyhelp backup` into an empty database (by default the configured one), then "
        "compare every table's row count and checksum with the backup's manifest; exits non-zero on any difference. "
        "A database that already has tables is refused unless --yes, and then a copy of it is saved first."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help="The backup file (or its .manifest.json).")
        parser.add_argument(
            "--database-url",
            metavar="URL",
            default=None,
            help="Restore into this database instead of the configured one, e.g. sqlite:////srv/restore.sqlite3 or "
            "postgres://user@host/familyhelp_restore (created if missing). Put a password in PGPASSWORD or "
            "~/.pgpass rather than in the URL.",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace a database that already has tables. Stop the web and worker services first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 0
        try:
            if options["database_url"]:
                target = Database.from_url(options["database_url"])
            else:
                target = Database.from_settings(connections["default"].settings_dict)
                connections.close_all()
            result = restore_backup(
                backup=Path(options["path"]),
                target=target,
                replace=options["yes"],
                progress=verbose,
                log=self.stderr.write if verbose else lambda message: None,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        differences = result.differences
        shown = result.comparisons if verbose else differences
        if shown:
            for line in format_comparison(shown):
                self.stdout.write(line)
        rows = sum(c.restored_rows or 0 for c in result.comparisons)
        if result.safety_copy:
            self.stdout.write(f"What was in the database before is saved in {result.safety_copy}")
        for note in result.migration_notes:
            self.stdout.write(self.style.WARNING(note))
        if differences:
            raise CommandError(
                f"The restored database differs from the backup in {len(differences)} of {len(result.comparisons)} "
                f"tables (see above)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.manifest['backup']['file']} into {target.describe()}: {len(result.comparisons)} "
                f"tables, {rows:,} rows, every row count and checksum matches the manifest."
            )
        )
