"""Signals from the patient's body: heart rate (a sensor or the simulation)
and head poses from the headset (30 Hz, written in batches: not clinical)."""

from __future__ import annotations

import math

from palier.core import wire
from palier.therapist_console.heart_rate import (
    ConnectionState,
    HeartRateSample,
    HeartRateSource,
    SimulatedHeartRate,
    StateChange,
    is_simulated,
)
from palier.therapist_console.heart_rate.alarm import AlarmChange, AlarmSettings, HeartRateAlarm
from palier.therapist_console.heart_rate.hrv import HrvTracker
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session.base import Clock, Signal
from palier.therapist_console.session.link import Link
from palier.therapist_console.session.running import RunningSession
from palier.therapist_console.session.timeline import Timeline

HEAD_POSE_FLUSH_S = 1.0
HEAD_POSE_BATCH = 90
"""Poses buffered before a write (3 s at 30 Hz), besides the timed flush."""


def quat_to_hpr(w: float, x: float, y: float, z: float) -> tuple[float, float, float]:
    """Panda3D heading, pitch, roll (degrees, Z up, Y forward) of a unit quaternion."""
    n = math.sqrt(w * w + x * x + y * y + z * z) or 1.0
    w, x, y, z = w / n, x / n, y / n, z / n
    # Columns of the rotation matrix: images of the right, forward and up axes.
    fx, fy, fz = 2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x)
    rz = 2 * (x * z - w * y)
    uz = 1 - 2 * (x * x + y * y)
    heading = math.degrees(math.atan2(-fx, fy))
    pitch = math.degrees(math.asin(max(-1.0, min(1.0, fz))))
    roll = math.degrees(math.atan2(-rz, uz))
    return heading, pitch, roll


class SensorsEvents:
    def __init__(self) -> None:
        self.heart_rate: Signal[HeartRateSample] = Signal("heart_rate")
        self.heart_rate_state: Signal[StateChange] = Signal("heart_rate_state")
        """The source's connection changed (or another source was attached)."""
        self.alarm: Signal[AlarmChange] = Signal("heart_rate_alarm")


