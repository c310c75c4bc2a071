"""Backups that restore (`familyhelp backup` / `familyhelp restore`, familyhelp/core/backup.py).

Most tests use small SQLite files made here with sqlite3 (no Django database, so they are quick). One test backs
up a generated council from the test database and restores it into a fresh one, on SQLite and, when the suite
runs on PostgreSQL (DATABASE_URL set, `make test-postgres`), on PostgreSQL into a second database on the same
server. It needs committed data, so it is the only transactional test here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from familyhelp.core import backup
from familyhelp.core.backup import BackupError, Database

TODAY = dt.date(2025, 3, 31)
NOW = dt.datetime(2025, 3, 31, 1, 30, tzinfo=dt.UTC)


def _make_database(path: Path, people: list[tuple[int, str]] | None = None) -> Database:
    """A small SQLite database in WAL mode, as the service runs it: a table with an integer key, one with a text
    key and awkward values, and one without a primary key."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    conn.execute("CREATE TABLE setting (key TEXT PRIMARY KEY, value BLOB, amount REAL)")
    conn.execute("CREATE TABLE event (person_id INTEGER, happened TEXT)")
    conn.executemany(
        "INSERT INTO person VALUES (?, ?)",
        people or [(1, "Zoë O'Brien"), (2, "Minh Nguyễn"), (3, "Line\nbreak"), (4, 'Quote "this"')],
    )
    conn.executemany(
        "INSERT INTO setting VALUES (?, ?, ?)", [("b", b"\x00\xff", 1.5), ("a", None, None), ("B", b"", -0.0)]
    )
    conn.executemany("INSERT INTO event VALUES (?, ?)", [(2, "2025-01-01"), (1, "2025-02-01"), (1, "2025-02-01")])
    conn.commit()
    conn.close()
    return Database(vendor="sqlite", name=str(path))


def _tables(result: backup.BackupResult) -> dict[str, dict[str, object]]:
    return result.manifest["tables"]


# --- the manifest and its checksums ---------------------------------------------------------------------------
def test_backup_writes_a_verified_copy_and_a_manifest_that_only_its_owner_can_read(tmp_path):
    source = _make_database(tmp_path / "live.sqlite3")
    result = backup.create_backup(database=source, directory=tmp_path / "backups", now=NOW)

    assert result.path.name == "familyhelp-20250331T013000Z.sqlite3"
    assert result.manifest_path.name == "familyhelp-20250331T013000Z.sqlite3.manifest.json"
    assert json.loads(result.manifest_path.read_text()) == result.manifest
    assert result.manifest["created_at"] == "2025-03-31T01:30:00Z"
    assert result.manifest["database"]["vendor"] == "sqlite"
    assert result.manifest["backup"]["sha256"] == backup.file_sha256(result.path)
    assert {name: t["rows"] for name, t in _tables(result).items()} == {"event": 3, "person": 4, "setting": 3}
    assert not list((tmp_path / "backups").glob("*.partial"))
    assert not Path(str(result.path) + "-wal").exists()  # a self-contained file, not WAL
    for path in (result.path, result.manifest_path, tmp_path / "backups"):
        assert path.stat().st_mode & 0o077 == 0, path


