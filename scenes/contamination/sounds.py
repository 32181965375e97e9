"""The contamination scene's sounds, synthesised with numpy (``palier.scenes.sound``).

Loops (whole cycles per loop, noise made circularly: no seam):
:func:`extractor_loop` (the washroom's extractor fan), :func:`fridge_loop`
(the kitchen's fridge), :func:`buzz_loop` (a house fly). One-shots:
:func:`cough`, :func:`sneeze`, :func:`drip`. Made once per seed and cached.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from palier.scenes.sound import RATE, band_shape, fade, normalise, periodic_envelope, shaped_noise

EXTRACTOR_S = 6.0
FRIDGE_S = 6.0
BUZZ_S = 3.0


def _tone(n: int, hz: float, seconds: float) -> np.ndarray:
    cycles = max(1, round(hz * seconds))
    return np.sin(2.0 * math.pi * cycles * np.arange(n) / n)


def _band(x: np.ndarray, rate: int, low: float, high: float) -> np.ndarray:
    """``x`` band-passed in the frequency domain (soft edges)."""
    f = np.fft.rfftfreq(len(x), 1.0 / rate)
    f[0] = 1.0
    gain = 1.0 / (1.0 + (low / f) ** 4) / (1.0 + (f / high) ** 4)
    out: np.ndarray = np.fft.irfft(np.fft.rfft(x) * gain, len(x))
    return out


@functools.lru_cache(maxsize=2)
def extractor_loop(seed: int, seconds: float = EXTRACTOR_S, rate: int = RATE) -> np.ndarray:
    """Air through the ceiling extractor's grille and its motor's hum."""
    rng = np.random.default_rng(seed + 1311)
    n = int(seconds * rate)
    air = shaped_noise(n, rng, band_shape(n, rate, 150.0, 4000.0, tilt=0.9))
    swell = periodic_envelope(n, rng, (1, 2), depth=0.08)
    hum = 0.25 * _tone(n, 100.0, seconds) + 0.12 * _tone(n, 200.0, seconds)
    return normalise(air * swell + hum, peak=0.4)


@functools.lru_cache(maxsize=2)
def fridge_loop(seed: int, seconds: float = FRIDGE_S, rate: int = RATE) -> np.ndarray:
    """A fridge's compressor: mains hum and harmonics over a soft rumble."""
    rng = np.random.default_rng(seed + 1312)
    n = int(seconds * rate)
    hum = sum(a * _tone(n, 50.0 * k, seconds) for k, a in ((1, 0.5), (2, 1.0), (3, 0.3), (4, 0.2)))
    rumble = shaped_noise(n, rng, band_shape(n, rate, 40.0, 600.0, tilt=1.1))
    return normalise(0.5 * hum + 0.6 * rumble, peak=0.35)


@functools.lru_cache(maxsize=2)
def buzz_loop(seed: int, seconds: float = BUZZ_S, rate: int = RATE) -> np.ndarray:
    """A house fly: a wing-beat tone near 190 Hz, rich in harmonics, its pitch
    and loudness wavering as it turns (periodic, so the loop has no seam)."""
    rng = np.random.default_rng(seed + 1313)
    n = int(seconds * rate)
    wobble = periodic_envelope(n, rng, (2, 3, 5), depth=0.06)
    freq = 190.0 * wobble
    phase = 2.0 * math.pi * np.cumsum(freq) / rate
    # Whole cycles per loop: stretch the phase to end on a multiple of 2 pi.
    phase *= round(phase[-1] / (2.0 * math.pi)) * 2.0 * math.pi / phase[-1]
    wave = sum(np.sin(k * phase) / k**0.8 for k in range(1, 9))
    loud = periodic_envelope(n, rng, (1, 3, 4), depth=0.35)
    return normalise(np.tanh(1.5 * wave) * loud, peak=0.5)


def _burst(rng: np.random.Generator, n: int, rate: int, formants: tuple[float, ...]) -> np.ndarray:
    noise = rng.standard_normal(n)
    out = np.zeros(n)
    for k, f in enumerate(formants):
        out += _band(noise, rate, f * 0.8, f * 1.25) / (1.0 + k)
    return out


@functools.lru_cache(maxsize=2)
def cough(seed: int, rate: int = RATE) -> np.ndarray:
    """Two chesty coughs: a hard onset each, voiced noise through throat
    formants, a rough tail."""
    rng = np.random.default_rng(seed + 1314)
    n = int(1.6 * rate)
    t = np.arange(n) / rate
    out = np.zeros(n)
    for start, amp in ((0.05, 1.0), (0.62, 0.8)):
        local = t - start
        env = np.where(local > 0, np.exp(-local * 9.0) * (1.0 - np.exp(-local * 300.0)), 0.0)
        voice = np.sign(np.sin(2.0 * math.pi * 120.0 * local)) * 0.25
        body = _burst(rng, n, rate, (450.0, 1200.0, 2600.0))
        out += amp * env * (body + voice * np.abs(body))
    return normalise(fade(out, rate, 0.002, 0.1), peak=0.8)


@functools.lru_cache(maxsize=2)
def sneeze(seed: int, rate: int = RATE) -> np.ndarray:
    """A sneeze: the rising in-breath ("ah..."), then the burst ("choo")."""
    rng = np.random.default_rng(seed + 1315)
    n = int(1.5 * rate)
    t = np.arange(n) / rate
    inhale = np.clip(t / 0.55, 0.0, 1.0) ** 2 * (t < 0.6)
    ah = _burst(rng, n, rate, (700.0, 1200.0)) * inhale * 0.35
    local = t - 0.62
    env = np.where(local > 0, np.exp(-local * 6.0) * (1.0 - np.exp(-local * 400.0)), 0.0)
    choo = _burst(rng, n, rate, (2500.0, 4200.0, 6000.0)) * env
    return normalise(fade(ah + 1.4 * choo, rate, 0.01, 0.1), peak=0.85)


@functools.lru_cache(maxsize=1)
def drip(rate: int = RATE) -> np.ndarray:
    """One drop into water: a short rising 'plink' and a soft splash."""
    n = int(0.25 * rate)
    t = np.arange(n) / rate
    freq = 1100.0 + 900.0 * (1.0 - np.exp(-t * 60.0))
    phase = 2.0 * math.pi * np.cumsum(freq) / rate
    plink = np.sin(phase) * np.exp(-t * 30.0)
    rng = np.random.default_rng(1316)
    splash = _band(rng.standard_normal(n), rate, 2000.0, 7000.0) * np.exp(-t * 80.0) * 0.3
    return normalise(fade(plink + splash, rate, 0.001, 0.05), peak=0.5)
