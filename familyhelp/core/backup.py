"""Backups that restore: `familyhelp backup` and `familyhelp restore` (docs/operations/backup.md).

A backup is one file plus a manifest beside it (`<backup>.manifest.json`):

- SQLite: a copy made with SQLite's online backup API (one step, so it is a consistent snapshot taken while the
  server runs; in WAL mode it does not block writers), checked with `PRAGMA integrity_check`.
- PostgreSQL: `pg_dump --format=custom`, taken from a snapshot exported by a REPEATABLE READ transaction that
  also computes the manifest, so the dump and its checksums describe exactly the same data. The archive is
  checked with `pg_restore --list`. The connection is passed to pg_dump in PG* environment variables, never
  on the command line.

The manifest records when, which engine, the applied Django migrations per app, the size and sha256 of the
backup file, and for every table its row count and a checksum: sha256 over the table's rows ordered by primary
key, one line of text per row (SQLite: the repr of the row's values, which SQLite gives as text, integers,
reals, blobs and NULLs; PostgreSQL: the server's own text form of the row, `row::text`, in a session with the
time zone, date, interval, bytea and float output settings fixed). Both are exact and computed in a stream, and
the same data gives the same checksum on the source and on a restored copy (of the same engine).

`restore_backup` refuses a target that already has tables unless asked to replace it; when it replaces one it
first saves a copy of what was there. It then recomputes every table's row count and checksum on the restored
database and returns the comparison with the manifest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tqdm import tqdm

MANIFEST_FORMAT = "familyhelp-backup"
MANIFEST_VERSION = 1
MANIFEST_SUFFIX = ".manifest.json"
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}
# Timestamped backups that retention (--keep) may delete; nothing else in the directory is ever touched.
BACKUP_NAME = re.compile(r"^familyhelp-(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<seq>\d+))?\.(?:sqlite3|dump)$")
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
CHECKSUM_METHODS = {
    "sqlite": (
        "sha256 over the table's rows in primary-key order (all columns when it has none), each row written as the "
        "Python repr of the tuple of its values (text, integer, real, blob or NULL: no value is converted) and a "
        "newline"
    ),
    "postgresql": (
        "sha256 over the table's rows in primary-key order (text keys COLLATE \"C\"; every column's text when it "
        "has none), each row written as PostgreSQL's text form of the row (row::text, with TimeZone UTC, DateStyle "
        "ISO, IntervalStyle iso_8601, bytea_output hex, extra_float_digits 1) and a newline"
    ),
}
FETCH_ROWS = 5_000
PG_ENV_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}
SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


# --- the database a backup comes from or a restore goes to ----------------------------------------------------
@dataclass(frozen=True)
class Database:
    """A database to back up or restore into, from Django's settings or a database URL."""

    vendor: str  # "sqlite" or "postgresql"
    name: str  # SQLite: the file path; PostgreSQL: the database name
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @classmethod
    def from_settings(cls, settings_dict: dict[str, Any]) -> Database:
        engine = settings_dict["ENGINE"]
        if engine == "django.db.backends.sqlite3":
            name = str(settings_dict["NAME"])
            if name == ":memory:" or "mode=memory" in name:
                raise BackupError("An in-memory SQLite database cannot be backed up or restored into.")
            return cls(vendor="sqlite", name=name)
        if engine.startswith("django.db.backends.postgresql"):
            return cls(
                vendor="postgresql",
                name=str(settings_dict["NAME"]),
                host=str(settings_dict.get("HOST") or ""),
                port=str(settings_dict.get("PORT") or ""),
                user=str(settings_dict.get("USER") or ""),
                password=str(settings_dict.get("PASSWORD") or ""),
                options=dict(settings_dict.get("OPTIONS") or {}),
            )
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")

    @classmethod
    def from_url(cls, url: str) -> Database:
        import dj_database_url

        try:
            parsed = dj_database_url.parse(url)
        except Exception as exc:  # dj_database_url raises ValueError or its own errors on unknown schemes
            raise BackupError(f"Not a database URL this command understands ({type(exc).__name__}).") from exc
        if parsed.get("ENGINE") == "django.db.backends.sqlite3":
            parsed["NAME"] = unquote(str(parsed.get("NAME") or ""))
        return cls.from_settings(dict(parsed))

    def describe(self) -> str:
        """Where the database is, without the password."""
        if self.vendor == "sqlite":
            return f"SQLite file {self.name}"
        where = f"{self.host or 'local socket'}{':' + self.port if self.port else ''}"
        return f"PostgreSQL database {self.name!r} on {where}"

    # PostgreSQL connections: psycopg for reading, PG* variables for pg_dump and pg_restore.
    def pg_env(self, *, dbname: str | None = None) -> dict[str, str]:
        env = dict(os.environ)
        for variable, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGDATABASE", dbname or self.name),
        ):
            if value:  # unset ones fall back to libpq's defaults and environment, as Django's connection does
                env[variable] = value
        for option, variable in PG_ENV_OPTIONS.items():
            if self.options.get(option):
                env[variable] = str(self.options[option])
        return env

    def pg_connect(self, *, dbname: str | None = None, autocommit: bool = False) -> Any:
        import psycopg

        kwargs: dict[str, Any] = {"dbname": dbname or self.name, "autocommit": autocommit}
        for key, value in (("host", self.host), ("port", self.port), ("user", self.user), ("password", self.password)):
            if value:
                kwargs[key] = value
        for option in PG_ENV_OPTIONS:
            if self.options.get(option):
                kwargs[option] = str(self.options[option])
        try:
            return psycopg.connect(**kwargs)
        except psycopg.OperationalError as exc:
            raise BackupError(f"Cannot connect to {self.describe()}: {_first_line(str(exc))}") from exc


