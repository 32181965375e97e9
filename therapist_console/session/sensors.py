"""Signals from the patient's body: heart rate (a sensor or the simulation)
and head poses from the headset (30 Hz, written in batches: not clinical)."""

from __future__ import annotations

import math

from palier.core import wire
from palier.therapist_console.heart_rate import (
    HeartRateSample,
    HeartRateSource,
    SimulatedHeartRate,
)
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session.base import Clock, Signal
from palier.therapist_console.session.link import Link
from palier.therapist_console.session.running import RunningSession

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


class Sensors:
    """The heart-rate source and history, and the head-pose buffer."""

    def __init__(
        self,
        record: SessionRecord,
        clock: Clock,
        running: RunningSession,
        link: Link,
        heart_rate: HeartRateSource | None = None,
    ) -> None:
        self.record = record
        self.clock = clock
        self.running = running
        self.link = link
        self.heart_rate_source = heart_rate
        self.heart_rate_history: list[HeartRateSample] = []
        self.events = SensorsEvents()
        self._head_poses: list[tuple[float, ...]] = []
        self._head_flushed_at = 0.0

    def reset(self) -> None:
        """A new session: no samples, no buffered poses."""
        self.heart_rate_history = []
        self._head_poses = []

    def load(self, session_id: int) -> None:
        """A resumed session's heart rate, from the record."""
        self.reset()
        self.heart_rate_history = [
            HeartRateSample(r["t"], r["bpm"], (), r["source"])
            for r in self.record.rows("heart_rate", session_id)
        ]

    # -- heart rate ----------------------------------------------------------------------
    def attach_heart_rate(self, source: HeartRateSource | None) -> None:
        self.heart_rate_source = source

    def ingest_heart_rate(self, sample: HeartRateSample) -> None:
        """Record one sample (and its RR intervals) into the open session."""
        session = self.running.info
        if session is None or session.status != "open":
            return  # before/after a session a sensor may run; nothing to record
        self.record.add_heart_rate(
            session.id,
            t=sample.t,
            bpm=sample.bpm,
            source=sample.source or "unknown",
            rr_ms=sample.rr_ms,
        )
        self.heart_rate_history.append(sample)
        self.events.heart_rate.emit(sample)

    def poll_heart_rate(self) -> int:
        if self.heart_rate_source is None:
            return 0
        samples = self.heart_rate_source.poll()
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
