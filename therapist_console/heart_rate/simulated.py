"""A simulated heart rate for the demo and the tests: invented physiology,
labelled as such wherever it shows (its samples' ``source`` is
:data:`~palier.therapist_console.heart_rate.SIMULATED`)."""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from palier.therapist_console.heart_rate import (
    SIMULATED,
    Clock,
    ConnectionState,
    HeartRateSample,
    HeartRateSource,
)


@dataclass(frozen=True, slots=True)
class SimulationSettings:
    rest_bpm: float = 70.0
    exposure_gain_bpm: float = 38.0
    """Rise of the mean heart rate at full exposure intensity, once settled."""
    rise_tau_s: float = 25.0
    """Arousal follows intensity up with this time constant..."""
    decay_tau_s: float = 70.0
    """...and comes back down more slowly (habituation, recovery)."""
    event_spike_bpm: float = 14.0
    event_tau_s: float = 12.0
    rsa_bpm: float = 4.0
    """Respiratory sinus arrhythmia amplitude at rest (shrinks with arousal)."""
    breath_hz: float = 0.25
    noise_bpm: float = 1.2
    """Standard deviation of the slow random wander (AR(1), 10 s)."""
    sample_period_s: float = 1.0


class SimulatedHeartRate(HeartRateSource):
    """A plausible heart rate for the demo and tests.

    The model is beat by beat: the instantaneous rate is rest + a lagged
    response to exposure intensity (``intensity()`` returns 0..1) + decaying
    spikes from :meth:`on_event` + respiratory sinus arrhythmia + a slow
    random wander. Each beat's RR interval is 60000 / rate, so RR intervals
    and bpm agree; every ``sample_period_s`` a sample reports the mean rate of
    the beats completed in that period with their RR intervals, like a chest
    strap. Deterministic for a given seed and sequence of clock readings.

    Use :meth:`advance_to` directly (tests, offline generation) or
    :meth:`start` a thread that advances with the clock.
    """

    name = SIMULATED
    simulated = True

    def __init__(
        self,
        intensity: Callable[[], float] = lambda: 0.0,
        *,
        clock: Clock = time.time,
        seed: int = 0,
        settings: SimulationSettings | None = None,
    ) -> None:
        super().__init__(clock=clock)
        self._state = ConnectionState.CONNECTED  # no radio: there from the start
        self.intensity = intensity
        self.settings = settings or SimulationSettings()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._t: float | None = None  # time of the last beat
        self._next_sample_t = 0.0
        self._arousal = 0.0
        self._spikes: list[tuple[float, float]] = []  # (t0, amplitude bpm)
        self._wander = 0.0
        self._pending_rr: list[float] = []
        self._last_rr_s = 60.0 / self.settings.rest_bpm
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # -- inputs ------------------------------------------------------------
    def on_event(self, strength: float = 1.0, t: float | None = None) -> None:
        """A startling event (spider drops, dog barks): a transient spike."""
        with self._lock:
            t0 = self.clock() if t is None else t
            self._spikes.append((t0, self.settings.event_spike_bpm * max(0.0, strength)))

    # -- generation ----------------------------------------------------------
    def _rate_at(self, t: float, dt: float, intensity: float) -> float:
        s = self.settings
        level = min(1.0, max(0.0, intensity))
        tau = s.rise_tau_s if level > self._arousal else s.decay_tau_s
        self._arousal += (level - self._arousal) * (1.0 - math.exp(-dt / tau))
        # Slow wander: AR(1) with a 10 s correlation time.
        a = math.exp(-dt / 10.0)
        self._wander = a * self._wander + math.sqrt(1 - a * a) * self._rng.gauss(0, s.noise_bpm)
        spike = 0.0
        live = []
        for t0, amp in self._spikes:
            age = t - t0
            if age < 0:
                live.append((t0, amp))
                continue
            # 2 s rise then exponential decay.
            value = amp * min(1.0, age / 2.0) * math.exp(-max(0.0, age - 2.0) / s.event_tau_s)
            if value > 0.05 or age < 2.0:
                live.append((t0, amp))
            spike += value
        self._spikes = live
        rsa = s.rsa_bpm * (1.0 - 0.6 * self._arousal) * math.sin(2 * math.pi * s.breath_hz * t)
        rate = s.rest_bpm + s.exposure_gain_bpm * self._arousal + spike + rsa + self._wander
        return min(200.0, max(40.0, rate))

    def advance_to(self, now: float) -> list[HeartRateSample]:
        """Generate beats up to ``now``; queue and return the samples due."""
        out: list[HeartRateSample] = []
        with self._lock:
            if self._t is None:
                self._t = now
                self._next_sample_t = now + self.settings.sample_period_s
                return out
            level = float(self.intensity())
            while True:
                rate = self._rate_at(self._t, self._last_rr_s, level)
                rr = 60000.0 / rate
                self._last_rr_s = rr / 1000.0
                beat_t = self._t + rr / 1000.0
                if beat_t > now:
                    break
                self._t = beat_t
                self._pending_rr.append(rr)
                if beat_t >= self._next_sample_t:
                    bpm = 60000.0 / (sum(self._pending_rr) / len(self._pending_rr))
                    sample = HeartRateSample(
                        t=beat_t,
                        bpm=round(bpm, 1),
                        rr_ms=tuple(round(x, 1) for x in self._pending_rr),
                        source=self.name,
                        contact=True,
                        t_source=beat_t,
                    )
                    self._pending_rr = []
                    while self._next_sample_t <= beat_t:
                        self._next_sample_t += self.settings.sample_period_s
                    out.append(sample)
        for sample in out:
            self._put(sample)
        return out

    # -- HeartRateSource -------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._set_state(ConnectionState.CONNECTED, "simulated")
        self._thread = threading.Thread(target=self._run, name="simulated-heart-rate", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.advance_to(self.clock())

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join(timeout=2.0)
            self._set_state(ConnectionState.STOPPED)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def poll(self) -> list[HeartRateSample]:
        if self._thread is None:
            # Not started: generate on demand, so a GUI timer alone drives it.
            self._set_state(ConnectionState.CONNECTED, "simulated")
            self.advance_to(self.clock())
        return super().poll()