# --- checksums ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableSum:
    rows: int
    sha256: str


def checksum_lines(lines: Iterable[str], *, on_rows: Callable[[int], None] | None = None) -> TableSum:
    """Row count and sha256 of rows already written as text, one per row, in their canonical order."""
    digest = hashlib.sha256()
    count = 0
    batch = 0
    for line in lines:
        digest.update(line.encode("utf-8", "surrogatepass"))
        digest.update(b"\n")
        batch += 1
        if batch == FETCH_ROWS:
            count += batch
            if on_rows is not None:
                on_rows(batch)
            batch = 0
    count += batch
    if on_rows is not None and batch:
        on_rows(batch)
    return TableSum(rows=count, sha256=digest.hexdigest())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _bar(*, total: int, desc: str, progress: bool) -> tqdm:
    # disable=None: a bar on a terminal, nothing in logs (systemd, cron) or tests.
    return tqdm(total=total, desc=desc, unit=" rows", unit_scale=True, disable=None if progress else True, leave=False)


def sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    ).fetchall()
    return [row[0] for row in rows]


def sqlite_checksums(conn: sqlite3.Connection, *, progress: bool = False) -> dict[str, TableSum]:
    tables = sqlite_tables(conn)
    total = 0
    if progress:
        for table in tables:
            total += conn.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0]  # noqa: S608 - quoted
    sums: dict[str, TableSum] = {}
    with _bar(total=total, desc="Checksumming tables", progress=progress) as bar:
        for table in tables:
            columns = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
            key = [c[1] for c in sorted((c for c in columns if c[5]), key=lambda c: c[5])] or [c[1] for c in columns]
            order = ", ".join(_quote(c) for c in key)
            bar.set_postfix_str(table, refresh=False)
            cursor = conn.execute(f"SELECT * FROM {_quote(table)} ORDER BY {order}")  # noqa: S608 - quoted names
            # SQLite hands back only str, int, float, bytes and None, whose reprs are exact and unambiguous.
            sums[table] = checksum_lines(map(repr, cursor), on_rows=bar.update)
    return sums


PG_TABLES = """
    SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'
    ORDER BY n.nspname, c.relname
"""
PG_KEY = """
    SELECT a.attname, a.attcollation <> 0 FROM pg_index i
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
    WHERE i.indrelid = %s AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)
"""
PG_CANONICAL_SETTINGS = (
    "TimeZone = 'UTC'",
    "DateStyle = 'ISO, YMD'",
    "IntervalStyle = 'iso_8601'",
    "bytea_output = 'hex'",
    "extra_float_digits = 1",
)
PG_COLUMNS = "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped ORDER BY attnum"


