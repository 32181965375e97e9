"""The session record's schema: one frozen SQL script per version, and their runner.

The scripts beside this file (``0001_core_session_record.sql``, ...) are the
one owner of every table in a record file, the protocols package's included
(ladders, clinical log): a record the console opens is one database. Script
``NNNN_name.sql`` takes a file from version ``NNNN - 1`` to ``NNNN``; it runs
once, in one transaction that also sets ``PRAGMA user_version``, so a file is
always at a version some release wrote. No script calls live code, and a
released script is never edited: a change is a new script, and
``tests/console/test_record_migrations.py`` migrates a file made by each
earlier release and compares it with a fresh one.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

_SCRIPT_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class SchemaError(RuntimeError):
    """The scripts are not a gapless sequence, or a file is newer than them."""


class NewerSchemaError(SchemaError):
    def __init__(self, found: int, known: int) -> None:
        super().__init__(f"schema version {found} is newer than this program's {known}")
        self.found = found
        self.known = known


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    """From the file name: ``0002_fear_ladders.sql`` is "fear ladders"."""
    script: str
    """The file's SQL text."""

    def statements(self) -> list[str]:
        return statements(self.script)

    def apply(self, conn: sqlite3.Connection) -> None:
        """Run the script's statements on ``conn`` without committing (the
        caller holds the transaction; ``executescript`` would commit it)."""
        for statement in self.statements():
            conn.execute(statement)


def statements(script: str) -> list[str]:
    """The script's statements in order, ``--`` comments removed (outside quoted
    text), each without its final ``;``. A trigger's ``BEGIN ... END`` stays one
    statement (``sqlite3.complete_statement`` decides where one ends)."""
    out: list[str] = []
    buf: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(script):
        ch = script[i]
        if quote is not None:
            buf.append(ch)
            if ch == quote:  # a doubled quote closes and reopens: same result
                quote = None
        elif ch in "'\"":
            quote = ch
            buf.append(ch)
        elif script.startswith("--", i):
            end = script.find("\n", i)
            i = len(script) if end < 0 else end
            continue
        elif ch == ";" and sqlite3.complete_statement("".join(buf) + ";"):
            text = "".join(buf).strip()
            if text:
                out.append(text)
            buf = []
        else:
            buf.append(ch)
        i += 1
    if "".join(buf).strip():
        raise SchemaError(f"unterminated statement at the end of a script: {''.join(buf)[:60]!r}")
    return out


def _load() -> tuple[Migration, ...]:
    found: list[Migration] = []
    for entry in resources.files(__name__).iterdir():
        m = _SCRIPT_NAME.match(entry.name)
        if m is None:
            continue
        found.append(
            Migration(int(m.group(1)), m.group(2).replace("_", " "), entry.read_text("utf-8"))
        )
    found.sort(key=lambda mig: mig.version)
    if [mig.version for mig in found] != list(range(1, len(found) + 1)):
        raise SchemaError(
            "the record's migration scripts must be numbered 1, 2, ... without gaps; found "
            + ", ".join(str(mig.version) for mig in found)
            + " (a broken installation: reinstall Palier)"
        )
    return tuple(found)


MIGRATIONS: tuple[Migration, ...] = _load()
"""Ordered; a script is never edited once released, only appended to."""

SCHEMA_VERSION = MIGRATIONS[-1].version


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection,
    on_apply: Callable[[Migration], None] | None = None,
) -> list[Migration]:
    """Bring ``conn``'s file to :data:`SCHEMA_VERSION`: each pending script in
    its own ``BEGIN IMMEDIATE`` transaction with its ``user_version``, so a
    failure leaves the file at the last version that committed. ``conn`` must
    be in autocommit mode (``isolation_level=None``) and hold no transaction.
    Returns the migrations applied; raises :class:`NewerSchemaError` for a
    file written by a newer program."""
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(version, SCHEMA_VERSION)
    applied = []
    for migration in MIGRATIONS[version:]:
        if on_apply is not None:
            on_apply(migration)
        conn.execute("BEGIN IMMEDIATE")
        try:
            migration.apply(conn)
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        applied.append(migration)
    return applied