def test_a_backup_runs_beside_a_writer_and_holds_only_committed_rows(tmp_path):
    source = _make_database(tmp_path / "live.sqlite3")
    writer = sqlite3.connect(source.name, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # the service is half way through a write
        writer.execute("INSERT INTO person VALUES (5, 'Not yet committed')")
        result = backup.create_backup(database=source, directory=tmp_path / "backups", now=NOW)
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert _tables(result)["person"]["rows"] == 4
    with contextlib.closing(sqlite3.connect(result.path)) as copy:
        assert copy.execute("SELECT max(id) FROM person").fetchone() == (4,)


def test_the_checksum_changes_when_one_row_changes_and_only_for_that_table(tmp_path):
    source = _make_database(tmp_path / "live.sqlite3")
    before = backup.create_backup(database=source, directory=tmp_path / "backups", now=NOW)
    with sqlite3.connect(source.name) as conn:
        conn.execute("UPDATE person SET name = 'Zoe O''Brien' WHERE id = 1")  # one letter, one row
    after = backup.create_backup(database=source, directory=tmp_path / "backups", now=NOW)

    assert after.path != before.path  # same second: a second name, never an overwrite
    changed = {name for name in _tables(before) if _tables(before)[name] != _tables(after)[name]}
    assert changed == {"person"}
    assert _tables(before)["person"]["rows"] == _tables(after)["person"]["rows"] == 4


def test_the_checksum_depends_on_the_rows_not_on_the_order_they_were_written_in(tmp_path):
    rows = [(1, "Aaliyah"), (2, "Oliver"), (3, "Amara")]
    one = backup.create_backup(
        database=_make_database(tmp_path / "one.sqlite3", rows), directory=tmp_path / "b", now=NOW
    )
    two = backup.create_backup(
        database=_make_database(tmp_path / "two.sqlite3", list(reversed(rows))), directory=tmp_path / "b", now=NOW
    )
    assert _tables(one)["person"] == _tables(two)["person"]


@pytest.mark.parametrize(
    ("setup", "change"),
    [
        ("UPDATE setting SET value = '1' WHERE key = 'a'", "UPDATE setting SET value = 1 WHERE key = 'a'"),  # type
        ("SELECT 1", "UPDATE setting SET value = '' WHERE key = 'a'"),  # NULL to an empty string
        ("SELECT 1", "UPDATE setting SET value = X'00FE' WHERE key = 'b'"),  # one bit of a blob
        ("SELECT 1", "UPDATE setting SET key = 'A' WHERE key = 'a'"),  # only the case of a key
    ],
    ids=["text-to-integer", "null-to-empty", "blob-bit", "key-case"],
)
def test_the_checksum_sees_a_change_of_type_null_blob_or_case(tmp_path, setup, change):
    source = _make_database(tmp_path / "live.sqlite3")
    with contextlib.closing(sqlite3.connect(source.name)) as conn:
        with conn:
            conn.execute(setup)
        before = backup.sqlite_checksums(conn)
        with conn:
            conn.execute(change)
        after = backup.sqlite_checksums(conn)
    assert after["setting"].rows == before["setting"].rows
    assert after["setting"] != before["setting"]
    assert after["person"] == before["person"]


def test_checksum_lines_counts_and_separates_rows():
    assert backup.checksum_lines(["a", "b"]) != backup.checksum_lines(["a\nb"])
    assert backup.checksum_lines(["a", "b"]) != backup.checksum_lines(["b", "a"])
    seen: list[int] = []
    result = backup.checksum_lines((str(i) for i in range(backup.FETCH_ROWS + 3)), on_rows=seen.append)
    assert result.rows == backup.FETCH_ROWS + 3 == sum(seen)
    assert backup.checksum_lines([]).rows == 0


# --- restoring ------------------------------------------------------------------------------------------------
def test_restore_into_a_fresh_database_matches_every_table(tmp_path):
    source = _make_database(tmp_path / "live.sqlite3")
    made = backup.create_backup(database=source, directory=tmp_path / "backups", now=NOW)
    out = StringIO()
    call_command(
        "restore", str(made.path), "--database-url", f"sqlite:///{tmp_path}/fresh/restored.sqlite3", stdout=out
    )

    text = out.getvalue()
    assert "every row count and checksum matches" in text
    assert "person" in text and "ok" in text
    with sqlite3.connect(tmp_path / "fresh" / "restored.sqlite3") as conn:
        assert conn.execute("SELECT name FROM person WHERE id = 1").fetchone() == ("Zoë O'Brien",)


def test_restore_refuses_a_database_that_has_tables_unless_told_and_then_keeps_a_copy(tmp_path):
    made = backup.create_backup(
        database=_make_database(tmp_path / "live.sqlite3"), directory=tmp_path / "backups", now=NOW
    )
    target = _make_database(tmp_path / "other.sqlite3", [(9, "Someone else")])
    url = f"sqlite:///{target.name}"

    with pytest.raises(CommandError, match=r"is not empty \(3 tables\).*--yes"):
        call_command("restore", str(made.path), "--database-url", url, stdout=StringIO())
    with sqlite3.connect(target.name) as conn:
        assert conn.execute("SELECT name FROM person").fetchall() == [("Someone else",)]  # untouched

    result = backup.restore_backup(backup=made.path, target=target, replace=True, safety_directory=tmp_path / "safety")
    assert not result.differences
    assert result.safety_copy is not None and result.safety_copy.name.startswith("familyhelp-pre-restore-")
    with sqlite3.connect(result.safety_copy) as conn:
        assert conn.execute("SELECT name FROM person").fetchall() == [("Someone else",)]
    with sqlite3.connect(target.name) as conn:
        assert conn.execute("SELECT count(*) FROM person").fetchone() == (4,)
    assert backup.timestamped_backups(tmp_path / "safety") == []  # retention never deletes a pre-restore copy


def test_restore_exits_non_zero_and_shows_the_table_that_differs(tmp_path):
    made = backup.create_backup(
        database=_make_database(tmp_path / "live.sqlite3"), directory=tmp_path / "backups", now=NOW
    )
    manifest = json.loads(made.manifest_path.read_text())
    manifest["tables"]["setting"]["sha256"] = "0" * 64
    manifest["tables"]["person"]["rows"] = 5
    made.manifest_path.write_text(json.dumps(manifest))
    out = StringIO()

    with pytest.raises(CommandError, match="differs from the backup in 2 of 3 tables"):
        call_command("restore", str(made.path), "--database-url", f"sqlite:///{tmp_path}/r.sqlite3", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()[1:]}
    assert lines["setting"].endswith("checksum differs")
    assert lines["person"].endswith("rows differ")
    assert lines["event"].endswith("ok")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.write_bytes(p.read_bytes()[:4096]), "truncated or damaged"),
        (lambda p: p.write_bytes(b"not a database at all" * 200), "is not a SQLite database"),
        (lambda p: p.write_bytes(_flip(p.read_bytes(), 5000)), "does not match the checksum in its manifest"),
        (lambda p: Path(str(p) + backup.MANIFEST_SUFFIX).unlink(), "No manifest beside"),
        (lambda p: Path(str(p) + backup.MANIFEST_SUFFIX).write_text("{"), "not readable JSON"),
    ],
    ids=["truncated", "not-sqlite", "one-byte-changed", "no-manifest", "bad-manifest"],
)
def test_a_damaged_backup_is_refused_with_a_clear_message(tmp_path, damage, message):
    made = backup.create_backup(
        database=_make_database(tmp_path / "live.sqlite3"), directory=tmp_path / "backups", now=NOW
    )
    damage(made.path)
    target = tmp_path / "restored.sqlite3"
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(made.path), "--database-url", f"sqlite:///{target}", stdout=StringIO())
    assert not target.exists()  # nothing was written