def _pg_table_name(schema: str, table: str) -> str:
    return table if schema == "public" else f"{schema}.{table}"


def postgresql_checksums(conn: Any, *, progress: bool = False) -> dict[str, TableSum]:
    """Checksums of every table, read in the connection's current transaction (call inside REPEATABLE READ)."""
    with conn.cursor() as cur:
        for setting in PG_CANONICAL_SETTINGS:  # the text form of every value, whatever the server's defaults
            cur.execute(f"SET LOCAL {setting}")
        cur.execute(PG_TABLES)
        tables = cur.fetchall()
        total = 0
        if progress:
            cur.execute("SELECT coalesce(sum(greatest(reltuples, 0)), 0)::bigint FROM pg_class WHERE relkind = 'r'")
            total = int(cur.fetchone()[0])
    sums: dict[str, TableSum] = {}
    with _bar(total=total, desc="Checksumming tables", progress=progress) as bar:
        for oid, schema, table in tables:
            with conn.cursor() as cur:
                cur.execute(PG_KEY, (oid,))
                key = cur.fetchall()
                if key:
                    order = ", ".join(_quote(n) + (' COLLATE "C"' if collatable else "") for n, collatable in key)
                else:  # no primary key: order by every column's text (json has no ordering of its own)
                    cur.execute(PG_COLUMNS, (oid,))
                    order = ", ".join(f'{_quote(n)}::text COLLATE "C"' for (n,) in cur.fetchall()) or "1"
            # The alias is the whole row; a name no column has (a column named like the alias would win).
            query = f"SELECT fh_row_::text FROM {_quote(schema)}.{_quote(table)} AS fh_row_ ORDER BY {order}"  # noqa: S608
            bar.set_postfix_str(table, refresh=False)
            with conn.cursor(name="familyhelp_checksum") as rows:
                rows.itersize = FETCH_ROWS
                rows.execute(query)
                sums[_pg_table_name(schema, table)] = checksum_lines((r[0] for r in rows), on_rows=bar.update)
    return sums


def _sqlite_migrations(conn: sqlite3.Connection) -> dict[str, list[str]]:
    if "django_migrations" not in sqlite_tables(conn):
        return {}
    return _group(conn.execute("SELECT app, name FROM django_migrations ORDER BY app, name").fetchall())


def _pg_migrations(conn: Any) -> dict[str, list[str]]:
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
        if not cur.fetchone()[0]:
            return {}
        cur.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return _group(cur.fetchall())


