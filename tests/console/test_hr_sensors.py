"""The console model's Sensors part with heart-rate sources: what reaches
the record (both clocks, contact, RR artifacts, RMSSD, connection gaps, the
alarm as an event), driven by a scripted source and by the simulation."""

from __future__ import annotations

from pathlib import Path

import pytest

from palier.therapist_console.heart_rate import (
    ConnectionState,
    HeartRateSample,
    HeartRateSource,
    SimulatedHeartRate,
)
from palier.therapist_console.heart_rate.alarm import AlarmSettings
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import ConsoleModel

from .conftest import ManualClock
from .test_model import PLAN


class ScriptedSource(HeartRateSource):
    """A sensor the test drives: samples and connection changes by hand."""

    name = "scripted:1"

    def __init__(self, clock: ManualClock) -> None:
        super().__init__(clock=clock)
        self._running = False

    def start(self) -> None:
        self._running = True
        self._set_state(ConnectionState.CONNECTED)

    def stop(self) -> None:
        self._running = False
        self._set_state(ConnectionState.STOPPED)

    @property
    def running(self) -> bool:
        return self._running

    def beat(self, bpm: float, rr: tuple[float, ...], contact: bool | None = True) -> None:
        t = self.clock()
        self._put(HeartRateSample(t, bpm, rr, self.name, contact=contact, t_source=t - 1000))

    def drop(self) -> None:
        self._set_state(ConnectionState.RECONNECTING, "link lost")

    def back(self) -> None:
        self._set_state(ConnectionState.CONNECTED)


@pytest.fixture
def model(record: SessionRecord, clock: ManualClock) -> ConsoleModel:
    m = ConsoleModel(record, clock=clock)
    m.patient_plan.create_patient("Hr-1")
    m.patient_plan.set_plan(PLAN)
    return m


def test_samples_states_and_hrv_reach_the_record(model: ConsoleModel, clock: ManualClock) -> None:
    src = ScriptedSource(clock)
    src.start()
    model.sensors.attach_heart_rate(src)
    info = model.start_session()
    for _ in range(12):
        clock.advance(1)
        src.beat(75, (800.0, 830.0))  # every successive difference is 30 ms
        model.tick()
    clock.advance(1)
    src.beat(75, (560.0,))  # ectopic: > 20 % from the median
    model.tick()
    clock.advance(1)
    src.drop()
    model.tick()
    clock.advance(5)
    src.back()
    src.beat(76, (790.0,), contact=False)
    model.tick()

    rows = model.record.rows("heart_rate", info.id)
    assert len(rows) == 14
    assert rows[0]["t_source"] == pytest.approx(rows[0]["t"] - 1000)
    assert rows[0]["contact"] == 1 and rows[-1]["contact"] == 0
    assert rows[0]["rmssd_ms"] is None  # not yet 10 successive pairs
    assert rows[11]["rmssd_ms"] == pytest.approx(30.0)
    assert rows[-1]["rmssd_ms"] is None  # the gap restarted the window
    rr = model.record.rows("rr_intervals", info.id)
    assert [r["artifact"] for r in rr].count("ectopic") == 1
    assert next(r for r in rr if r["artifact"])["ms"] == 560.0  # kept, flagged
    states = [(r["state"], r["source"]) for r in model.record.rows("sensor_states", info.id)]
    assert states == [
        ("connected", "scripted:1"),
        ("reconnecting", "scripted:1"),
        ("connected", "scripted:1"),
    ]
    assert model.sensors.last_state is not None
    assert model.sensors.last_state.state == ConnectionState.CONNECTED
    assert not model.sensors.simulated


def test_sustained_high_rate_is_an_event(model: ConsoleModel, clock: ManualClock) -> None:
    src = ScriptedSource(clock)
    src.start()
    model.sensors.attach_heart_rate(src)
    model.sensors.configure_alarm(AlarmSettings(age_years=40, fraction=0.85, sustain_s=10))
    seen: list[bool] = []
    model.sensors.events.alarm.connect(lambda c: seen.append(c.raised))
    info = model.start_session()
    for bpm in [120] * 5 + [160] * 12 + [140] * 12:
        clock.advance(1)
        src.beat(bpm, ())
        model.tick()
    assert seen == [True, False]
    events = [e for e in model.record.rows("events", info.id) if e["kind"] == "heart_rate_alarm"]
    # The settings the session ran with, then the alarm going off and clearing.
    assert [e["name"] for e in events] == ["settings", "raised", "cleared"]
    assert '"ceiling": 153.0' in events[0]["detail"] and '"age_years": 40' in events[0]["detail"]
    assert '"ceiling": 153.0' in events[1]["detail"]
    lines = [e.text("fr") for e in model.timeline.entries if e.name == "heart_rate_alarm"]
    assert lines == [
        "alarme de fréquence cardiaque\u00a0: plafond 153 bpm, maintenu 10 s",
        "alarme de fréquence cardiaque\u00a0: 160 bpm, au-dessus du plafond de 153 bpm depuis 10 s",
        "fréquence cardiaque revenue sous le plafond d’alarme",
    ]


def test_the_simulation_is_labelled(model: ConsoleModel, clock: ManualClock) -> None:
    sim = SimulatedHeartRate(model.sensors.exposure_intensity, clock=clock, seed=2)
    model.sensors.attach_heart_rate(sim)
    assert model.sensors.simulated
    info = model.start_session()
    for _ in range(30):
        clock.advance(1)
        model.tick()
    rows = model.record.rows("heart_rate", info.id)
    assert rows and all(r["source"] == "simulated" and r["contact"] == 1 for r in rows)
    assert rows[-1]["rmssd_ms"] is not None and rows[-1]["rmssd_ms"] > 0
    states = model.record.rows("sensor_states", info.id)
    assert [s["state"] for s in states] == ["connected"]


def test_report_and_exports_mark_the_simulation(tmp_path: Path) -> None:
    from palier.therapist_console.export import export_csv
    from palier.therapist_console.report import load_report_data
    from palier.therapist_console.sample_session import write_sample_session

    with SessionRecord(tmp_path / "r.sqlite3") as rec:
        counts = write_sample_session(rec, minutes=3, seed=1, close=False)
        sid = counts.session_id
        t0 = rec.session(sid).started_at
        rec.add_sensor_state(sid, t=t0 + 60, source="simulated", state="reconnecting")
        rec.add_sensor_state(sid, t=t0 + 80, source="simulated", state="connected")
        rec.end_session(sid, t=rec.last_recorded_t(sid) + 1)
        data = load_report_data(rec, sid)
        assert data.hr_simulated and data.summary.heart_rate is not None
        assert data.summary.heart_rate.simulated
        assert data.hr_gaps == pytest.approx((1.0,))
        files = {p.name: p for p in export_csv(rec, sid, tmp_path / "out")}
    hr_csv = files["heart_rate.csv"].read_text().splitlines()
    assert hr_csv[0].split(",")[:5] == ["t_s", "time_utc", "bpm", "source", "simulated"]
    assert all(line.split(",")[3:5] == ["simulated", "1"] for line in hr_csv[1:])
    assert "heart_rate_simulated,True" in files["session.csv"].read_text()
    states = files["sensor_states.csv"].read_text().splitlines()
    assert [s.split(",")[3] for s in states[1:]] == ["reconnecting", "connected"]
