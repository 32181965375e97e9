"""Lab Streaming Layer on this machine, real outlets to real inlets: the
console's research streams read back (timestamps and values), and a heart-rate
stream from another process taken in as the console's source."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pylsl
import pytest

from palier.therapist_console.heart_rate import ConnectionState, HeartRateSample
from palier.therapist_console.heart_rate.lsl import LslHeartRate, LslPublisher, pick_channels
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.research import publish_on_lsl
from palier.therapist_console.session import ConsoleModel
from tests.fixtures import wait_for

from .conftest import ManualClock
from .test_hr_sensors import ScriptedSource
from .test_model import PLAN


def _inlet(source_id: str) -> pylsl.StreamInlet:
    found = pylsl.resolve_byprop("source_id", source_id, 1, 10.0)
    assert found, f"no LSL stream {source_id}"
    inlet = pylsl.StreamInlet(found[0], recover=False)
    inlet.open_stream(timeout=10.0)
    return inlet


def _pull(inlet: pylsl.StreamInlet, n: int) -> list[tuple[list[object], float]]:
    out: list[tuple[list[object], float]] = []
    while len(out) < n:
        sample, ts = inlet.pull_sample(timeout=10.0)
        assert sample is not None, f"got {len(out)} of {n} samples"
        out.append((sample, ts))
    return out


def test_channels_by_label() -> None:
    assert pick_channels(["HeartRate", "RRInterval"], 2) == (0, 1)
    assert pick_channels(["ecg", "IBI"], 2) == (None, 1)
    assert pick_channels([""], 1) == (0, None)
    assert pick_channels(["x", "y"], 2) == (None, None)


def test_research_streams_read_back(tmp_path: Path) -> None:
    clock = ManualClock()
    with SessionRecord(tmp_path / "l.sqlite3") as rec:
        model = ConsoleModel(rec, clock=clock)
        host = f"test-{uuid.uuid4().hex[:8]}"
        pub = publish_on_lsl(model, LslPublisher(clock=clock, host_id=host))
        hr_id, mk_id = pub.source_ids
        assert hr_id == f"palier-{host}-heart-rate"
        hr_in, mk_in = _inlet(hr_id), _inlet(mk_id)
        wait_for(
            lambda: pub.heart_rate.have_consumers() and pub.markers.have_consumers(), 10, "inlets"
        )
        info = hr_in.info(timeout=5.0)
        assert (info.type(), info.channel_count(), info.nominal_srate()) == ("HeartRate", 2, 0.0)
        ch = info.desc().child("channels").child("channel")
        assert (ch.child_value("label"), ch.child_value("unit")) == ("HeartRate", "bpm")

        model.patient_plan.create_patient("Lsl-1")
        model.patient_plan.set_plan(PLAN)
        src = ScriptedSource(clock)
        src.start()
        model.sensors.attach_heart_rate(src)
        model.start_session()
        clock.advance(2)
        src.beat(67, (800.0, 1000.0))
        lsl_at_sample = pylsl.local_clock()
        model.tick()
        model.ratings.enter(45)

        beats = _pull(hr_in, 2)
        # Each beat at its own time: the last at the sample, the one before 1 s earlier.
        assert [b[0] for b in beats] == [[75.0, 800.0], [60.0, 1000.0]]
        assert beats[1][1] == pytest.approx(lsl_at_sample, abs=0.05)
        assert beats[1][1] - beats[0][1] == pytest.approx(1.0, abs=1e-6)

        markers = [json.loads(str(s[0])) for s, _ in _pull(mk_in, 3)]
        kinds = [(m["kind"], m["name"]) for m in markers]
        assert kinds == [
            ("session", "started"),
            ("event", "heart_rate_alarm"),
            ("suds", "therapist"),
        ]
        assert markers[0]["detail"] == {"id": model.running.info.id}  # type: ignore[union-attr]
        suds = next(m for m in markers if m["kind"] == "suds")
        assert "45" in suds["text"]
        pub.close()


CHILD = r"""
import sys, time, pylsl
name = sys.argv[1]
info = pylsl.StreamInfo(name, "HeartRate", 3, pylsl.IRREGULAR_RATE, pylsl.cf_double64, name + "-id")
chs = info.desc().append_child("channels")
for label in ("HeartRate", "RRInterval", "Stamp"):
    chs.append_child("channel").append_child_value("label", label)
out = pylsl.StreamOutlet(info)
deadline = time.monotonic() + 60
while not out.have_consumers() and time.monotonic() < deadline:
    time.sleep(0.05)
stamps = []
for i in range(40):
    rr = 800.0 + 10 * (i % 3)
    stamp = pylsl.local_clock() - 0.25  # the beat happened a little before it is sent
    out.push_sample([60000.0 / rr, rr, stamp], stamp)
    stamps.append(stamp)
    time.sleep(0.05)
open(sys.argv[2], "w").write(repr(stamps))
time.sleep(2)
"""


def test_a_heart_rate_stream_from_another_process_is_the_console_source(tmp_path: Path) -> None:
    name = f"test-hr-{uuid.uuid4().hex[:8]}"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, name, str(tmp_path / "stamps.txt")],
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    clock = ManualClock()
    try:
        with SessionRecord(tmp_path / "c.sqlite3") as rec:
            model = ConsoleModel(rec, clock=clock)
            model.patient_plan.create_patient("Lsl-2")
            model.patient_plan.set_plan(PLAN)
            src = LslHeartRate(name, clock=clock)
            model.sensors.attach_heart_rate(src)
            src.start()
            info = model.start_session()
            got: list[HeartRateSample] = []
            model.sensors.events.heart_rate.connect(got.append)

            def ticked() -> bool:
                model.tick()
                return len(got) >= 20

            wait_for(ticked, 60, "20 beats from the other process")
            src.stop()
            model.tick()
            assert not src.malformed
            for s in got:
                assert s.source == f"lsl:{name}"
                assert s.rr_ms[0] in (800.0, 810.0, 820.0)
                assert s.bpm == pytest.approx(60000.0 / s.rr_ms[0], abs=0.05)
                assert s.t_source is not None
            wait_for(lambda: (tmp_path / "stamps.txt").exists(), 30, "the sender's stamps")
            sent = ast.literal_eval((tmp_path / "stamps.txt").read_text())
            for s in got:  # each beat keeps the sender's own stamp (same machine: no offset)
                assert min(abs(s.t_source - x) for x in sent) < 1e-3
            rows = rec.rows("heart_rate", info.id)
            assert len(rows) >= 20 and all(r["t_source"] for r in rows)
            states = [r["state"] for r in rec.rows("sensor_states", info.id)]
            assert "connected" in states and states[-1] == "stopped"
            assert src.state == ConnectionState.STOPPED
    finally:
        child.kill()
        child.wait(timeout=10)


def test_the_stamp_is_the_beat_time_not_the_arrival(tmp_path: Path) -> None:
    """t_source is the sender's timestamp (LSL clock) and t the console time of
    that instant: 0.25 s before arrival in the child above."""
    src = LslHeartRate("x", clock=lambda: 1000.0)
    s = src.take([75.0, 800.0], 500.0, 999.75, 0, 1)
    assert s is not None and (s.t, s.t_source, s.rr_ms) == (999.75, 500.0, (800.0,))
    assert src.take([float("nan"), float("nan")], 1.0, 1.0, 0, 1) is None
    assert src.malformed == 1