def test_a_backup_whose_manifest_checksum_was_fixed_up_is_still_checked_by_sqlite(tmp_path):
    made = backup.create_backup(
        database=_make_database(tmp_path / "live.sqlite3"), directory=tmp_path / "backups", now=NOW
    )
    damaged = bytearray(made.path.read_bytes())
    damaged[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page
    made.path.write_bytes(bytes(damaged))
    manifest = json.loads(made.manifest_path.read_text())
    manifest["backup"]["sha256"] = backup.file_sha256(made.path)
    made.manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="not a readable SQLite database|fails SQLite's integrity check"):
        backup.restore_backup(backup=made.path, target=Database(vendor="sqlite", name=str(tmp_path / "r.sqlite3")))


def test_a_sqlite_backup_does_not_restore_into_postgresql(tmp_path):
    made = backup.create_backup(
        database=_make_database(tmp_path / "live.sqlite3"), directory=tmp_path / "backups", now=NOW
    )
    target = Database.from_url("postgres://someone@127.0.0.1:1/elsewhere")
    with pytest.raises(BackupError, match="restores into the same kind of database"):
        backup.restore_backup(backup=made.path, target=target)


# --- retention ------------------------------------------------------------------------------------------------
def test_keep_prunes_exactly_the_oldest_backups_and_nothing_else(tmp_path):
    source = _make_database(tmp_path / "live.sqlite3")
    directory = tmp_path / "backups"
    directory.mkdir()
    unrelated = [directory / "notes.txt", directory / "familyhelp-pre-restore-20250101T000000Z.sqlite3"]
    for path in unrelated:
        path.write_text("keep me")
    made = [
        backup.create_backup(database=source, directory=directory, now=NOW + dt.timedelta(days=day)).path
        for day in (0, 1, 1, 2)  # day 1 twice: the second gets -2 and counts as newer
    ]
    assert made[2].name == "familyhelp-20250401T013000Z-2.sqlite3"

    last = backup.create_backup(database=source, directory=directory, now=NOW + dt.timedelta(days=3), keep=3)

    assert last.pruned == made[:2]
    assert backup.timestamped_backups(directory) == [made[2], made[3], last.path]
    for path in made[:2]:
        assert not path.exists() and not backup.manifest_path_for(path).exists()
    assert all(path.exists() for path in unrelated)


def test_keep_needs_a_directory_and_at_least_one(tmp_path):
    source = _make_database(tmp_path / "live.sqlite3")
    with pytest.raises(BackupError, match="at least 1"):
        backup.create_backup(database=source, directory=tmp_path / "b", keep=0)
    with pytest.raises(CommandError, match="give --output a directory"):
        call_command("backup", "--output", str(tmp_path / "one.sqlite3"), "--keep", "2", stdout=StringIO())


