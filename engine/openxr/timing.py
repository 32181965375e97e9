"""The runtime's frame figures: display period, frames late, frames dropped.

OpenXR tells each frame, from ``xrWaitFrame``, when it will be shown
(``predicted_display_time``) and the display's refresh period. From those:

* **dropped**: display refreshes that showed no new frame of ours (the
  compositor showed the previous one again). Consecutive frames are
  predicted one period apart; a gap of k periods means k - 1 refreshes went
  without a new image. A frame the runtime discarded (``xrBeginFrame``
  returned ``XR_FRAME_DISCARDED``: the previous frame was never submitted)
  counts too.
* **late**: frames submitted (``xrEndFrame``) after their own predicted
  display time, measured where the runtime converts the system clock to its
  time (``XR_KHR_convert_timespec_time`` on Linux,
  ``XR_KHR_win32_convert_performance_counter_time`` on Windows); otherwise
  the count stays 0.

Counts are cumulative since the engine started; times are nanoseconds
(``XrTime``, ``XrDuration``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class FrameTiming:
    period_ns: int = 0
    frames: int = 0
    frames_late: int = 0
    frames_dropped: int = 0
    _last_display_ns: int | None = None

    @property
    def predicted_display_period_ms(self) -> float:
        return self.period_ns / 1e6

    def on_wait(self, predicted_display_ns: int, period_ns: int) -> None:
        """After each ``xrWaitFrame``."""
        if period_ns > 0:
            self.period_ns = int(period_ns)
        last = self._last_display_ns
        if last is not None and self.period_ns > 0 and predicted_display_ns > last:
            periods = round((predicted_display_ns - last) / self.period_ns)
            if periods > 1:
                self.frames_dropped += periods - 1
        if last is None or predicted_display_ns > last:
            self._last_display_ns = int(predicted_display_ns)
        self.frames += 1

    def on_discarded(self) -> None:
        """``xrBeginFrame`` said the previous frame was discarded."""
        self.frames_dropped += 1

    def on_end(self, predicted_display_ns: int, now_ns: int | None) -> None:
        """After each ``xrEndFrame``; ``now_ns`` is the runtime's time then (None if unknown)."""
        if now_ns is not None and now_ns > predicted_display_ns:
            self.frames_late += 1

    def reset_gap(self) -> None:
        """The frame loop paused (session not running): the next gap is no drop."""
        self._last_display_ns = None
