"""Fast bulk insertion for the synthetic generator: plain tuples and `executemany` in batches.

The ORM's `bulk_create` costs tens of microseconds a row (a model instance, `get_db_prep_save` per
field); at ten million rows that is minutes. Here the generator builds plain tuples in the column order
of a `Table`, and batches go to `executemany` on the raw DB-API connection. (A writer thread was tried and
was slower: the GIL hand-over between the generating thread and sqlite3's per-row binding serialised them.)

Values must already be in the database's form: ids as produced by `SyntheticIds`, dates and
datetimes from `DateFormat`. Columns that the generator does not pass are filled from the model field's
default (a literal in the SQL, so they cost nothing per row); a field whose default is a callable must
be passed explicitly, so a field added later fails loudly here rather than silently getting
non-deterministic values.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Model

SQLITE_LOAD_PRAGMAS = {
    "synchronous": "OFF",
    "journal_mode": "MEMORY",  # the rollback journal in memory: the pages are written once, not via the WAL
    "temp_store": "MEMORY",
    "cache_size": "-3145728",  # up to 3 GiB of page cache (negative = KiB), allocated only as the file grows
    "foreign_keys": "OFF",
    "threads": "2",  # helper threads for the sorts that build indexes
}


def _sql_literal(value: Any) -> str | None:
    """A safe SQL literal for simple constant values, or None when it must be a parameter."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


class SyntheticIds:
    """UUID primary keys drawn from a seeded random generator, in the database's stored form."""

    # Clear the version and variant bits, then set version 4 and the RFC 4122 variant.
    _KEEP = ~(0xC000 << 48) & ~(0xF000 << 64)
    _SET = (0x8000 << 48) | (4 << 76)

    def __init__(self, rng: Any, *, native: bool) -> None:
        self._getrandbits = rng.getrandbits
        self.native = native
        if not native:
            getrandbits, keep, put = rng.getrandbits, self._KEEP, self._SET
            self.new = lambda: f"{getrandbits(128) & keep | put:032x}"  # type: ignore[method-assign]

    def new(self) -> Any:
        """A version-4 UUID from the seeded generator (hex text on SQLite, a UUID object elsewhere)."""
        # Same bits as uuid.UUID(int=rng.getrandbits(128), version=4), without building the object.
        n = self._getrandbits(128) & self._KEEP | self._SET
        if self.native:
            return uuid.UUID(int=n)
        return f"{n:032x}"

    @staticmethod
    def as_uuid(value: Any) -> uuid.UUID:
        """The UUID object for an id produced by `new`."""
        return value if isinstance(value, uuid.UUID) else uuid.UUID(hex=value)

    @staticmethod
    def dashed(value: Any) -> str:
        """str(uuid) form (what services store in ChronologyEvent.subject_id)."""
        if isinstance(value, uuid.UUID):
            return str(value)
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"


class DateFormat:
    """Dates (as proleptic ordinals) and datetimes in the database's stored form, cached."""

    def __init__(self, *, text: bool) -> None:
        self.text = text
        self._dates: dict[int, Any] = {}

    def date(self, ordinal: int | None) -> Any:
        """A date column value for a day ordinal (None stays None)."""
        if ordinal is None:
            return None
        value = self._dates.get(ordinal)
        if value is None:
            d = date.fromordinal(ordinal)
            value = d.isoformat() if self.text else d
            self._dates[ordinal] = value
        return value

    def timestamp(self, ordinal: int, seconds: int) -> Any:
        """A UTC datetime column value: the day ordinal plus seconds after midnight UTC."""
        if self.text:
            # What Django's SQLite backend stores for an aware datetime: naive UTC, str().
            return f"{self.date(ordinal)} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        return datetime.combine(date.fromordinal(ordinal), datetime.min.time(), tzinfo=UTC) + timedelta(seconds=seconds)

    def aware(self, ordinal: int, seconds: int) -> datetime:
        """The same instant as an aware datetime (for ORM writes)."""
        return datetime.combine(date.fromordinal(ordinal), datetime.min.time(), tzinfo=UTC) + timedelta(seconds=seconds)


