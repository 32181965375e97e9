"""Frozen migrations: a record made by each earlier release, migrated, has the
schema of a fresh record and every row it had.

The fixtures in ``record_versions/`` were written by the code of their commit
(``record_versions/make.py``), not by the current scripts.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from palier.protocols.clinical_log import ClinicalLog
from palier.protocols.ladders import LadderStore
from palier.therapist_console.export import export_json
from palier.therapist_console.migrations import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Migration,
    NewerSchemaError,
    SchemaError,
    migrate,
    schema_version,
    statements,
)
from palier.therapist_console.record import RecordSchemaError, SessionRecord

VERSIONS = Path(__file__).parent / "record_versions"
FIXTURES = sorted(VERSIONS.glob("*.sql"))
SCRIPTS = Path(__file__).parents[2] / "therapist_console" / "migrations"


def _load(fixture: Path, into: Path) -> Path:
    conn = sqlite3.connect(into)
    conn.executescript(fixture.read_text("utf-8"))
    conn.close()
    into.chmod(0o600)  # as the record makes its files (else it warns and fixes)
    return into


def _schema(path: Path) -> list[tuple[str, str, str, str]]:
    """sqlite_master without what depends on history: page numbers, and the
    whitespace inside a statement (the text is otherwise SQLite's own)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master"
            " WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()
    return [(t, n, tbl, " ".join((sql or "").split())) for t, n, tbl, sql in rows]


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
    finally:
        conn.close()


def _version(fixture: Path) -> int:
    conn = sqlite3.connect(":memory:")
    conn.executescript(fixture.read_text("utf-8"))
    return schema_version(conn)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fresh") / "fresh.sqlite3"
    SessionRecord(path).close()
    return path


def test_every_earlier_version_has_a_fixture() -> None:
    assert {_version(f) for f in FIXTURES} == set(range(1, SCHEMA_VERSION))


def test_scripts_are_numbered_files_and_shipped_as_package_data() -> None:
    names = sorted(p.name for p in SCRIPTS.glob("*.sql"))
    assert [int(n[:4]) for n in names] == [m.version for m in MIGRATIONS]
    assert [m.script for m in MIGRATIONS] == [(SCRIPTS / n).read_text("utf-8") for n in names]


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_earlier_file_migrates_to_the_fresh_schema_keeping_its_rows(
    fixture: Path, fresh: Path, tmp_path: Path
) -> None:
    old = _load(fixture, tmp_path / "old.sqlite3")
    before = _rows(old)
    assert sum(map(len, before.values())) > 20 and all(before.values()), "rows in every table"
    with SessionRecord(old) as rec:
        assert rec.schema_version == SCHEMA_VERSION
        assert rec.integrity_check() == ["ok"]
    assert _schema(old) == _schema(fresh)
    after = _rows(old)
    for table, rows in before.items():
        # Columns a later script added come last, empty in the old rows.
        width = len(rows[0])
        assert [r[:width] for r in after[table]] == rows, table
        assert all(cell is None for r in after[table] for cell in r[width:]), table
    # What was added is empty, and the file works: a new session writes.
    assert all(not after[t] for t in set(after) - set(before))
    with SessionRecord(old) as rec:
        p = rec.find_patient("Old-A")
        assert p is not None
        s = rec.start_session(p.id, t=1_800_000_000.0, language="en")
        rec.add_suds(s.id, value=20, source="therapist", t=1_800_000_001.0)


def test_rows_of_earlier_files_read_back_through_the_protocols_code(tmp_path: Path) -> None:
    path = _load(VERSIONS / "v2.sql", tmp_path / "v2.sqlite3")
    with SessionRecord(path) as rec:
        (session,) = [s for s in rec.sessions() if s.pseudonym == "Old-A"]
        assert session.ladder_version_id is not None
        ladder = LadderStore(rec.connection).version(session.ladder_version_id)
        assert ladder.version == 2 and ladder.note == "step 2 feels harder"
        log = ClinicalLog(rec.connection)
        [(_, tested), (_, untested)] = log.expectancies(session.id)
        assert tested.likelihood_after == 30 and untested.t_after is None
        assert [h.suds for h in log.hotspots(session.id)] == [80, None]
    path = _load(VERSIONS / "v2-ladders.sql", tmp_path / "v2-ladders.sqlite3")
    with SessionRecord(path) as rec:
        (session,) = [s for s in rec.sessions() if s.pseudonym == "Old-A"]
        assert session.ladder_version_id is not None
        assert LadderStore(rec.connection).version(session.ladder_version_id).version == 2
        assert ClinicalLog(rec.connection).expectancies(session.id) == []


def test_a_schema_2_file_still_reads_read_only(tmp_path: Path) -> None:
    # A read-only open cannot migrate; schema 3 only added tables readers check for.
    for name in ("v2.sql", "v2-ladders.sql"):
        path = _load(VERSIONS / name, tmp_path / f"{name}.sqlite3")
        with SessionRecord(path, readonly=True) as rec:
            assert rec.schema_version == 2
            (session,) = [s for s in rec.sessions() if s.pseudonym == "Old-A"]
            out = export_json(rec, session.id, tmp_path / f"{name}.json")
            assert out.stat().st_size > 0
        assert schema_version(sqlite3.connect(path)) == 2  # left as it was
    v1 = _load(VERSIONS / "v1.sql", tmp_path / "v1.sqlite3")
    with pytest.raises(RecordSchemaError, match="open it once with the console"):
        SessionRecord(v1, readonly=True)


def test_a_failing_migration_leaves_the_file_at_the_last_committed_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _load(VERSIONS / "v1.sql", tmp_path / "v1.sqlite3")
    before = _schema(path)
    broken = Migration(2, "broken", MIGRATIONS[1].script + "\nCREATE TABLE patients (x);")
    monkeypatch.setattr(
        "palier.therapist_console.migrations.MIGRATIONS", (MIGRATIONS[0], broken, *MIGRATIONS[2:])
    )
    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        migrate(conn)
    assert schema_version(conn) == 1 and not conn.in_transaction
    conn.close()
    assert _schema(path) == before  # not even the ladder tables of the broken script


def test_newer_file_is_refused_by_the_runner(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "n.sqlite3", isolation_level=None)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(NewerSchemaError) as info:
        migrate(conn)
    assert (info.value.found, info.value.known) == (SCHEMA_VERSION + 1, SCHEMA_VERSION)


def test_statements_keep_triggers_and_quoted_semicolons_whole() -> None:
    script = (
        "-- a comment; with a semicolon\n"
        "CREATE TABLE t (a TEXT DEFAULT 'x;--y', -- trailing\n b);\n"
        "CREATE TRIGGER g BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'no; never'); END;\n"
    )
    assert statements(script) == [
        "CREATE TABLE t (a TEXT DEFAULT 'x;--y', \n b)",
        "CREATE TRIGGER g BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'no; never'); END",
    ]
    with pytest.raises(SchemaError, match="unterminated"):
        statements("CREATE TABLE t (a);\nCREATE TABLE u (b)")


def test_no_script_uses_executescript_or_commits() -> None:
    # The runner holds each script's transaction; a script's own COMMIT or
    # BEGIN would split it, and a PRAGMA user_version would lie about it.
    for m in MIGRATIONS:
        for statement in m.statements():
            head = statement.split(None, 1)[0].upper()
            assert head in {"CREATE", "ALTER", "INSERT", "UPDATE", "DELETE", "DROP"}, statement