class Sensors:
    """The heart-rate source and history, and the head-pose buffer."""

    def __init__(
        self,
        record: SessionRecord,
        clock: Clock,
        running: RunningSession,
        link: Link,
        heart_rate: HeartRateSource | None = None,
        timeline: Timeline | None = None,
    ) -> None:
        self.record = record
        self.clock = clock
        self.running = running
        self.link = link
        self.timeline = timeline
        self.heart_rate_source = heart_rate
        self.heart_rate_history: list[HeartRateSample] = []
        self.rmssd_history: list[tuple[float, float | None]] = []
        """(t, RMSSD ms) per sample, beside :attr:`heart_rate_history`."""
        self.hrv = HrvTracker()
        self.alarm = HeartRateAlarm()
        self.alarm_changes: list[AlarmChange] = []
        self.state_history: list[StateChange] = []
        self.last_state: StateChange | None = None
        self.events = SensorsEvents()
        self._head_poses: list[tuple[float, ...]] = []
        self._head_flushed_at = 0.0

    def reset(self) -> None:
        """A new session: no samples, no buffered poses."""
        self.heart_rate_history = []
        self.rmssd_history = []
        self.alarm_changes = []
        self.state_history = []
        self.hrv = HrvTracker()
        self.alarm = HeartRateAlarm(self.alarm.settings)
        self._head_poses = []
        source = self.heart_rate_source
        if source is not None and self.last_state is not None:
            # The state the new session starts in (a sensor may run between sessions).
            self.last_state = StateChange(self.clock(), source.state, self.last_state.detail)

    def load(self, session_id: int) -> None:
        """A resumed session's heart rate, from the record."""
        self.reset()
        rows = self.record.rows("heart_rate", session_id)
        self.heart_rate_history = [
            HeartRateSample(
                r["t"],
                r["bpm"],
                (),
                r["source"],
                contact=None if r.get("contact") is None else bool(r["contact"]),
                t_source=r.get("t_source"),
            )
            for r in rows
        ]
        self.rmssd_history = [(r["t"], r.get("rmssd_ms")) for r in rows]
        self.state_history = [
            StateChange(r["t"], ConnectionState(r["state"]), r["detail"])
            for r in self.record.rows("sensor_states", session_id)
        ]

    # -- heart rate ----------------------------------------------------------------------
    @property
    def simulated(self) -> bool:
        """Is the heart rate shown invented? (the source attached, or the record's)"""
        if self.heart_rate_source is not None:
            return self.heart_rate_source.simulated
        return any(is_simulated(s.source) for s in self.heart_rate_history)

    @property
    def rmssd_ms(self) -> float | None:
        return self.rmssd_history[-1][1] if self.rmssd_history else None

    def attach_heart_rate(self, source: HeartRateSource | None) -> None:
        """Use ``source`` from now on (None: no heart rate). The previous one is
        stopped; the change is recorded as a state of the new one."""
        old = self.heart_rate_source
        if old is not None and old is not source:
            old.stop()
            old.poll_states()  # its last words: not this source's story
        self.heart_rate_source = source
        self.hrv.reset()
        self.alarm.gap()
        if source is None:
            change = StateChange(self.clock(), ConnectionState.STOPPED, "")
        else:
            source.poll_states()  # what it went through so far: its state now says it
            change = StateChange(self.clock(), source.state, source.label)
        self._on_state(change, source.name if source is not None else "none")

    def session_started(self) -> None:
        """A session opened: its record starts with the source's state and the
        alarm's settings (what the therapist was alerted against)."""
        source = self.heart_rate_source
        if source is not None:
            self._on_state(StateChange(self.clock(), source.state, source.label), source.name)
        session = self.running.info
        if session is not None and source is not None:
            detail = self.alarm.settings.to_dict()
            t = self.clock()
            row = self.record.add_event(
                session.id, t=t, kind="heart_rate_alarm", name="settings", detail=detail
            )
            if self.timeline is not None:
                self.timeline.add(
                    t, "event", "heart_rate_alarm", {**detail, "name": "settings"}, row
                )

    def configure_alarm(self, settings: AlarmSettings) -> None:
        self.alarm.configure(settings)

    def _on_state(self, change: StateChange, source: str) -> None:
        self.last_state = change
        session = self.running.info
        if session is not None and session.status == "open":
            self.record.add_sensor_state(
                session.id,
                t=change.t,
                source=source,
                state=change.state.value,
                detail=change.detail,
            )
            self.state_history.append(change)
        if change.state != ConnectionState.CONNECTED:
            self.hrv.reset()  # beats across a gap are not successive
            self.alarm.gap()
        self.events.heart_rate_state.emit(change)

    def ingest_heart_rate(self, sample: HeartRateSample) -> None:
        """Record one sample (its RR intervals, artifacts flagged, and the
        RMSSD after it) into the open session; feed the alarm."""
        session = self.running.info
        if session is None or session.status != "open":
            return  # before/after a session a sensor may run; nothing to record
        beats = self.hrv.add_all(sample.rr_ms)
        rmssd = self.hrv.rmssd_ms
        self.record.add_heart_rate(
            session.id,
            t=sample.t,
            bpm=sample.bpm,
            source=sample.source or "unknown",
            rr_ms=sample.rr_ms,
            rr_artifacts=[b.artifact for b in beats],
            t_source=sample.t_source,
            contact=sample.contact,
            rmssd_ms=None if rmssd is None else round(rmssd, 2),
        )
        self.heart_rate_history.append(sample)
        self.rmssd_history.append((sample.t, rmssd))
        self.events.heart_rate.emit(sample)
        change = self.alarm.feed(sample.t, sample.bpm)
        if change is not None:
            self._on_alarm(session.id, change)

    def _on_alarm(self, session_id: int, change: AlarmChange) -> None:
        """Recorded as an event and shown; the therapist decides what to do."""
        detail = {
            "raised": change.raised,
            "bpm": round(change.bpm, 1),
            "ceiling": change.ceiling,
            "since_s": round(change.t - change.since, 1),
            "simulated": self.simulated,
        }
        step = self.running.current_step
        row = self.record.add_event(
            session_id,
            t=change.t,
            kind="heart_rate_alarm",
            name="raised" if change.raised else "cleared",
            detail=detail,
            step_id=step.row.id if step is not None else None,
        )
        self.alarm_changes.append(change)
        if self.timeline is not None:
            name = "raised" if change.raised else "cleared"
            self.timeline.add(change.t, "event", "heart_rate_alarm", {**detail, "name": name}, row)
        self.events.alarm.emit(change)

    def poll_heart_rate(self) -> int:
        source = self.heart_rate_source
        if source is None:
            return 0
        for change in source.poll_states():
            self._on_state(change, source.name)
        samples = source.poll()
        for s in samples:
            self.ingest_heart_rate(s)
        return len(samples)

    def startle(self, _event: str) -> None:
        """A scene event happened: a simulated heart rate startles with it
        (a real sensor measures what really happens)."""
        if isinstance(self.heart_rate_source, SimulatedHeartRate):
            self.heart_rate_source.on_event(1.0)

    def exposure_intensity(self) -> float:
        """0..1: how intense the current scene is (0 paused or with no step).

        Mean of the parameters' intensities from the scene's declaration; a
        simulated heart rate follows it.
        """
        step = self.running.current_step
        if step is None or self.link.paused:
            return 0.0
        decl = self.link.scene_declaration(step.plan_step.scene)
        if decl is None:
            return 0.5
        levels = []
        for p in decl.params:
            value = step.params.get(p.name, p.default)
            try:
                levels.append(p.intensity(p.validate(value)))
            except ValueError:
                continue
        return sum(levels) / len(levels) if levels else 0.5

    # -- head poses ----------------------------------------------------------------------
    def on_head_pose(self, pose: wire.HeadPose) -> None:
        """30 Hz head pose: buffered, written about once a second (not clinical)."""
        if not self.running.is_open:
            return
        h, p, r = quat_to_hpr(*pose.quat)
        self._head_poses.append((self.link.engine_to_console(pose.t_engine), *pose.pos, h, p, r))
        if len(self._head_poses) >= HEAD_POSE_BATCH:
            self.flush_head_poses()

    def flush_head_poses(self) -> None:
        session = self.running.info
        if self._head_poses and session is not None:
            batch, self._head_poses = self._head_poses, []
            self.record.add_head_poses(session.id, batch)
        self._head_flushed_at = self.clock()

    def tick(self, now: float) -> None:
        """Poll the heart rate; write the head poses at least once a second."""
        self.poll_heart_rate()
        if now - self._head_flushed_at >= HEAD_POSE_FLUSH_S:
            self.flush_head_poses()
