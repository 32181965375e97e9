"""Frame-time figures for telemetry: median and 99th percentile over the last second.

The engine appends each frame's duration (seconds, start to start) to
``engine.frame_times`` in its input stage. :meth:`FrameStats.snapshot` reads
the newest entries back until they span one second; it is meant to be called
a few times a second (the link calls it once a second), never per frame.
:meth:`FrameStats.message` adds what the display runtime itself reports (a
headset's display period, frames late or dropped), when it reports anything.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from palier.core import wire

if TYPE_CHECKING:  # types only: the statistics need numpy, not Panda3D
    from palier.engine.app import Engine

log = logging.getLogger(__name__)

WINDOW_S = 1.0


def window_stats(
    durations: Iterable[float], window_s: float = WINDOW_S
) -> tuple[float, float, int]:
    """(median ms, p99 ms, count) of the newest durations (oldest first in
    ``durations``) that together span at most ``window_s`` seconds; the
    newest frame always counts, however long it took. (0, 0, 0) when empty."""
    arr = np.fromiter(durations, dtype=np.float64)
    if arr.size == 0:
        return 0.0, 0.0, 0
    newest_first = arr[::-1]
    span = np.cumsum(newest_first)
    # A nanosecond of slack: 100 x 0.01 s must fit in one second despite
    # floating-point sums.
    n = max(1, int(np.searchsorted(span, window_s + 1e-9, side="right")))
    recent = newest_first[:n] * 1e3
    # p99 by nearest rank: with ~90 frames a second it is the worst frame,
    # so a single hitch shows (interpolation would blur it away).
    p99 = np.percentile(recent, 99.0, method="inverted_cdf")
    return float(np.median(recent)), float(p99), n


class FrameStats:
    """Reads ``engine.frame_times``; see :func:`window_stats`."""

    def __init__(self, engine: Engine, window_s: float = WINDOW_S) -> None:
        self.engine = engine
        self.window_s = window_s
        self._runtime_failed = False

    def snapshot(self) -> tuple[float, float, int]:
        """Median and 99th percentile frame time in ms over the last second,
        and the number of frames in it."""
        times = self.engine.frame_times
        for _ in range(3):
            try:
                # Copy first: the frame thread may append while another
                # thread asks (tuple() of a deque is one C call under the GIL).
                snapshot = tuple(times)
                break
            except RuntimeError:  # "deque mutated during iteration"
                continue
        else:
            return 0.0, 0.0, 0
        return window_stats(snapshot, self.window_s)

    def message(self, frame: int, t_engine: float) -> wire.FrameStats:
        """``tel.frame_stats`` for now: the last second's frame times, and the
        runtime's own figures where the backend has them (else nil)."""
        median, p99, count = self.snapshot()
        try:
            runtime = self.engine.backend.runtime_frame_stats()
        except Exception:  # the runtime's figures are a comfort aid, never worth a frame
            if not self._runtime_failed:
                log.exception("frame statistics: the display runtime's figures failed")
            self._runtime_failed = True
            runtime = None
        return wire.FrameStats(
            frame=frame,
            t_engine=t_engine,
            median_ms=float(median),
            p99_ms=float(p99),
            frames=int(count),
            predicted_display_period_ms=(
                None if runtime is None else float(runtime.predicted_display_period_ms)
            ),
            frames_late=None if runtime is None else int(runtime.frames_late),
            frames_dropped=None if runtime is None else int(runtime.frames_dropped),
        )