def test_database_urls_and_settings():
    assert Database.from_url("sqlite:////srv/familyhelp/restore.sqlite3").name == "/srv/familyhelp/restore.sqlite3"
    pg = Database.from_url("postgres://fh:s3cret@db.internal:5433/familyhelp_restore?sslmode=require")
    assert (pg.vendor, pg.name, pg.host, pg.port, pg.user) == (
        "postgresql",
        "familyhelp_restore",
        "db.internal",
        "5433",
        "fh",
    )
    env = pg.pg_env()
    assert env["PGPASSWORD"] == "s3cret" and env["PGDATABASE"] == "familyhelp_restore" and env["PGSSLMODE"] == "require"
    assert "s3cret" not in pg.describe() and "s3cret" not in repr(pg)
    with pytest.raises(BackupError, match="in-memory"):
        Database.from_settings({"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"})


# --- a whole council, through the commands ------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)  # the backup reads committed data from its own connection
def test_a_generated_council_restores_into_a_fresh_database_table_for_table(tmp_path):
    from familyhelp.synthetic.generator import generate

    generate(preset="tiny", seed=1, today=TODAY)
    source = Database.from_settings(connection.settings_dict)
    if source.vendor == "sqlite":
        target = Database(vendor="sqlite", name=str(tmp_path / "restored.sqlite3"))
        url = f"sqlite:///{target.name}"
    else:
        target = dataclasses.replace(source, name=f"{source.name}_restore_{os.getpid()}")
        backup.drop_pg_database(target)
        url = _pg_url(target)
    out = StringIO()
    try:
        call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)
        (made,) = backup.timestamped_backups(tmp_path / "backups")
        manifest = backup.read_manifest(made)
        tables = manifest["tables"]
        assert len(tables) > 100
        assert tables["people_person"]["rows"] > 200  # the tiny council's people (and their misspelt twins)
        assert manifest["migrations"]["people"]

        call_command("restore", str(made), "--database-url", url, stdout=out)
        assert "every row count and checksum matches the manifest" in out.getvalue()

        # The check would notice: one changed row in the restored copy changes that table's checksum only.
        after = _checksums(target)
        assert {name: (s.rows, s.sha256) for name, s in after.items()} == {
            name: (t["rows"], t["sha256"]) for name, t in tables.items()
        }
        _change_one_person(target)
        changed = {name for name, s in _checksums(target).items() if s != after[name]}
        assert changed == {"people_person"}
    finally:
        if target.vendor == "postgresql":
            backup.drop_pg_database(target)


def _checksums(target: Database) -> dict[str, backup.TableSum]:
    if target.vendor == "sqlite":
        with contextlib.closing(sqlite3.connect(target.name)) as conn:
            return backup.sqlite_checksums(conn)
    with contextlib.closing(target.pg_connect()) as conn:
        return backup.postgresql_checksums(conn)


def _change_one_person(target: Database) -> None:
    """Add a letter to the given names of one person (the lowest reference) in the restored copy."""
    find = "SELECT min(reference) FROM people_person"
    change = "UPDATE people_person SET given_names = given_names || 'x' WHERE reference = "
    if target.vendor == "sqlite":
        with contextlib.closing(sqlite3.connect(target.name)) as conn, conn:
            (reference,) = conn.execute(find).fetchone()
            conn.execute(change + "?", (reference,))
        return
    with contextlib.closing(target.pg_connect(autocommit=True)) as conn:
        (reference,) = conn.execute(find).fetchone()
        conn.execute(change + "%s", (reference,))


def _pg_url(target: Database) -> str:
    auth = target.user + (f":{target.password}" if target.password else "")
    return f"postgres://{auth}@{target.host or 'localhost'}{':' + target.port if target.port else ''}/{target.name}"


def _flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


def test_a_named_backup_file_has_the_engine_s_suffix_and_is_never_overwritten(tmp_path):
    source = _make_database(tmp_path / "live.sqlite3")
    with pytest.raises(BackupError, match=r"is a \.sqlite3 file, not before-upgrade\.dump"):
        backup.create_backup(database=source, output=tmp_path / "before-upgrade.dump")
    made = backup.create_backup(database=source, output=tmp_path / "before-upgrade.sqlite3", now=NOW)
    assert made.manifest_path.name == "before-upgrade.sqlite3.manifest.json"
    with pytest.raises(BackupError, match="already exists"):
        backup.create_backup(database=source, output=tmp_path / "before-upgrade.sqlite3", now=NOW)


def test_the_restore_says_when_the_backup_is_older_or_newer_than_the_code():
    from django.db.migrations.loader import MigrationLoader

    current: dict[str, list[str]] = {}
    for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations:
        current.setdefault(app, []).append(name)
    assert backup.migration_notes(current) == []

    older = {app: names for app, names in current.items() if app != "people"}
    (note,) = backup.migration_notes(older)
    assert "predates this release's migrations in 1 app:" in note and "familyhelp migrate" in note

    newer = {**current, "people": [*current["people"], "9999_from_the_future"]}
    (note,) = backup.migration_notes(newer)
    assert "people.9999_from_the_future" in note and "newer release" in note
