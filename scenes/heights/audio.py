"""The heights scene's sounds, synthesised with numpy (made once per seed).

* ``wind_loop``: wind round a tower, a low rumble and an airy hiss under a
  slow swell; loops without a seam (circular noise, whole-cycle envelopes).
* ``city_loop``: the traffic hum of the street, low and soft, with cars
  passing; loops without a seam.
* ``creak``: a railing creaking, a stick-slip train of clicks through the
  resonances of a steel rail; a one-shot, placed at the railing.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from palier.scenes.sound import (
    RATE,
    band_shape,
    fade,
    normalise,
    periodic_envelope,
    shaped_noise,
)

WIND_S = 6.0
CITY_S = 6.0
CREAK_S = 1.4


@lru_cache(maxsize=4)
def wind_loop(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed + 31)
    n = int(WIND_S * RATE)
    rumble = shaped_noise(n, rng, band_shape(n, RATE, 40.0, 320.0, tilt=1.2))
    hiss = shaped_noise(n, rng, band_shape(n, RATE, 400.0, 3200.0, tilt=0.8))
    swell = periodic_envelope(n, rng, (1, 2, 3), 0.55)
    flutter = periodic_envelope(n, rng, (5, 9, 13), 0.35)
    return normalise((0.8 * rumble + 0.35 * hiss * flutter) * swell)


@lru_cache(maxsize=4)
def city_loop(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed + 41)
    n = int(CITY_S * RATE)
    hum = shaped_noise(n, rng, band_shape(n, RATE, 30.0, 500.0, tilt=1.4))
    tyres = shaped_noise(n, rng, band_shape(n, RATE, 300.0, 2500.0, tilt=1.0))
    passing = periodic_envelope(n, rng, (2, 3, 5, 7), 0.6)
    return normalise(0.9 * hum + 0.3 * tyres * passing)


@lru_cache(maxsize=4)
def creak(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed + 51)
    n = int(CREAK_S * RATE)
    t = np.arange(n) / RATE
    # Click rate rises then falls (the rail loads, slips, settles).
    rate = 35.0 + 110.0 * np.sin(math.pi * np.clip(t / (CREAK_S * 0.8), 0.0, 1.0)) ** 1.5
    phase = np.cumsum(rate) / RATE
    clicks = np.zeros(n)
    idx = np.nonzero(np.diff(np.floor(phase)) > 0)[0]
    clicks[idx] = rng.uniform(0.6, 1.0, len(idx))
    k = np.arange(int(0.04 * RATE)) / RATE
    kernel = np.zeros_like(k)
    for f, d in ((430.0, 45.0), (790.0, 60.0), (1370.0, 90.0), (2150.0, 140.0)):
        kernel += np.sin(2 * math.pi * f * k) * np.exp(-d * k)
    body = np.convolve(clicks, kernel)[:n]
    env = np.sin(math.pi * np.clip(t / CREAK_S, 0.0, 1.0)) ** 0.7
    return normalise(fade(body * env, in_s=0.005, out_s=0.1), 0.8)


def wind_volume(wind: float, up: float, inside: float) -> float:
    """Loudness 0..1 of the wind: ``wind`` 0..1 (more with a gust), ``up``
    0 at the street to 1 at the top floor, ``inside`` 1 behind the closed
    window. Wind is louder higher up, and muffled indoors."""
    return min(1.0, (0.05 + 0.8 * wind) * (0.35 + 0.65 * up) * (1.0 - 0.7 * inside))


def city_volume(up: float, inside: float) -> float:
    """Loudness 0..1 of the traffic hum: it fades with height."""
    return (0.55 - 0.42 * up) * (1.0 - 0.7 * inside)
