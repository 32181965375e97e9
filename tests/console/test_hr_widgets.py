"""The heart rate on the console (pytest-qt, offscreen): the alarm shows and
beeps, the simulated source is labelled SIMULATED on the chart and its status,
a connection gap breaks the curve."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from palier.therapist_console.app import MainWindow, make_app
from palier.therapist_console.heart_rate import SimulatedHeartRate
from palier.therapist_console.heart_rate.alarm import AlarmSettings
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import ConsoleModel

from .conftest import ManualClock
from .test_hr_sensors import ScriptedSource
from .test_model import PLAN


def test_the_alarm_shows_and_clears(qtbot: Any, tmp_path: Path) -> None:
    make_app()
    clock = ManualClock()
    with SessionRecord(tmp_path / "a.sqlite3") as rec:
        m = ConsoleModel(rec, clock=clock, language="fr")
        win = MainWindow(m, ask_questions=False)
        qtbot.addWidget(win)
        win.show()
        m.patient_plan.create_patient("A-1")
        m.patient_plan.set_plan(PLAN)
        src = ScriptedSource(clock)
        src.start()
        m.sensors.attach_heart_rate(src)
        m.sensors.configure_alarm(AlarmSettings(ceiling_bpm=130, sustain_s=10))
        m.start_session()
        page = win.session_page
        for bpm in [150] * 10:  # 9 s above: not yet
            clock.advance(1)
            src.beat(bpm, ())
            m.tick()
        assert page.hr_alarm.isHidden()
        clock.advance(1)
        src.beat(150, ())
        m.tick()
        assert not page.hr_alarm.isHidden()
        assert page.alarm_beeps == 1
        text = page.hr_alarm.text.text()
        assert "150" in text and "130" in text and "SIMULÉ" not in text
        assert "scripted:1" in page.chart.status.text()
        for _ in range(11):
            clock.advance(1)
            src.beat(100, ())
            m.tick()
        assert page.hr_alarm.isHidden()
        # A gap breaks the curve: a NaN between the two sides.
        src.drop()
        m.tick()
        clock.advance(5)
        src.back()
        src.beat(100, ())
        m.tick()
        ys = page.chart.hr_curve.yData
        assert ys is not None and sum(1 for y in ys if math.isnan(y)) == 1
        win.close()


def test_the_simulation_is_labelled_on_the_chart(qtbot: Any, tmp_path: Path) -> None:
    make_app()
    clock = ManualClock()
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        m = ConsoleModel(rec, clock=clock, language="en")
        win = MainWindow(m, ask_questions=False)
        qtbot.addWidget(win)
        win.show()
        m.patient_plan.create_patient("S-1")
        m.patient_plan.set_plan(PLAN)
        m.sensors.attach_heart_rate(SimulatedHeartRate(clock=clock))
        m.start_session()
        for _ in range(5):
            clock.advance(1)
            m.tick()
        chart = win.session_page.chart
        assert chart.status.text().startswith("SIMULATED heart rate")
        assert chart.simulated_mark.toPlainText() == "SIMULATED"
        m.language.set("fr")
        assert chart.simulated_mark.toPlainText() == "SIMULÉ"
        win.close()
