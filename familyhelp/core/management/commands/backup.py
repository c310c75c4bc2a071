"""`familyhelp backup`: a verified backup of the database with a manifest beside it (docs/operations/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from familyhelp.core.backup import BackupError, Database, create_backup, default_directory


class Command(BaseCommand):
    help = (
        "Back up the database while the service runs: SQLite with its online backup API (then an integrity check), "
        "PostgreSQL with pg_dump --format=custom. Writes <file>.manifest.json beside the backup (migrations, row "
        "count and checksum of every table) for `familyhelp restore` to check against."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            metavar="PATH",
            default=None,
            help="A directory for a timestamped backup (default var/backups/), or a file name ending .sqlite3 or "
            ".dump.",
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            default=None,
            help="Then delete all but the newest N timestamped backups in that directory (retention).",
        )
        parser.add_argument("--database", default="default", help="Which entry of DATABASES (default: default).")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]) if options["output"] else default_directory()
        is_file = output.suffix in (".sqlite3", ".dump") and not output.is_dir()
        progress = options["verbosity"] > 0
        try:
            database = Database.from_settings(connections[options["database"]].settings_dict)
            result = create_backup(
                database=database,
                directory=None if is_file else output,
                output=output if is_file else None,
                keep=options["keep"],
                progress=progress,
                log=self._log if progress else lambda message: None,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({rows:,} rows) to {result.path} "
            f"({manifest['backup']['bytes'] / 1_000_000:,.1f} MB); manifest {result.manifest_path.name}"
        )
        for path in result.pruned:
            self.stdout.write(f"Deleted old backup {path.name} (--keep {options['keep']})")

    def _log(self, message: str) -> None:
        self.stderr.write(message)
