"""Heart-rate variability: RR-interval artifact rejection and RMSSD.

Artifact rules, applied to each interval as it arrives (oldest first):

* ``range``: outside 300-2000 ms (above 200 or below 30 beats per minute):
  not a heartbeat of a patient sitting in a therapy room, a missed or a
  doubled detection.
* ``ectopic``: more than 20 % away from the median of the last 5 accepted
  intervals: the "20 % rule" of Malik et al. (1989, Eur Heart J 10:1060-1074,
  the filter the Task Force of the ESC/NASPE, Circulation 1996;93:1043-1065,
  discusses), taken against a local median rather than the single previous
  interval so that one artifact does not make its normal neighbour look
  ectopic. It is judged once 3 accepted intervals are known.

RMSSD (root mean square of successive differences, Task Force 1996) uses only
pairs of *adjacent* accepted intervals (a difference across a rejected beat
is not a successive difference), over a sliding window of the last
:data:`RMSSD_WINDOW_S` = 60 s of beats, and needs :data:`RMSSD_MIN_PAIRS` pairs.
Ultra-short 60 s RMSSD agrees well with the 5 min standard (Munoz et al.,
PLoS One 2015;10:e0138921; Esco & Flatt 2014).
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

RR_MIN_MS = 300.0
RR_MAX_MS = 2000.0
ECTOPIC_FRACTION = 0.20
MEDIAN_OF = 5
MEDIAN_NEEDS = 3
RMSSD_WINDOW_S = 60.0
RMSSD_MIN_PAIRS = 10

RANGE = "range"
ECTOPIC = "ectopic"


@dataclass(frozen=True, slots=True)
class Beat:
    ms: float
    artifact: str | None
    """None: accepted; else :data:`RANGE` or :data:`ECTOPIC`."""


class HrvTracker:
    """Feed RR intervals in order; read :attr:`rmssd_ms` after each batch."""

    def __init__(self, window_s: float = RMSSD_WINDOW_S) -> None:
        self.window_ms = window_s * 1000.0
        self._accepted: deque[float] = deque(maxlen=MEDIAN_OF)
        self._beat_clock_ms = 0.0
        self._previous: float | None = None
        """The previous interval if accepted (None after an artifact)."""
        self._diffs: deque[tuple[float, float]] = deque()  # (beat time ms, squared difference)
        self.rejected = 0

    def reset(self) -> None:
        """A connection gap: what came before is not adjacent to what comes next."""
        self._previous = None
        self._diffs.clear()
        self._accepted.clear()

    def classify(self, ms: float) -> str | None:
        if not (RR_MIN_MS <= ms <= RR_MAX_MS):
            return RANGE
        if len(self._accepted) >= MEDIAN_NEEDS:
            median = statistics.median(self._accepted)
            if abs(ms - median) > ECTOPIC_FRACTION * median:
                return ECTOPIC
        return None

    def add(self, ms: float) -> Beat:
        artifact = self.classify(ms)
        self._beat_clock_ms += ms
        if artifact is None:
            self._accepted.append(ms)
            if self._previous is not None:
                self._diffs.append((self._beat_clock_ms, (ms - self._previous) ** 2))
            self._previous = ms
        else:
            self.rejected += 1
            self._previous = None
        while self._diffs and self._diffs[0][0] < self._beat_clock_ms - self.window_ms:
            self._diffs.popleft()
        return Beat(ms, artifact)

    def add_all(self, intervals: Sequence[float]) -> list[Beat]:
        return [self.add(ms) for ms in intervals]

    @property
    def rmssd_ms(self) -> float | None:
        if len(self._diffs) < RMSSD_MIN_PAIRS:
            return None
        return math.sqrt(sum(d for _, d in self._diffs) / len(self._diffs))


def rmssd(intervals: Sequence[float]) -> float | None:
    """RMSSD of a clean series (every interval adjacent to the next)."""
    if len(intervals) < 2:
        return None
    diffs = [(b - a) ** 2 for a, b in itertools.pairwise(intervals)]
    return math.sqrt(sum(diffs) / len(diffs))
