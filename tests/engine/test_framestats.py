"""Frame statistics over the last second, from known frame durations."""

from __future__ import annotations

import threading
from collections import deque
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest

from palier.core import wire
from palier.engine.backends import (
    DesktopBackend,
    DisplayBackend,
    OffscreenBackend,
    RuntimeFrameStats,
)
from palier.engine.framestats import FrameStats, window_stats

if TYPE_CHECKING:  # the one real engine comes from the shared fixture
    from palier.engine.app import Engine

# Only test_with_a_real_engine asks for it.
pytestmark = pytest.mark.offscreen_engine(scene="spiders", size=(160, 90))


def stats_for(durations: list[float]) -> FrameStats:
    engine: Any = SimpleNamespace(frame_times=deque(durations, maxlen=512))
    return FrameStats(engine)


def test_steady_90_hz() -> None:
    median, p99, count = stats_for([1 / 90] * 300).snapshot()
    assert count == 90
    assert median == pytest.approx(1000 / 90)
    assert p99 == pytest.approx(1000 / 90)


def test_only_the_last_second_counts() -> None:
    # Two seconds of slow frames, then one second of fast ones.
    durations = [0.05] * 40 + [0.01] * 100
    median, p99, count = stats_for(durations).snapshot()
    assert count == 100
    assert median == pytest.approx(10.0)
    assert p99 == pytest.approx(10.0)


def test_p99_sees_a_hitch_and_the_median_does_not() -> None:
    durations = [0.011] * 80 + [0.040]
    median, p99, count = stats_for(durations).snapshot()
    assert count == 81
    assert median == pytest.approx(11.0)
    # Nearest rank: in ~one second of frames, the 99th percentile is the
    # worst frame.
    assert p99 == pytest.approx(40.0)


def test_p99_is_nearest_rank_over_many_frames() -> None:
    durations = [0.001] * 180 + [0.002] * 10  # 190 frames in 0.2 s
    _median, p99, count = stats_for(durations).snapshot()
    assert count == 190
    # rank ceil(0.99 * 190) = 189 of 190: a 2 ms frame.
    assert p99 == pytest.approx(2.0)
    durations = [0.001] * 197 + [0.005, 0.003, 0.004]
    _median, p99, count = stats_for(durations).snapshot()
    assert count == 200
    assert p99 == pytest.approx(3.0)  # rank 198 of 200: 197 x 1 ms, then 3 ms


def test_a_stall_longer_than_the_window_is_still_reported() -> None:
    median, p99, count = stats_for([0.011] * 50 + [2.5]).snapshot()
    assert (median, p99, count) == (pytest.approx(2500.0), pytest.approx(2500.0), 1)


def test_empty_history() -> None:
    assert stats_for([]).snapshot() == (0.0, 0.0, 0)
    assert window_stats([]) == (0.0, 0.0, 0)


def test_snapshot_while_the_frame_thread_appends() -> None:
    stats = stats_for([0.011] * 512)
    times = stats.engine.frame_times
    stop = threading.Event()

    def frames() -> None:
        while not stop.is_set():
            times.append(0.011)

    t = threading.Thread(target=frames)
    t.start()
    try:
        for _ in range(200):
            median, _p99, count = stats.snapshot()
            assert count == 90 and median == pytest.approx(11.0)
    finally:
        stop.set()
        t.join()


def test_with_a_real_engine(engine: Engine) -> None:
    stats = FrameStats(engine)
    for _ in range(20):
        engine.step()
    median, p99, count = stats.snapshot()
    assert 1 <= count <= 20
    assert 0.0 < median <= p99


class ReportingBackend(OffscreenBackend):
    """A display whose runtime reports its own figures, as a headset's does."""

    def __init__(self) -> None:
        super().__init__()
        self.late = 0

    def runtime_frame_stats(self) -> RuntimeFrameStats:
        self.late += 1
        return RuntimeFrameStats(
            predicted_display_period_ms=1000 / 90, frames_late=self.late, frames_dropped=4
        )


class FailingBackend(OffscreenBackend):
    def runtime_frame_stats(self) -> RuntimeFrameStats:
        raise RuntimeError("runtime gone")


def message_with(backend: DisplayBackend) -> FrameStats:
    engine: Any = SimpleNamespace(frame_times=deque([1 / 90] * 100, maxlen=512), backend=backend)
    return FrameStats(engine)


def test_runtime_figures_are_absent_by_default() -> None:
    for backend in (OffscreenBackend(), DesktopBackend()):
        assert backend.runtime_frame_stats() is None
        msg = message_with(backend).message(12, 3.5)
        assert (msg.frame, msg.t_engine, msg.frames) == (12, 3.5, 90)
        assert msg.predicted_display_period_ms is None
        assert msg.frames_late is None and msg.frames_dropped is None
        assert wire.decode(wire.encode(msg)) == msg


def test_runtime_figures_are_reported_when_the_backend_has_them() -> None:
    stats = message_with(ReportingBackend())
    first, second = stats.message(1, 1.0), stats.message(2, 2.0)
    assert first.predicted_display_period_ms == pytest.approx(1000 / 90)
    assert (first.frames_late, second.frames_late, second.frames_dropped) == (1, 2, 4)
    assert second.median_ms == pytest.approx(1000 / 90)
    assert wire.decode(wire.encode(second)) == second


def test_a_failing_runtime_costs_its_figures_only(caplog: pytest.LogCaptureFixture) -> None:
    stats = message_with(FailingBackend())
    for frame in (1, 2):
        msg = stats.message(frame, float(frame))
        assert msg.frames == 90 and msg.predicted_display_period_ms is None
    failed = [r for r in caplog.records if "runtime's figures failed" in r.getMessage()]
    assert len(failed) == 1  # said once, not every second
