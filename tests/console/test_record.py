"""The session record: settings, schema, permissions, lock, interruption, validation."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from palier.protocols.measures import SudsError
from palier.therapist_console.migrations import MIGRATIONS, SCHEMA_VERSION
from palier.therapist_console.record import (
    DuplicatePseudonymError,
    NotFoundError,
    RecordError,
    RecordFileError,
    RecordLockedError,
    RecordSchemaError,
    RecordValueError,
    SessionNotOpenError,
    SessionRecord,
    default_record_path,
)

T = 1_800_000_000.0


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_settings_and_schema(record: SessionRecord) -> None:
    c = record.connection
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert record.schema_version == SCHEMA_VERSION == MIGRATIONS[-1].version
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {
        "patients",
        "sessions",
        "steps",
        "commands",
        "events",
        "suds",
        "heart_rate",
        "rr_intervals",
        "head_pose",
        "notes",
        "link_events",
        "questionnaires",
        "suggestions",
    } <= tables


def test_files_private(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "palier"
    with SessionRecord(folder / "s.sqlite3") as rec:
        p = rec.add_patient("P", t=T)
        rec.start_session(p.id, t=T, language="en")
        assert _mode(folder) == 0o700
        for name in ("s.sqlite3", "s.sqlite3-wal", "s.sqlite3-shm", "s.sqlite3.lock"):
            assert _mode(folder / name) == 0o600, name


def test_existing_loose_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    path.touch()
    path.chmod(0o644)
    with SessionRecord(path):
        assert _mode(path) == 0o600


def test_default_path_is_per_user() -> None:
    path = default_record_path()
    assert path.name == "sessions.sqlite3" and "palier" in str(path.parent).lower()


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with SessionRecord(path):
        with pytest.raises(RecordLockedError, match="another Palier console"):
            SessionRecord(path)
        # Readers are welcome while the console writes.
        with SessionRecord(path, readonly=True) as ro:
            assert ro.writer_active() is True
            with pytest.raises(RecordError, match="read-only"):
                ro.add_patient("X", t=T)
    with SessionRecord(path, readonly=True) as ro:
        assert ro.writer_active() is False


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    SessionRecord(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(RecordSchemaError, match="newer Palier"):
        SessionRecord(path)
    with pytest.raises(RecordSchemaError, match="newer Palier"):
        SessionRecord(path, readonly=True)


def test_a_file_that_is_not_a_record_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    # The console (read-write) and `palier sessions` (read-only) alike: a
    # typed error naming the file, and another program's database is not
    # migrated into a record.
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not SQLite at all " * 100)
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.close()
    folder = tmp_path / "folder"
    folder.mkdir()
    for path, needle in ((garbage, "not a Palier"), (other, "not a Palier"), (folder, "folder")):
        before = path.read_bytes() if path.is_file() else None
        for readonly in (False, True):
            with pytest.raises(RecordFileError, match=needle) as info:
                SessionRecord(path, readonly=readonly)
            assert str(path) in str(info.value)
        if before is not None:
            assert path.read_bytes() == before
    with sqlite3.connect(other) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
    conn.close()
    assert tables == ["invoices"]
    with pytest.raises(RecordFileError, match="no session record"):
        SessionRecord(tmp_path / "none.sqlite3", readonly=True)


def test_migrations_run_on_an_empty_file_and_keep_data(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with SessionRecord(path) as rec:
        p = rec.add_patient("Kept", t=T)
    with SessionRecord(path) as rec:  # reopening migrates nothing and keeps rows
        assert rec.patient(p.id).pseudonym == "Kept"
        assert rec.schema_version == SCHEMA_VERSION


def test_patients_pseudonyms(record: SessionRecord) -> None:
    a = record.add_patient("  Alpha-1 ", "phobia", t=T)
    assert a.pseudonym == "Alpha-1" and a.notes == "phobia"
    with pytest.raises(DuplicatePseudonymError, match="already exists"):
        record.add_patient("alpha-1", t=T)  # case does not make another person
    with pytest.raises(RecordValueError, match="pseudonym"):
        record.add_patient("   ", t=T)
    assert record.find_patient("ALPHA-1") == a
    with pytest.raises(NotFoundError):
        record.patient(999)


def test_interrupted_sessions_resume_or_close(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with SessionRecord(path) as rec:
        p = rec.add_patient("P", t=T)
        s1 = rec.start_session(p.id, t=T, language="fr")
        rec.add_suds(s1.id, value=20, source="therapist", t=T + 30)
        s2 = rec.start_session(p.id, t=T + 100, language="en")
        rec.add_note(s2.id, text="n", t=T + 150)
        done = rec.start_session(p.id, t=T + 200, language="en")
        rec.end_session(done.id, t=T + 260)
        assert rec.interrupted_sessions() == []
    with SessionRecord(path) as rec:
        assert [s.id for s in rec.interrupted_sessions()] == [s1.id, s2.id]
        with pytest.raises(SessionNotOpenError, match="resume"):
            rec.add_suds(s1.id, value=5, source="therapist", t=T + 500)
        closed = rec.close_interrupted(s1.id)
        assert closed.status == "closed" and closed.ended_at == T + 30
        resumed = rec.resume_session(s2.id, t=T + 900)
        assert resumed.status == "open"
        rec.add_suds(s2.id, value=5, source="therapist", t=T + 901)
        with pytest.raises(SessionNotOpenError):
            rec.resume_session(done.id, t=T)


def test_suds_validated_by_the_one_function(record: SessionRecord) -> None:
    p = record.add_patient("P", t=T)
    s = record.start_session(p.id, t=T, language="en")
    for bad in (-1, 101, 2.5, "x", True):
        with pytest.raises(SudsError):
            record.add_suds(s.id, value=bad, source="therapist", t=T)
    with pytest.raises(RecordValueError, match="source"):
        record.add_suds(s.id, value=10, source="patient", t=T)
    with pytest.raises(RecordValueError, match="finite"):
        record.add_suds(s.id, value=10, source="therapist", t=float("nan"))
    # The schema refuses a bad value even from raw SQL (a second guard).
    with pytest.raises(sqlite3.IntegrityError):
        record.connection.execute(
            "INSERT INTO suds (session_id, t, value, source) VALUES (?, ?, ?, ?)",
            (s.id, T, 101, "therapist"),
        )
    with pytest.raises(sqlite3.IntegrityError):
        record.connection.execute(
            "INSERT INTO suds (session_id, t, value, source) VALUES (?, ?, ?, ?)",
            (999, T, 10, "therapist"),
        )  # foreign key


def test_values_checked_before_writing(record: SessionRecord) -> None:
    p = record.add_patient("P", t=T)
    s = record.start_session(p.id, t=T, language="en")
    with pytest.raises(RecordValueError, match="bpm"):
        record.add_heart_rate(s.id, t=T, bpm=0, source="x")
    with pytest.raises(RecordValueError, match="RR"):
        record.add_heart_rate(s.id, t=T, bpm=70, source="x", rr_ms=[-5])
    with pytest.raises(RecordValueError, match="JSON"):
        record.add_command(s.id, t=T, kind="set_params", args={"x": float("nan")})
    with pytest.raises(RecordValueError, match="event kind"):
        record.add_event(s.id, t=T, kind="whatever")
    with pytest.raises(RecordValueError, match="language"):
        record.start_session(p.id, t=T, language="de")
    with pytest.raises(RecordValueError, match="phase"):
        record.add_questionnaire(s.id, name="q", phase="during", answers={}, scores={}, t=T)
    assert record.rows("heart_rate", s.id) == [] and record.rows("commands", s.id) == []


def test_heart_rate_with_rr_is_one_transaction(record: SessionRecord) -> None:
    p = record.add_patient("P", t=T)
    s = record.start_session(p.id, t=T, language="en")
    record.add_heart_rate(s.id, t=T + 1, bpm=72.5, source="sim", rr_ms=(830.0, 820.0))
    assert [r["ms"] for r in record.rows("rr_intervals", s.id)] == [830.0, 820.0]


def test_commands_questionnaires_suggestions(record: SessionRecord) -> None:
    p = record.add_patient("P", t=T)
    s = record.start_session(p.id, t=T, language="en")
    cid = record.add_command(s.id, t=T, kind="fire", args={"event": "drop"}, seq=7)
    record.command_result(cid, ok=False, t=T + 0.1, error="unknown_event: no event 'drop'")
    row = record.rows("commands", s.id)[0]
    assert row["status"] == "error" and "unknown_event" in row["error"] and row["seq"] == 7
    qid = record.add_questionnaire(
        s.id, name="ssq", phase="pre", answers=[0, 1, 2], scores={"total": 3}, t=T
    )
    assert qid > 0
    sg = record.add_suggestion(
        s.id, kind="next_step", text="SUDS fell by half: next step?", t=T + 5
    )
    record.decide_suggestion(sg, taken=False, t=T + 9)
    row = record.rows("suggestions", s.id)[0]
    assert row["taken"] == 0 and row["decided_at"] == T + 9


def test_ladders_live_in_the_record(tmp_path: Path) -> None:
    """The protocols package's ladder tables are created by migration 2; a
    session records the ladder version it used, which stays readable."""
    from palier.protocols.files import library
    from palier.protocols.ladders import Ladder
    from palier.therapist_console.session import ConsoleModel, Plan

    protocol = next(p for p in library() if p.id == "spiders-graded")
    path = tmp_path / "s.sqlite3"
    with SessionRecord(path) as rec:
        tables = {
            r[0]
            for r in rec.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        assert {"ladders", "ladder_versions"} <= tables
        patient = rec.add_patient("Ladder-1", t=T)
        store = rec.ladder_store()
        ladder = store.create(Ladder.from_protocol(protocol, patient.id), t=T)
        edited = store.save(ladder.move(ladder.steps[-1].id, 0), t=T + 1)
        assert edited.version == 2

        model = ConsoleModel(rec, clock=lambda: T + 10)
        model.patient_plan.choose_patient(patient.id)
        model.patient_plan.set_plan(Plan.from_protocol(protocol, store.version(ladder.version_id)))
        session = model.start_session()
        assert session.ladder_version_id == ladder.version_id
        assert session.protocol_id == "spiders-graded"
        step0 = model.patient_plan.plan.steps[0] if model.patient_plan.plan else None
        assert step0 is not None and step0.key == protocol.steps[0].id
        assert step0.min_duration_min == protocol.steps[0].min_duration_min
        assert set(protocol.steps[0].preset) <= set(step0.params)  # resolved, complete
    with SessionRecord(path, readonly=True) as ro:
        assert ro.session(session.id).plan["ladder_version_id"] == ladder.version_id
    with SessionRecord(path) as rec:
        used = rec.ladder_store().version(rec.session(session.id).ladder_version_id)
        assert [s.id for s in used.steps] == [s.id for s in protocol.steps]