def _group(rows: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for app, name in rows:
        grouped.setdefault(app, []).append(name)
    return grouped


# --- making a backup ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest_path: Path
    manifest: dict[str, Any]
    pruned: list[Path]


def default_directory() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "backups"


def manifest_path_for(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def _new_name(directory: Path, vendor: str, now: dt.datetime, prefix: str = "familyhelp") -> Path:
    stamp = now.astimezone(dt.UTC).strftime(STAMP_FORMAT)
    suffix = SUFFIXES[vendor]
    path = directory / f"{prefix}-{stamp}{suffix}"
    seq = 1
    while path.exists() or manifest_path_for(path).exists():
        seq += 1
        path = directory / f"{prefix}-{stamp}-{seq}{suffix}"
    return path


def create_backup(
    *,
    database: Database,
    directory: Path | None = None,
    output: Path | None = None,
    keep: int | None = None,
    progress: bool = False,
    now: dt.datetime | None = None,
    prefix: str = "familyhelp",
    log: Callable[[str], None] = lambda message: None,
) -> BackupResult:
    """Back up `database` to `output` (a file) or a timestamped file in `directory`; prune to `keep` if given."""
    from familyhelp.core import clock

    if keep is not None and keep < 1:
        raise BackupError("--keep must be at least 1 (the backup just made is always kept).")
    if output is not None and keep is not None:
        raise BackupError("--keep prunes a directory of timestamped backups: give --output a directory, not a file.")
    now = now or clock.now()
    if output is None:
        directory = directory or default_directory()
        _make_private_directory(directory)
        path = _new_name(directory, database.vendor, now, prefix)
    else:
        path = output
        if path.suffix != SUFFIXES[database.vendor]:
            raise BackupError(
                f"A backup of {database.describe()} is a {SUFFIXES[database.vendor]} file, not {path.name}."
            )
        _make_private_directory(path.parent)
        if path.exists():
            raise BackupError(f"{path} already exists; choose another name (a backup never overwrites a file).")
    partial = path.with_name(path.name + ".partial")
    try:
        if database.vendor == "sqlite":
            log(f"Copying {database.describe()} with SQLite's online backup API")
            tables, migrations, server_version = _backup_sqlite(database, partial, progress=progress)
        else:
            log(f"Dumping {database.describe()} with pg_dump --format=custom")
            tables, migrations, server_version = _backup_postgresql(database, partial, progress=progress)
        os.chmod(partial, 0o600)
        manifest = {
            "format": MANIFEST_FORMAT,
            "version": MANIFEST_VERSION,
            "created_at": now.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "database": {"vendor": database.vendor, "server_version": server_version},
            "familyhelp_version": _familyhelp_version(),
            "backup": {"file": path.name, "bytes": partial.stat().st_size, "sha256": file_sha256(partial)},
            "migrations": migrations,
            "checksum_method": CHECKSUM_METHODS[database.vendor],
            "tables": {name: {"rows": s.rows, "sha256": s.sha256} for name, s in sorted(tables.items())},
        }
        manifest_path = manifest_path_for(path)
        manifest_partial = manifest_path.with_name(manifest_path.name + ".partial")
        manifest_partial.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        os.chmod(manifest_partial, 0o600)
        os.replace(partial, path)
        os.replace(manifest_partial, manifest_path)
    finally:
        for leftover in (partial, manifest_path_for(path).with_name(manifest_path_for(path).name + ".partial")):
            leftover.unlink(missing_ok=True)
    pruned = prune(path.parent, keep=keep) if keep is not None else []
    return BackupResult(path=path, manifest_path=manifest_path, manifest=manifest, pruned=pruned)


def _make_private_directory(directory: Path) -> None:
    # Backups hold every record: only the owner may read the directory a backup command creates.
    if not directory.exists():
        directory.mkdir(parents=True, mode=0o700)


def _backup_sqlite(
    database: Database, destination: Path, *, progress: bool
) -> tuple[dict[str, TableSum], dict[str, list[str]], str]:
    source_path = Path(database.name)
    if not source_path.is_file():
        raise BackupError(f"There is no database at {source_path}.")
    source = sqlite3.connect(source_path, timeout=20)
    try:
        target = sqlite3.connect(destination)
        try:
            # One step (pages=-1): a consistent snapshot. Stepwise copies restart whenever the server writes.
            source.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal beside it
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not copy {source_path}: {exc}") from exc
    finally:
        source.close()
    with contextlib.closing(_open_sqlite_read_only(destination)) as copy:
        _check_sqlite_integrity(copy, destination)
        return sqlite_checksums(copy, progress=progress), _sqlite_migrations(copy), sqlite3.sqlite_version


def _open_sqlite_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _check_sqlite_integrity(conn: sqlite3.Connection, path: Path) -> None:
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from exc
    if result != ["ok"]:
        raise BackupError(f"{path} fails SQLite's integrity check: {'; '.join(result[:5])}")


def pg_binary(name: str) -> str:
    """Path of a PostgreSQL client program: FAMILYHELP_PG_BIN, then PATH, then the newest Debian install."""
    configured = os.environ.get("FAMILYHELP_PG_BIN")
    if configured:
        candidate = Path(configured) / name
        if candidate.is_file():
            return str(candidate)
        raise BackupError(f"FAMILYHELP_PG_BIN is set but {candidate} does not exist.")
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: [int(part) if part.isdigit() else 0 for part in p.parts[-3].split(".")],
    )
    if versions:
        return str(versions[-1])
    raise BackupError(
        f"{name} was not found (PATH, /usr/lib/postgresql/*/bin). Install the PostgreSQL client programs "
        f"(Debian: apt-get install postgresql-client) or set FAMILYHELP_PG_BIN to their directory."
    )


def _run(command: list[str], *, env: dict[str, str], what: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = "; ".join(line for line in result.stderr.strip().splitlines()[:5]) or f"exit {result.returncode}"
        raise BackupError(f"{what} failed: {detail}")
    return result


def _backup_postgresql(
    database: Database, destination: Path, *, progress: bool
) -> tuple[dict[str, TableSum], dict[str, list[str]], str]:
    import psycopg

    pg_dump = pg_binary("pg_dump")
    conn = database.pg_connect()
    try:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cur.fetchone()
        # pg_dump reads the snapshot this transaction exported, so the dump and the checksums below agree even
        # while the server keeps writing.
        _run(
            [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={destination}"],
            env=database.pg_env(),
            what="pg_dump",
        )
        tables = postgresql_checksums(conn, progress=progress)
        migrations = _pg_migrations(conn)
        conn.rollback()
    finally:
        conn.close()
    _check_pg_archive(destination)
    return tables, migrations, str(server_version)


def _check_pg_archive(path: Path) -> list[str]:
    result = _run([pg_binary("pg_restore"), "--list", str(path)], env=dict(os.environ), what=f"Reading {path.name}")
    return result.stdout.splitlines()


def _familyhelp_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("familyhelp")
    except PackageNotFoundError:
        return "unknown"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- retention ------------------------------------------------------------------------------------------------
def timestamped_backups(directory: Path) -> list[Path]:
    """The directory's timestamped backups, oldest first (files with other names are not backups to prune)."""
    found: list[tuple[str, int, Path]] = []
    if not directory.is_dir():
        return []
    for path in directory.iterdir():
        match = BACKUP_NAME.match(path.name)
        if match and path.is_file():
            found.append((match["stamp"], int(match["seq"] or 1), path))
    return [path for _stamp, _seq, path in sorted(found)]


def prune(directory: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest `keep` timestamped backups (and their manifests); return what was deleted."""
    if keep < 1:
        raise BackupError("--keep must be at least 1.")
    backups = timestamped_backups(directory)
    doomed = backups[: max(0, len(backups) - keep)]
    for path in doomed:
        path.unlink()
        manifest_path_for(path).unlink(missing_ok=True)
    return doomed


# --- restoring ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    table: str
    backup_rows: int | None
    restored_rows: int | None
    checksum_matches: bool

    @property
    def ok(self) -> bool:
        return self.checksum_matches and self.backup_rows == self.restored_rows

    @property
    def status(self) -> str:
        if self.backup_rows is None:
            return "not in backup"
        if self.restored_rows is None:
            return "missing"
        if self.backup_rows != self.restored_rows:
            return "rows differ"
        return "ok" if self.checksum_matches else "checksum differs"


@dataclass(frozen=True)
class RestoreResult:
    target: Database
    manifest: dict[str, Any]
    comparisons: list[Comparison]
    safety_copy: Path | None
    migration_notes: list[str]

    @property
    def differences(self) -> list[Comparison]:
        return [c for c in self.comparisons if not c.ok]


def read_manifest(backup: Path) -> dict[str, Any]:
    path = manifest_path_for(backup)
    if not path.is_file():
        raise BackupError(
            f"No manifest beside {backup.name} (expected {path.name}): without it the restore cannot be checked."
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"The manifest {path.name} is not readable JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{path.name} is not a Family Help backup manifest.")
    if manifest.get("version") != MANIFEST_VERSION:
        raise BackupError(f"{path.name} is manifest version {manifest.get('version')}; this release reads version 1.")
    return manifest


def resolve_backup(path: Path) -> Path:
    """The backup file for a path naming the backup or its manifest."""
    if path.name.endswith(MANIFEST_SUFFIX):
        path = path.with_name(path.name[: -len(MANIFEST_SUFFIX)])
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    return path


def check_backup_file(backup: Path, manifest: dict[str, Any]) -> str:
    """Check the file is the one the manifest describes and readable by its engine; return the engine."""
    vendor = manifest.get("database", {}).get("vendor")
    if vendor not in SUFFIXES:
        raise BackupError(f"The manifest names an unknown database kind {vendor!r}.")
    with backup.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    expected = SQLITE_HEADER if vendor == "sqlite" else PG_CUSTOM_HEADER
    if not header.startswith(expected):
        kind = "a SQLite database" if vendor == "sqlite" else "a pg_dump custom-format archive"
        raise BackupError(f"{backup.name} is not {kind}: the file is damaged or is not a backup.")
    recorded = manifest.get("backup", {})
    size = backup.stat().st_size
    if recorded.get("bytes") is not None and recorded["bytes"] != size:
        raise BackupError(
            f"{backup.name} is {size} bytes but was {recorded['bytes']} when it was made: it is truncated or damaged."
        )
    if recorded.get("sha256") and recorded["sha256"] != file_sha256(backup):
        raise BackupError(f"{backup.name} does not match the checksum in its manifest: the file is damaged.")
    if vendor == "sqlite":
        with contextlib.closing(sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro&immutable=1", uri=True)) as c:
            _check_sqlite_integrity(c, backup)
    else:
        _check_pg_archive(backup)
    return str(vendor)


def restore_backup(
    *,
    backup: Path,
    target: Database,
    replace: bool = False,
    safety_directory: Path | None = None,
    progress: bool = False,
    log: Callable[[str], None] = lambda message: None,
) -> RestoreResult:
    """Restore `backup` into `target` and compare every table with the manifest.

    Refuses a target that already has tables unless `replace`; then it first backs up what is there
    (`familyhelp-pre-restore-<time>` in `safety_directory`), which retention never deletes.
    """
    backup = resolve_backup(backup)
    manifest = read_manifest(backup)
    vendor = check_backup_file(backup, manifest)
    if vendor != target.vendor:
        raise BackupError(
            f"This is a {vendor} backup and the target is {target.describe()}: a backup restores into the same "
            f"kind of database it was made from."
        )
    if vendor == "sqlite" and Path(target.name).resolve() == backup.resolve():
        raise BackupError("The target is the backup file itself.")
    existing = _existing_tables(target)
    safety_copy = None
    if existing:
        if not replace:
            raise BackupError(
                f"{target.describe()} is not empty ({existing} tables). Restore into a new database (--database-url) "
                f"and point the service at it, or stop the web and worker services and repeat with --yes to replace "
                f"it (a copy of what is there is saved first)."
            )
        log(f"Saving a copy of what is in {target.describe()} before replacing it")
        safety_copy = create_backup(
            database=target, directory=safety_directory or default_directory(), prefix="familyhelp-pre-restore"
        ).path
        log(f"Saved {safety_copy}")
    log(f"Restoring {backup.name} into {target.describe()}")
    if vendor == "sqlite":
        tables = _restore_sqlite(backup, target, progress=progress)
    else:
        tables = _restore_postgresql(backup, target, wipe=bool(existing), progress=progress, log=log)
    return RestoreResult(
        target=target,
        manifest=manifest,
        comparisons=compare(manifest.get("tables", {}), tables),
        safety_copy=safety_copy,
        migration_notes=migration_notes(manifest.get("migrations", {})),
    )


def _existing_tables(target: Database) -> int:
    """How many tables the target has (0 for a missing or empty database)."""
    if target.vendor == "sqlite":
        path = Path(target.name)
        if not path.exists() or path.stat().st_size == 0:
            return 0
        try:
            with contextlib.closing(_open_sqlite_read_only(path)) as conn:
                return len(sqlite_tables(conn))
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} exists and is not a SQLite database; it was left alone.") from exc
    if not _pg_database_exists(target):
        return 0
    with contextlib.closing(target.pg_connect(autocommit=True)) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN "
            "('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg\\_%%'"
        )
        return int(cur.fetchone()[0])


def _restore_sqlite(backup: Path, target: Database, *, progress: bool) -> dict[str, TableSum]:
    path = Path(target.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        destination = sqlite3.connect(path, timeout=20)
        try:
            source.backup(destination, pages=-1)
        finally:
            destination.close()
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not restore into {path}: {exc}") from exc
    finally:
        source.close()
    with contextlib.closing(_open_sqlite_read_only(path)) as conn:
        return sqlite_checksums(conn, progress=progress)


def _maintenance_connection(target: Database) -> Any:
    for dbname in ("postgres", "template1"):
        with contextlib.suppress(BackupError):
            return target.pg_connect(dbname=dbname, autocommit=True)
    raise BackupError(f"Cannot connect to the PostgreSQL server of {target.describe()} (tried postgres, template1).")


def _pg_database_exists(target: Database) -> bool:
    with contextlib.closing(_maintenance_connection(target)) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target.name,))
        return cur.fetchone() is not None


def create_pg_database(target: Database) -> bool:
    """Create the target database if it does not exist; return whether it was created."""
    with contextlib.closing(_maintenance_connection(target)) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target.name,))
        if cur.fetchone():
            return False
        # template0: a clean database, whatever was added to template1 on this server.
        cur.execute(f"CREATE DATABASE {_quote(target.name)} TEMPLATE template0 ENCODING 'UTF8'")
        return True


def drop_pg_database(target: Database) -> None:
    with contextlib.closing(_maintenance_connection(target)) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {_quote(target.name)} WITH (FORCE)")


def _restore_postgresql(
    backup: Path, target: Database, *, wipe: bool, progress: bool, log: Callable[[str], None]
) -> dict[str, TableSum]:
    import psycopg

    if create_pg_database(target):
        log(f"Created {target.describe()}")
    if wipe:
        with contextlib.closing(target.pg_connect(autocommit=True)) as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND nspname NOT LIKE 'pg\\_%%'"
            )
            schemas = [row[0] for row in cur.fetchall()]
            with conn.transaction():
                for schema in schemas:
                    cur.execute(f"DROP SCHEMA {_quote(schema)} CASCADE")
                cur.execute("CREATE SCHEMA public")
    _run(
        [
            pg_binary("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={target.name}",
            str(backup),
        ],
        env=target.pg_env(),
        what="pg_restore",
    )
    with contextlib.closing(target.pg_connect(autocommit=True)) as conn:
        log("Updating planner statistics (ANALYZE)")
        conn.execute("ANALYZE")
        conn.autocommit = False
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        tables = postgresql_checksums(conn, progress=progress)
        conn.rollback()
    return tables


def compare(recorded: dict[str, dict[str, Any]], restored: dict[str, TableSum]) -> list[Comparison]:
    """Every table in either, in name order, with whether its rows and checksum agree."""
    comparisons = []
    for table in sorted(set(recorded) | set(restored)):
        before = recorded.get(table)
        after = restored.get(table)
        comparisons.append(
            Comparison(
                table=table,
                backup_rows=None if before is None else int(before["rows"]),
                restored_rows=None if after is None else after.rows,
                checksum_matches=before is not None and after is not None and before["sha256"] == after.sha256,
            )
        )
    return comparisons


def migration_notes(recorded: dict[str, list[str]]) -> list[str]:
    """What to do about migrations after restoring: the code may be newer (migrate) or older (upgrade first)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    in_backup = {(app, name) for app, names in recorded.items() for name in names}
    notes = []
    unknown = sorted(key for key in in_backup - set(loader.disk_migrations) if key[0] in loader.migrated_apps)
    missing = sorted(key for key in loader.graph.leaf_nodes() if key not in in_backup)
    if unknown:
        notes.append(
            f"The backup has {len(unknown)} migrations this code does not know (first: {unknown[0][0]}."
            f"{unknown[0][1]}): it was made by a newer release; deploy that release before using it."
        )
    if missing:
        apps = len({app for app, _name in missing})
        notes.append(
            f"The backup predates this release's migrations in {apps} app{'' if apps == 1 else 's'}: run "
            f"`familyhelp migrate` before starting the service."
        )
    return notes


def format_comparison(comparisons: list[Comparison]) -> Iterator[str]:
    """The comparison as a plain-text table."""
    width = max([len("table"), *(len(c.table) for c in comparisons)])

    def cell(value: int | None) -> str:
        return "-" if value is None else f"{value:,}"

    yield f"{'table':<{width}}  {'backup rows':>12}  {'restored rows':>13}  checksum"
    for c in comparisons:
        yield f"{c.table:<{width}}  {cell(c.backup_rows):>12}  {cell(c.restored_rows):>13}  {c.status}"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text
