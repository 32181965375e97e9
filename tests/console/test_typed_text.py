"""Pseudonyms and notes at the session record's border (issue 9, section 4):
look-alike pseudonyms, unbounded lengths, lone surrogates, control
characters, and record text printed on a terminal. Real SQLite files; the
command line through a subprocess; the console's widgets offscreen."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from palier.core.i18n import error_text
from palier.core.typed_text import NOTE_MAX, PSEUDONYM_MAX
from palier.therapist_console.record import (
    DuplicatePseudonymError,
    RecordValueError,
    SessionRecord,
)

T = 1_800_000_000.0


def test_look_alike_pseudonyms_are_not_three_patients(record: SessionRecord) -> None:
    demo = record.add_patient("Demo-01", t=T)
    with pytest.raises(RecordValueError) as invisible:
        record.add_patient("Demo\u200b-01", t=T)  # zero-width space
    assert "invisible character (U+200B ZERO WIDTH SPACE) at position 5" in str(invisible.value)
    with pytest.raises(RecordValueError) as mixed:
        record.add_patient("D\u0435mo-01", t=T)  # Cyrillic е
    assert str(mixed.value).startswith(
        "Pseudonym: mixes two writing systems (Latin and Cyrillic): “е” "
        "(U+0435 CYRILLIC SMALL LETTER IE) at position 2 is Cyrillic."
    )
    assert error_text(mixed.value, "fr").startswith(
        "Pseudonyme\u00a0: mêle deux écritures (latin et cyrillique)\u00a0: «\u00a0е\u00a0»"
    )
    for other in ("Demo\u2060-01", "Demo\u202e-01", "\ufeffDemo-01", "Demo\u3164-01"):
        with pytest.raises(RecordValueError, match="invisible character"):
            record.add_patient(other, t=T)  # word joiner, bidi override, BOM, Hangul filler
    assert record.patients() == [demo]


@pytest.mark.parametrize(
    "typed,existing",
    [
        ("demo-01", "Demo-01"),  # case (ASCII)
        ("élodie-03", "Élodie-03"),  # case beyond ASCII (SQLite's NOCASE misses it)
        ("Ｄｅｍｏ－０１", "Demo-01"),  # full-width forms (NFKC)
        ("De\u0301mo-01", "Démo-01"),  # a combining accent (NFKC composes it)
        ("Demo  01", "Demo 01"),  # two spaces read as one
        ("СЕР-4", "CEP-4"),  # all Cyrillic, drawn like Latin
    ],
)
def test_a_pseudonym_that_reads_like_an_existing_one_is_that_patient(
    record: SessionRecord, typed: str, existing: str
) -> None:
    # Refused rather than silently taken as the existing patient: "create"
    # must not file a session under someone the therapist did not choose.
    first = record.add_patient(existing, t=T)
    with pytest.raises(DuplicatePseudonymError, match="already exists"):
        record.add_patient(typed, t=T)
    assert record.patients() == [first]
    assert record.find_patient(typed) == first


@pytest.mark.parametrize(
    "typed,stored",
    [
        ("Élodie-03", "Élodie-03"),
        ("Иван-7", "Иван-7"),
        ("Ωμέγα", "Ωμέγα"),
        ("山田たろう", "山田たろう"),  # Han with kana, as Japanese names are written
        ("  P   017 ", "P 017"),
        ("Ｐ－１", "P-1"),
        ("x" * PSEUDONYM_MAX, "x" * PSEUDONYM_MAX),
    ],
)
def test_one_writing_system_is_accepted_and_normalised(
    record: SessionRecord, typed: str, stored: str
) -> None:
    assert record.add_patient(typed, t=T).pseudonym == stored


def test_old_rows_stay_readable_and_clash_with_what_they_imitate(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with SessionRecord(path) as rec:
        pass
    # Rows a console wrote before these rules (the schema never refused them).
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO patients (pseudonym, notes, created_at) VALUES (?, '', ?)",
            ("Demo\u200b-01", T),
        )
        conn.execute(
            "INSERT INTO patients (pseudonym, notes, created_at) VALUES (?, '', ?)",
            ("P\u0430pa-2", T),  # Cyrillic а
        )
    conn.close()
    with SessionRecord(path) as rec:
        old = rec.find_patient("Demo\u200b-01")
        assert old is not None and len(rec.patients()) == 2
        session = rec.start_session(old.id, t=T, language="en")
        rec.add_note(session.id, text="still works", t=T + 1)
        with pytest.raises(DuplicatePseudonymError) as clash:
            rec.add_patient("Demo-01", t=T)
        assert "Demo\\u{200b}-01 already exists and Demo-01 reads the same" in str(clash.value)
        with pytest.raises(DuplicatePseudonymError):
            rec.add_patient("Papa-2", t=T)
        assert len(rec.patients()) == 2


def test_lengths_are_bounded_and_nothing_is_cut_short(record: SessionRecord) -> None:
    with pytest.raises(RecordValueError) as long_name:
        record.add_patient("P" * 1_000_000, t=T)
    assert str(long_name.value).startswith("Pseudonym: 1000000 characters; the limit is 64.")
    with pytest.raises(RecordValueError, match="limit is 64"):
        record.add_patient("P" * (PSEUDONYM_MAX + 1), t=T)
    with pytest.raises(RecordValueError, match="Patient notes: 10001 characters"):
        record.add_patient("Long-notes", "n" * (NOTE_MAX + 1), t=T)
    assert record.patients() == []
    p = record.add_patient("P-1", "n" * NOTE_MAX, t=T)
    sid = record.start_session(p.id, t=T, language="en").id
    with pytest.raises(RecordValueError) as long_note:
        record.add_note(sid, text="n" * 10_000_000, t=T + 1)
    assert str(long_note.value).startswith("Note: 10000000 characters; the limit is 10000.")
    assert "limite est de 10000" in error_text(long_note.value, "fr")
    assert record.rows("notes", sid) == []
    record.add_note(sid, text="n" * NOTE_MAX, t=T + 2)
    assert [len(r["text"]) for r in record.rows("notes", sid)] == [NOTE_MAX]


def test_a_lone_surrogate_is_refused_with_a_message(record: SessionRecord) -> None:
    with pytest.raises(RecordValueError) as name:
        record.add_patient("Demo\ud800-01", t=T)
    assert "broken character (unpaired surrogate U+D800) at position 5" in str(name.value)
    with pytest.raises(RecordValueError, match="Patient notes: a broken character"):
        record.add_patient("Demo-01", "a\udc00", t=T)
    p = record.add_patient("Demo-01", t=T)
    sid = record.start_session(p.id, t=T, language="en").id
    with pytest.raises(RecordValueError, match="Note: a broken character"):
        record.add_note(sid, text="calm \ud83d", t=T + 1)
    assert record.rows("notes", sid) == []


def test_notes_keep_lines_and_refuse_other_control_characters(record: SessionRecord) -> None:
    p = record.add_patient("Demo-01", t=T)
    sid = record.start_session(p.id, t=T, language="en").id
    with pytest.raises(RecordValueError, match=r"control character \(U\+001B\) at position 1"):
        record.add_note(sid, text="\x1b[2J\x1b[Hcleared", t=T + 1)
    with pytest.raises(RecordValueError, match="control character"):
        record.add_note(sid, text="nul\x00byte", t=T + 1)
    for typed in ("Demo\x1b[31m-02", "Demo\t02", "Demo\n02"):
        with pytest.raises(RecordValueError, match=r"control character|line break"):
            record.add_patient(typed, t=T)
    record.add_note(sid, text="  line 1\r\nline 2\rline 3\u2028\tindented ½ m² ", t=T + 2)
    [note] = record.rows("notes", sid)
    assert note["text"] == "line 1\nline 2\nline 3\n\tindented ½ m²"  # NFC: ½ and ² stay


def _old_record_with(path: Path, pseudonym: str, protocol_id: str = "spiders-graded") -> None:
    """A record holding what an older console let through (written directly)."""
    with SessionRecord(path):
        pass
    conn = sqlite3.connect(path)
    with conn:
        pid = conn.execute(
            "INSERT INTO patients (pseudonym, notes, created_at) VALUES (?, '', ?)",
            (pseudonym, T),
        ).lastrowid
        conn.execute(
            "INSERT INTO sessions (patient_id, protocol_id, language, started_at, ended_at,"
            " status, meta) VALUES (?, ?, 'en', ?, ?, 'closed', '{}')",
            (pid, protocol_id, T, T + 60),
        )
    conn.close()


def test_sessions_list_never_prints_a_terminal_escape(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    _old_record_with(db, "\x1b[2J\x1b[31mEvil\u200b-01\x07", protocol_id="x\x1b]0;t\x07")
    out = subprocess.run(
        [sys.executable, "-m", "palier.cli", "sessions", "list", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout and "\u200b" not in out.stdout
    row = out.stdout.splitlines()[1]
    assert "\\x1b[2J\\x1b[31mEvil\\u{200b}-01\\x07" in row
    assert "x\\x1b]0;t\\x07" in row


def test_sessions_list_finds_a_patient_whatever_the_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from palier.cli import main

    db = tmp_path / "s.sqlite3"
    _old_record_with(db, "Élodie-03")
    assert main(["sessions", "list", "--db", str(db), "--patient", "éLODIE-03"]) == 0
    assert "Élodie-03" in capsys.readouterr().out


# -- the console: the message is shown, what was typed is kept ------------------------------


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> Any:
    from palier.therapist_console.app import MainWindow, make_app
    from palier.therapist_console.session import ConsoleModel

    make_app()
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        win = MainWindow(ConsoleModel(rec, language="en"), ask_questions=False)
        qtbot.addWidget(win)
        yield win
        win.close()


def test_the_setup_page_shows_why_and_keeps_the_typed_pseudonym(window: Any) -> None:
    setup, model = window.setup, window.model
    setup.pseudonym.setText("D\u0435mo-01")
    setup.patient_notes.setText("prefers mornings")
    setup.create_patient()
    assert model.record.patients() == [] and model.patient_plan.patient is None
    assert "mixes two writing systems (Latin and Cyrillic)" in setup.patient_error.text()
    assert setup.pseudonym.text() == "D\u0435mo-01"
    assert setup.patient_notes.text() == "prefers mornings"
    model.language.set("fr")
    assert "mêle deux écritures (latin et cyrillique)" in setup.patient_error.text()
    setup.pseudonym.setText("Demo-01")
    setup.create_patient()
    assert setup.patient_error.text() == "" and [p.pseudonym for p in model.record.patients()] == [
        "Demo-01"
    ]


def test_the_note_field_shows_the_limit_and_keeps_the_note(window: Any) -> None:
    from palier.therapist_console.session import Plan, PlanStep

    model = window.model
    model.patient_plan.create_patient("P-1")
    model.patient_plan.set_plan(Plan(None, (PlanStep("a", {"en": "A"}, "spiders", {}, 20),)))
    model.start_session()
    timeline = window.session_page.timeline
    too_long = "n" * (NOTE_MAX + 1)
    timeline.note.setText(too_long)
    timeline.add_note()  # the record refuses it: no exception escapes the widget
    assert not timeline.error.isHidden()
    assert timeline.error.text().startswith("Note: 10001 characters; the limit is 10000.")
    assert timeline.note.text() == too_long
    assert model.record.rows("notes", model.running.info.id) == []
    timeline.note.setText("calm\x1b[0m")
    timeline.add_note()
    assert "control character (U+001B)" in timeline.error.text()
    timeline.note.setText("breathing slowly")
    timeline.add_note()
    assert timeline.error.isHidden() and timeline.note.text() == ""


def test_the_patient_list_shows_an_old_rows_invisible_characters(
    qtbot: Any, tmp_path: Path
) -> None:
    from palier.therapist_console.app import MainWindow, make_app
    from palier.therapist_console.session import ConsoleModel

    path = tmp_path / "s.sqlite3"
    _old_record_with(path, "Demo\u200b-01")
    make_app()
    with SessionRecord(path) as rec:
        rec.add_patient("Demo-02", t=T)
        win = MainWindow(ConsoleModel(rec, language="en"), ask_questions=False)
        qtbot.addWidget(win)
        win.setup.refresh_patients()
        items = win.setup.patient_list
        assert sorted(items.item(i).text() for i in range(items.count())) == [
            "Demo-02",
            "Demo\\u{200b}-01",
        ]
        win.close()


def test_clinical_log_texts_follow_the_note_rules(record: SessionRecord) -> None:
    from palier.protocols.clinical_log import ClinicalLogError
    from palier.protocols.erp import Ritual
    from palier.protocols.progression import Expectancy
    from palier.protocols.ptsd import Hotspot

    sid = record.start_session(record.add_patient("P-1", t=T).id, t=T, language="en").id
    log = record.clinical_log()
    with pytest.raises(ClinicalLogError, match=r"Hotspot note: a control character \(U\+001B\)"):
        log.add_hotspot(sid, Hotspot(T + 1, 80, "\x1b[2Jflashback"))
    with pytest.raises(ClinicalLogError, match="Ritual or safety behaviour: 10001 characters"):
        log.add_ritual(sid, Ritual(T + 2, "w" * (NOTE_MAX + 1), resisted=True))
    with pytest.raises(ClinicalLogError) as broken:
        log.add_expectancy(sid, Expectancy("a", "faint \ud800", 60, T + 3))
    assert error_text(broken.value, "fr").startswith("Résultat redouté\u00a0: un caractère cassé")
    assert log.hotspots(sid) == [] and log.rituals(sid) == [] and log.expectancies(sid) == []
    log.add_hotspot(sid, Hotspot(T + 4, 80, " the smell\r\nof smoke "))
    assert [h.note for h in log.hotspots(sid)] == ["the smell\nof smoke"]