class Table:
    """Rows for one model, buffered and handed to the writer in batches."""

    def __init__(
        self, loader: BulkLoader, model: type[Model], columns: Sequence[str], constants: dict[str, Any] | None
    ) -> None:
        self.loader = loader
        self.model = model
        self.name = model._meta.db_table
        self.count = 0
        constants = dict(constants or {})
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in list(columns) + list(constants) if c not in fields]
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {unknown}")
        param_columns = list(columns)
        literal_columns: list[tuple[str, str]] = []
        extra_params: list[Any] = []
        extra_columns: list[str] = []
        for attname, field in fields.items():
            if attname in columns:
                continue
            if attname in constants:
                value = constants[attname]
            elif field.has_default() and callable(field.default):
                raise ValueError(
                    f"{model.__name__}.{attname} has a callable default: the synthetic generator must set it"
                )
            else:
                value = field.get_db_prep_save(field.get_default(), connection)
            literal = _sql_literal(value)
            if literal is None:
                extra_columns.append(str(field.column))
                extra_params.append(value)
            else:
                literal_columns.append((str(field.column), literal))
        quote = connection.ops.quote_name
        column_names = [str(fields[c].column) for c in param_columns] + extra_columns + [c for c, _ in literal_columns]
        mark = loader.placeholder
        values = [mark] * (len(param_columns) + len(extra_columns)) + [lit for _, lit in literal_columns]
        # Identifiers come from the model's meta and are quoted; every value is a parameter or a literal
        # escaped by _sql_literal.
        columns_sql = ", ".join(quote(c) for c in column_names)
        self.sql = f"INSERT INTO {quote(self.name)} ({columns_sql}) VALUES ({', '.join(values)})"  # noqa: S608
        self.extra = tuple(extra_params)
        self.rows: list[tuple[Any, ...]] = []
        self.width = len(param_columns)
        self.append = self.rows.append

    def add(self, row: tuple[Any, ...]) -> None:
        """Queue one row (a tuple in the column order given to `BulkLoader.table`)."""
        self.append(row)
        if len(self.rows) >= self.loader.batch_size:
            self.flush()

    def flush(self) -> None:
        """Hand the buffered rows to the writer."""
        if not self.rows:
            return
        rows = self.rows
        if self.extra:
            extra = self.extra
            rows = [r + extra for r in rows]
        self.count += len(rows)
        self.loader.submit(self.sql, rows)
        self.rows = []
        self.append = self.rows.append


class BulkLoader:
    """Runs INSERTs for many tables on the current database connection, batch by batch."""

    def __init__(self, *, batch_size: int = 10_000) -> None:
        connection.ensure_connection()
        self.raw = connection.connection
        self.placeholder = "?" if connection.vendor == "sqlite" else "%s"
        self.batch_size = batch_size
        self.tables: list[Table] = []

    def table(self, model: type[Model], columns: Sequence[str], constants: dict[str, Any] | None = None) -> Table:
        """Declare the columns (field attnames) the generator will pass, in order."""
        table = Table(self, model, columns, constants)
        self.tables.append(table)
        return table

    def submit(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        cursor = self.raw.cursor()
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()

    def finish(self) -> dict[str, int]:
        """Flush every table and return rows written per table."""
        for table in self.tables:
            table.flush()
        counts: dict[str, int] = {}
        for table in self.tables:
            counts[table.name] = counts.get(table.name, 0) + table.count
        return counts


_fast_load_active = False


@contextlib.contextmanager
def deferred_indexes(models: Sequence[type[Model]]) -> Iterator[None]:
    """On SQLite during a fast load, drop the tables' secondary indexes and build them again at the end.

    Building an index once over sorted keys is several times faster than inserting ten million rows into a
    dozen B-trees at random places. Must be used inside the load's transaction: SQLite's DDL is
    transactional, so if the load fails the indexes come back with the rollback. Only indexes declared with
    CREATE INDEX are dropped; primary keys and UNIQUE constraints stay and keep checking every row.
    """
    if connection.vendor != "sqlite" or not _fast_load_active or not connection.in_atomic_block:
        yield
        return
    raw = connection.connection
    tables = [m._meta.db_table for m in models]
    marks = ",".join("?" * len(tables))
    where = f"type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})"  # only placeholders interpolated
    indexes = raw.execute(f"SELECT name, sql FROM sqlite_master WHERE {where} ORDER BY name", tables).fetchall()  # noqa: S608
    quote = connection.ops.quote_name
    for name, _ in indexes:
        raw.execute(f"DROP INDEX {quote(name)}")
    yield
    for _, sql in indexes:
        raw.execute(sql)
    rebuilt = raw.execute(f"SELECT name FROM sqlite_master WHERE {where} ORDER BY name", tables).fetchall()  # noqa: S608
    if [r[0] for r in rebuilt] != [name for name, _ in indexes]:
        raise RuntimeError("The indexes dropped for the bulk load were not all rebuilt")


@contextlib.contextmanager
def fast_load() -> Iterator[None]:
    """On SQLite outside a transaction, relax durability for the load and restore the settings after.

    synchronous=OFF, an in-memory rollback journal and a large page cache make the load several times
    faster (if the process is killed mid-load the database file, which was empty, may need deleting and
    migrating again); foreign keys are not
    checked row by row (the generator builds consistent keys, and the test suite checks them with
    `connection.check_constraints()`). Inside a transaction (tests) PRAGMAs cannot change, so nothing is done.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    global _fast_load_active
    connection.ensure_connection()
    raw = connection.connection
    previous: dict[str, Any] = {}
    for name in SQLITE_LOAD_PRAGMAS:
        previous[name] = raw.execute(f"PRAGMA {name}").fetchone()[0]
    try:
        for name, value in SQLITE_LOAD_PRAGMAS.items():
            raw.execute(f"PRAGMA {name}={value}")
        _fast_load_active = True
        yield
    finally:
        _fast_load_active = False
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for name, value in previous.items():
            raw.execute(f"PRAGMA {name}={value}")
