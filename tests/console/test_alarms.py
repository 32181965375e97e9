"""Alarms a therapist cannot miss: a lost link takes the whole session page
(banner, greyed mirror with the picture's age, one tone) and says what the
engine does; a patient's stop is an alert with a tone, counted and listed on
its own in the summary, the PDF and the exports, and drawn distinctly on the
charts."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtGui import QImage

from palier.core import wire
from palier.therapist_console.app import MainWindow, make_app
from palier.therapist_console.client import LinkState, LinkStatus
from palier.therapist_console.export import export_csv, session_document
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.report import C_STOP, pdf_page_to_png, write_report
from palier.therapist_console.session import ConsoleModel, Plan, PlanStep
from palier.therapist_console.summary import summarize
from tests.fixtures import solid_jpeg

from .conftest import ManualClock

pdfium = pytest.importorskip("pypdfium2")

PLAN = Plan(None, (PlanStep("a", {"en": "A", "fr": "A"}, "spiders", {}, 30),))


def status(state: str, detail: str = "") -> LinkStatus:
    return LinkStatus(LinkState(state), detail, 0.0)


def open_window(qtbot: Any, rec: SessionRecord, clock: ManualClock, lang: str = "en") -> MainWindow:
    make_app()
    m = ConsoleModel(rec, clock=clock, language=lang)
    win = MainWindow(m, ask_questions=False)
    qtbot.addWidget(win)
    win.resize(1440, 900)
    win.show()
    m.patient_plan.create_patient("P-9")
    m.patient_plan.set_plan(PLAN)
    m.start_session()
    return win


def stop_event(seq: int = 1) -> wire.ClinicalEvent:
    return wire.ClinicalEvent(
        seq=seq,
        instance="engine-1",
        kind="stop",
        frame=10,
        t_engine=1.0,
        request=None,
        value=None,
        t_ref=None,
    )


def test_a_lost_link_takes_the_whole_session_page_and_beeps_once(
    qtbot: Any, tmp_path: Path
) -> None:
    clock = ManualClock()
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        win = open_window(qtbot, rec, clock)
        m, page = win.model, win.session_page
        m.link.on_status(status("connected", "engine"))
        page.mirror.push(solid_jpeg("#2080e0"))
        page.mirror.drain()
        assert not page.link_alarm.isVisible() and not page.mirror.lost
        before = page.mirror.grab().toImage().pixelColor(320, 180)

        m.link.on_status(status("lost", "no heartbeat for 1.0 s"))
        assert page.link_alarm.isVisible()
        text = page.link_alarm.text.text()
        assert "LINK TO THE ENGINE LOST" in text and "safe place by itself" in text
        assert page.link_alarm.y() < page.mirror.mapTo(page, page.mirror.rect().topLeft()).y()
        assert page.alarm_beeps == 1
        assert page.mirror.lost and page.mirror.lost_text().startswith("Link lost: last picture")
        after = page.mirror.grab().toImage().pixelColor(5, 5)
        assert after.saturation() < 40 < before.saturation()  # greyed
        m.link.on_status(status("lost", "still lost"))
        assert page.alarm_beeps == 1  # one tone per loss

        m.link.on_status(status("connected", "engine"))
        assert not page.link_alarm.isVisible() and not page.mirror.lost
        m.link.on_status(status("lost", "again"))
        assert page.alarm_beeps == 2
        win.close()


def test_the_lost_link_banner_speaks_french(qtbot: Any, tmp_path: Path) -> None:
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        win = open_window(qtbot, rec, ManualClock(), lang="fr")
        win.model.link.on_status(status("connected", "engine"))
        win.model.link.on_status(status("lost", "x"))
        assert "LIAISON AVEC LE MOTEUR PERDUE" in win.session_page.link_alarm.text.text()
        assert win.session_page.mirror.lost_text().startswith("Liaison perdue")
        win.close()


def test_a_patient_stop_is_an_alert_with_a_tone_and_its_own_mark(
    qtbot: Any, tmp_path: Path
) -> None:
    clock = ManualClock()
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        win = open_window(qtbot, rec, clock)
        m, page = win.model, win.session_page
        m.link.on_status(status("connected", "engine"))
        clock.advance(75)
        m.commands.record_clinical_event(stop_event())
        qtbot.waitUntil(page.stop_alarm.isVisible, timeout=5000)
        assert "THE PATIENT STOPPED the exposure at 1:15" in page.stop_alarm.text.text()
        assert page.alarm_beeps == 1
        m.commands.record_clinical_event(stop_event())  # the engine's resend: no new alert
        qtbot.wait(50)
        assert page.alarm_beeps == 1
        signs = {
            line.label.textItem.toPlainText().strip(): line.pen.widthF()
            for line in page.chart.marks
        }
        assert signs.get("■") == 3.0  # solid and thick, unlike the dashed pause and failsafe
        m.link.set_paused(False)  # resumed
        assert not page.stop_alarm.isVisible()
        win.close()


def _session_with_every_cause(rec: SessionRecord, stop: str = "patient_stop") -> int:
    """A pause by the therapist, then a patient stop (``stop``), then a
    failsafe, each resumed."""
    clock = ManualClock()
    m = ConsoleModel(rec, clock=clock, language="en")
    m.patient_plan.create_patient("P-1")
    m.patient_plan.set_plan(PLAN)
    info = m.start_session()
    sid = info.id
    t0 = rec.session(sid).started_at
    for start, kind, name in (
        (60, "pause", "therapist"),
        (180, stop, "stop"),
        (300, "failsafe", "failsafe"),
    ):
        rec.add_event(sid, t=t0 + start, kind=kind, name=name, detail={})
        rec.add_event(sid, t=t0 + start + 40, kind="resume", detail={})
    clock.advance(420)
    m.end_session()
    return sid


def test_summary_counts_each_cause_and_lists_the_patient_stops(tmp_path: Path) -> None:
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        sid = _session_with_every_cause(rec)
        s = summarize(rec, sid)
    # The chart draws three stays; the summary used to count only the pause.
    assert (s.pauses, s.patient_stops, s.therapist_pauses, s.failsafe_pauses) == (3, 1, 1, 1)
    assert [p.cause for p in s.safe_place] == ["therapist", "patient_stop", "failsafe"]
    assert s.patient_stop_times_s == (180.0,)
    assert s.safe_place_text("en") == "3 (1 patient stop, 1 therapist pause, 1 failsafe pause)"
    assert s.safe_place_text("fr").startswith("3 (1 arrêt par le patient")
    assert any(
        "The patient stopped the exposure 1 time (at 3:00)" in w for w in s.warning_texts("en")
    )
    d = s.to_dict()
    assert (d["pauses"], d["patient_stops"], d["therapist_pauses"], d["failsafe_pauses"]) == (
        3,
        1,
        1,
        1,
    )
    assert d["safe_place"][1] == {"start_s": 180.0, "end_s": 220.0, "cause": "patient_stop"}


def test_exports_count_the_causes_apart(tmp_path: Path) -> None:
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        sid = _session_with_every_cause(rec)
        export_csv(rec, sid, tmp_path / "out")
        doc = session_document(rec, sid)
    with open(tmp_path / "out" / f"session-{sid}" / "session.csv", encoding="utf-8") as f:
        fields = dict(csv.reader(f))
    assert (
        fields["safe_place_periods"],
        fields["patient_stops"],
        fields["therapist_pauses"],
        fields["failsafe_pauses"],
    ) == ("3", "1", "1", "1")
    assert json.loads(json.dumps(doc))["summary"]["patient_stops"] == 1
    kinds = [e["kind"] for e in doc["streams"]["events"]]
    assert kinds.count("patient_stop") == 1 and kinds.count("pause") == 1


def _red_pixels(pdf: Path, png: Path) -> int:
    pdf_page_to_png(pdf, 0, png)
    img = QImage(str(png)).convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    pixels = rows[:, : img.width() * 3].reshape(img.height(), img.width(), 3)
    red = np.array([int(C_STOP[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels.astype(int) - red).sum(axis=-1) < 40).sum())


def test_the_pdf_lists_the_stops_and_draws_them_in_their_own_colour(tmp_path: Path) -> None:
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        sid = _session_with_every_cause(rec)
        pdf = write_report(rec, sid, tmp_path / "r.pdf", lang="en")
    with SessionRecord(tmp_path / "p.sqlite3") as rec:
        # The same session where the second stay is the therapist's pause.
        pdf_pause = write_report(
            rec, _session_with_every_cause(rec, stop="pause"), tmp_path / "q.pdf", lang="en"
        )
    doc = pdfium.PdfDocument(str(pdf))
    try:
        text = " ".join(doc[0].get_textpage().get_text_range().split())
    finally:
        doc.close()
    assert "3 (1 patient stop, 1 therapist pause, 1 failsafe pause)" in text
    assert "The patient stopped the exposure 1 time (at 3:00)" in text
    assert "Patient stop (safe place)" in text  # the legend
    # The patient's stay is drawn in the stop colour (the legend is in both;
    # the listed stop's red text alone makes about 400 such pixels, the stay
    # over 1500).
    assert _red_pixels(pdf, tmp_path / "r.png") > _red_pixels(pdf_pause, tmp_path / "q.png") + 1000
