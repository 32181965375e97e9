"""Heart-rate sources: one interface for every sensor (no Qt).

A source delivers :class:`HeartRateSample` objects (bpm, the RR intervals
that completed, sensor contact, the source's own timestamp and the
console's) and :class:`StateChange` objects (connection state). Its own
thread (or asyncio loop) puts them in queues; the console drains them with
:meth:`HeartRateSource.poll` and :meth:`HeartRateSource.poll_states` from
its GUI timer, so they reach the session model on the GUI thread and the
sensor thread never touches the record. The chart, the record, HRV
(:mod:`.hrv`) and the alarm (:mod:`.alarm`) all read what the model took in.

Sources: :class:`~.simulated.SimulatedHeartRate` (demo, tests; always
labelled simulated), :class:`~.ble.BleHeartRate` (Bluetooth LE Heart Rate
service), :class:`~.lsl.LslHeartRate` (any Lab Streaming Layer stream).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

Clock = Callable[[], float]
T = TypeVar("T")

log = logging.getLogger(__name__)

SIMULATED = "simulated"
"""The ``source`` of every simulated sample: the record, the exports and the
report recognise invented physiology by it (:func:`is_simulated`)."""


def is_simulated(source: str | None) -> bool:
    return source == SIMULATED


@dataclass(frozen=True, slots=True)
class HeartRateSample:
    t: float
    """Console wall-clock seconds (epoch) when the sample was received."""
    bpm: float
    rr_ms: tuple[float, ...] = ()
    """Beat-to-beat intervals that completed since the previous sample, in ms,
    oldest first."""
    source: str = ""
    contact: bool | None = None
    """Sensor skin contact; None when the sensor does not report it."""
    t_source: float | None = None
    """The source's own clock for the sample (an LSL timestamp, the
    simulation's time), seconds; None when the source has none (BLE)."""


class ConnectionState(StrEnum):
    STOPPED = "stopped"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    """The sensor dropped and the source is trying again: a gap in the data."""
    FAILED = "failed"
    """The source gave up (no adapter, device not found): says why in ``detail``."""


@dataclass(frozen=True, slots=True)
class StateChange:
    t: float
    state: ConnectionState
    detail: str = ""


class HeartRateSource(ABC):
    """A stream of heart-rate samples, typically about 1 Hz.

    ``start`` and ``stop`` may be called from the GUI thread and must not
    block for long; ``poll`` and ``poll_states`` never block and return what
    arrived since the previous call, oldest first.
    """

    name: str = "heart-rate"
    """What samples carry as ``source`` (``simulated``, ``ble:ADDRESS``, ``lsl:ID``)."""
    simulated: bool = False

    def __init__(self, *, clock: Clock = time.time) -> None:
        self.clock = clock
        self._queue: queue.SimpleQueue[HeartRateSample] = queue.SimpleQueue()
        self._states: queue.SimpleQueue[StateChange] = queue.SimpleQueue()
        self._state = ConnectionState.STOPPED
        self._state_lock = threading.Lock()
        self.malformed = 0
        """Notifications skipped because they did not decode (each one logged)."""

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def stop(self) -> None: ...

    @property
    @abstractmethod
    def running(self) -> bool: ...

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def label(self) -> str:
        """How the console names the source to the therapist."""
        return self.name

    def _put(self, sample: HeartRateSample) -> None:
        """For subclasses (any thread): hand over one sample."""
        self._queue.put(sample)

    def _set_state(self, state: ConnectionState, detail: str = "") -> None:
        """For subclasses (any thread): the connection changed."""
        with self._state_lock:
            if state == self._state:
                return
            self._state = state
            self._states.put(StateChange(self.clock(), state, detail))
        log.info("heart-rate source %s: %s %s", self.name, state.value, detail)

    def _count_malformed(self, error: Exception) -> None:
        self.malformed += 1
        log.warning(
            "heart-rate source %s: skipped a malformed notification (%d so far): %s",
            self.name,
            self.malformed,
            error,
        )

    def poll(self) -> list[HeartRateSample]:
        return _drain(self._queue)

    def poll_states(self) -> list[StateChange]:
        return _drain(self._states)


def _drain(q: queue.SimpleQueue[T]) -> list[T]:
    out: list[T] = []
    while True:
        try:
            out.append(q.get_nowait())
        except queue.Empty:
            return out


# The simulation lives in its own module; importing it here keeps the
# package's historical names (``heart_rate.SimulatedHeartRate``).
from palier.therapist_console.heart_rate.simulated import (  # noqa: E402
    SimulatedHeartRate,
    SimulationSettings,
)

__all__ = [
    "SIMULATED",
    "ConnectionState",
    "HeartRateSample",
    "HeartRateSource",
    "SimulatedHeartRate",
    "SimulationSettings",
    "StateChange",
    "is_simulated",
]
