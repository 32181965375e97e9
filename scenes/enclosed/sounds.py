"""The enclosed spaces' sounds, synthesised with numpy (see ``palier.scenes.sound``).

Loops (every tone has a whole number of cycles per loop and the noise is
made circularly in the frequency domain, so each loops without a seam):

* :func:`ventilation_loop`: air through a grille and a small fan's blade tone.
* :func:`hum_loop`: the lift's motor and the cabin's rumble while travelling.
* :func:`buzz_loop`: a failing fluorescent tube's 100 Hz buzz.
* :func:`breathing_loop`: a stranger breathing close by (placed at a head).

One-shots: :func:`thud` (the jolt), :func:`bell` (the alarm bell),
:func:`door_motor` (the doors sliding). Made once per seed and cached.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from palier.scenes.sound import (
    RATE,
    band_shape,
    circular_smooth,
    fade,
    normalise,
    periodic_envelope,
    shaped_noise,
)

VENT_S = 12.0
HUM_S = 10.0
BUZZ_S = 4.0
BREATH_S = 9.0  # two breaths


def _tone(n: int, rate: int, hz: float, seconds: float) -> np.ndarray:
    """A sine whose frequency is rounded to a whole number of cycles per loop."""
    cycles = max(1, round(hz * seconds))
    return np.sin(2.0 * math.pi * cycles * np.arange(n) / n)


@functools.lru_cache(maxsize=2)
def ventilation_loop(seed: int, seconds: float = VENT_S, rate: int = RATE) -> np.ndarray:
    """Air rushing through a grille (soft pink band 120 Hz-5 kHz, slowly
    breathing) over a small fan's blade-pass tone at about 90 Hz."""
    rng = np.random.default_rng(seed + 9101)
    n = int(seconds * rate)
    air = shaped_noise(n, rng, band_shape(n, rate, 120.0, 5000.0, tilt=0.9))
    swell = periodic_envelope(n, rng, (1, 2, 3), depth=0.12)
    blade = sum(a * _tone(n, rate, 90.0 * k, seconds) for k, a in ((1, 1.0), (2, 0.5), (3, 0.2)))
    return normalise(air * swell + 0.35 * blade)


@functools.lru_cache(maxsize=2)
def hum_loop(seed: int, seconds: float = HUM_S, rate: int = RATE) -> np.ndarray:
    """A lift's motor heard from inside: mains hum and harmonics, a low
    rumble of the guide rails, a faint whine of the drive."""
    rng = np.random.default_rng(seed + 9102)
    n = int(seconds * rate)
    hum = sum(
        a * _tone(n, rate, 50.0 * k, seconds) for k, a in ((1, 0.6), (2, 1.0), (3, 0.35), (4, 0.2))
    )
    rumble = shaped_noise(n, rng, band_shape(n, rate, 30.0, 260.0, tilt=1.2))
    whine = _tone(n, rate, 880.0, seconds) * periodic_envelope(n, rng, (2, 3), depth=0.4)
    return normalise(0.5 * hum + 0.9 * rumble + 0.08 * whine)


@functools.lru_cache(maxsize=1)
def buzz_loop(seconds: float = BUZZ_S, rate: int = RATE) -> np.ndarray:
    """A fluorescent tube's buzz: 100 Hz, rich in odd harmonics (clipped)."""
    n = int(seconds * rate)
    x = sum(_tone(n, rate, 100.0 * k, seconds) / k for k in (1, 2, 3, 5, 7))
    return normalise(np.tanh(2.5 * x), peak=0.5)


@functools.lru_cache(maxsize=2)
def breathing_loop(seed: int, seconds: float = BREATH_S, rate: int = RATE) -> np.ndarray:
    """Two slow breaths through the nose: breathy noise (300 Hz-2.5 kHz),
    in for 40 % of a breath, out for the rest, a pause between."""
    rng = np.random.default_rng(seed + 9103)
    n = int(seconds * rate)
    air = shaped_noise(n, rng, band_shape(n, rate, 300.0, 2500.0, tilt=0.6))
    phase = (np.arange(n) / n * 2.0) % 1.0  # two breaths a loop
    inhale = np.where(phase < 0.35, np.sin(math.pi * phase / 0.35) ** 2 * 0.6, 0.0)
    ex = (phase - 0.4) / 0.45
    exhale = np.where((ex > 0.0) & (ex < 1.0), np.sin(math.pi * np.clip(ex, 0, 1)) ** 1.5, 0.0)
    env = circular_smooth(inhale + exhale, int(0.02 * rate))
    return normalise(air * env, peak=0.45)


@functools.lru_cache(maxsize=1)
def thud(rate: int = RATE, seconds: float = 1.4) -> np.ndarray:
    """The jolt: a heavy low thump under a short metallic clank."""
    n = int(seconds * rate)
    t = np.arange(n) / rate
    rng = np.random.default_rng(9104)
    thump = np.sin(2.0 * math.pi * (38.0 + 30.0 * np.exp(-t * 12.0)) * t) * np.exp(-t * 5.0)
    clank = np.zeros(n)
    for ratio, amp in ((1.0, 1.0), (2.41, 0.6), (3.93, 0.4), (5.6, 0.25)):
        clank += amp * np.sin(2.0 * math.pi * 310.0 * ratio * t) * np.exp(-t * (9.0 + 3.0 * ratio))
    crack = rng.standard_normal(n) * np.exp(-t * 40.0)
    return normalise(fade(1.0 * thump + 0.35 * clank + 0.3 * crack, rate, 0.002, 0.2))


@functools.lru_cache(maxsize=1)
def bell(rate: int = RATE, seconds: float = 3.0) -> np.ndarray:
    """An electric alarm bell: a small gong's partials struck about 20 times
    a second by the hammer, ringing on after the button is let go."""
    n = int(seconds * rate)
    t = np.arange(n) / rate
    f0 = 1180.0
    ring = sum(
        a * np.sin(2.0 * math.pi * f0 * r * t) for r, a in ((1.0, 1.0), (2.72, 0.5), (5.1, 0.25))
    )
    strikes = np.where(t < 2.2, 0.55 + 0.45 * np.abs(np.sin(math.pi * 19.0 * t)) ** 6, 0.0)
    tail = np.exp(-np.maximum(t - 2.2, 0.0) * 3.5) * (t >= 2.2)
    env = strikes + tail * 0.8
    return normalise(fade(ring * env, rate, 0.005, 0.3), peak=0.6)


@functools.lru_cache(maxsize=1)
def door_motor(rate: int = RATE, seconds: float = 2.4) -> np.ndarray:
    """The door operator: a motor whine rising then falling as the leaves
    run, a rumble of the rollers, a soft clunk at the end."""
    n = int(seconds * rate)
    t = np.arange(n) / rate
    rng = np.random.default_rng(9105)
    run = np.sin(math.pi * np.clip(t / 2.0, 0.0, 1.0))
    freq = 180.0 + 160.0 * run
    phase = 2.0 * math.pi * np.cumsum(freq) / rate
    whine = (np.sin(phase) + 0.4 * np.sin(2.0 * phase)) * run
    roll = shaped_noise(n, rng, band_shape(n, rate, 60.0, 900.0, tilt=1.0)) * run * 0.5
    clunk_t = np.maximum(t - 2.0, 0.0)
    clunk = np.sin(2.0 * math.pi * 90.0 * clunk_t) * np.exp(-clunk_t * 25.0) * (t >= 2.0)
    return normalise(fade(0.35 * whine + roll + 0.9 * clunk, rate, 0.02, 0.1), peak=0.5)
