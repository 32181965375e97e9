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
        title = chart.plot.getPlotItem().titleLabel
        assert chart.simulated_mark == "SIMULATED" and "SIMULATED" in title.text
        assert title.isVisible()
        m.language.set("fr")
        assert chart.simulated_mark == "SIMULÉ" and "SIMULÉ" in title.text
        win.close()


def test_the_setup_picks_a_sensor_and_keeps_the_patient_alarm(qtbot: Any, tmp_path: Path) -> None:
    make_app()
    with SessionRecord(tmp_path / "p.sqlite3") as rec:
        m = ConsoleModel(rec, language="en")
        win = MainWindow(m, ask_questions=False)
        qtbot.addWidget(win)
        panel = win.setup.heart_rate
        assert panel is not None
        assert "No heart-rate source" in panel.state.text()
        # A Bluetooth address that is not one: said, nothing attached.
        panel.kind.setCurrentIndex(1)
        panel.target.setEditText("not-an-address")
        panel.use()
        assert "is not a heart-rate source" in panel.state.text()
        assert m.sensors.heart_rate_source is None
        # The simulation, chosen: labelled as invented.
        panel.kind.setCurrentIndex(3)
        panel.use()
        assert m.sensors.simulated
        assert panel.state.text().startswith("SIMULATED heart rate")
        # The alarm from the age, stored with the patient and read back.
        patient = m.patient_plan.create_patient("Alarm-1")
        panel.age.setValue(40)
        panel.fraction.setValue(80)
        assert m.sensors.alarm.settings.ceiling == 144.0  # 0.8 x (208 - 28)
        assert "±10 bpm" in panel.alarm_help.text()
        assert rec.heart_rate_alarm(patient.id) == {
            "age_years": 40.0,
            "fraction": 0.8,
            "ceiling_bpm": 150.0,
            "sustain_s": 15.0,
            "enabled": True,
        }
        m.patient_plan.create_patient("Alarm-2")
        assert panel.age.value() == 0 and m.sensors.alarm.settings.ceiling == 150.0
        m.patient_plan.choose_patient(patient.id)
        assert panel.age.value() == 40 and m.sensors.alarm.settings.ceiling == 144.0
        m.sensors.attach_heart_rate(None)
        win.close()
