"""The road scene's sounds, synthesised with numpy at build time (once per
seed and process): the street's traffic bed, a vehicle's engine and tyres
(one loop; lorries play it slower, motorbikes faster), rain, and the
therapist's cues: horn, screeching tyres, a crash heard out of sight, a
two-tone siren, a door slam. Loops loop without a seam (circular noise and
whole cycles per loop); one-shots fade in and out so they never click.
"""

from __future__ import annotations

import math
from functools import lru_cache

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

BED_S = 12.0
ENGINE_S = 4.0
RAIN_S = 6.0
SIREN_S = 2.4  # one "pin-pon" cycle: the loop's length
SIREN_TONES = (435.0, 488.0)
"""The French two-tone ("deux-tons") of ambulances, in hertz."""


def _loop_noise(seconds: float, seed: int, low: float, high: float, tilt: float) -> np.ndarray:
    n = int(seconds * RATE)
    rng = np.random.default_rng(seed)
    return shaped_noise(n, rng, band_shape(n, RATE, low, high, tilt))


def _harmonic(n: int, hz: float, seconds: float, partials: tuple[float, ...]) -> np.ndarray:
    """A periodic tone whose fundamental fits a whole number of cycles in
    ``seconds`` (so a loop of it has no seam)."""
    cycles = max(1, round(hz * seconds))
    t = np.arange(n) / n
    out = np.zeros(n)
    for k, amp in enumerate(partials, start=1):
        out += amp * np.sin(2.0 * math.pi * cycles * k * t)
    return out


@lru_cache(maxsize=4)
def traffic_bed(seed: int, seconds: float = BED_S) -> np.ndarray:
    """Distant traffic: a low rumble with slow swells, a little tyre hiss."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    rumble = _loop_noise(seconds, seed + 1, 30.0, 500.0, 1.2)
    hiss = _loop_noise(seconds, seed + 2, 800.0, 5000.0, 0.6)
    env = periodic_envelope(n, rng, (1, 2, 3, 5), 0.35)
    return normalise((rumble + 0.18 * hiss) * env, 0.5)


@lru_cache(maxsize=4)
def engine_loop(seed: int, seconds: float = ENGINE_S) -> np.ndarray:
    """One vehicle going by at town speed: engine harmonics with a little
    irregularity, and the roar of its tyres on the road."""
    n = int(seconds * RATE)
    rng = np.random.default_rng(seed)
    firing = _harmonic(n, 38.0, seconds, (1.0, 0.6, 0.45, 0.25, 0.15, 0.1))
    wobble = periodic_envelope(n, rng, (3, 7, 11), 0.25)
    tyres = _loop_noise(seconds, seed + 3, 150.0, 3000.0, 0.9)
    return normalise(0.5 * firing * wobble + tyres, 0.6)


@lru_cache(maxsize=4)
def rain_loop(seed: int, seconds: float = RAIN_S) -> np.ndarray:
    """Steady rain: broadband hiss with drops (short clicks) scattered in."""
    n = int(seconds * RATE)
    rng = np.random.default_rng(seed)
    hiss = _loop_noise(seconds, seed + 4, 500.0, 9000.0, 0.4)
    drops = np.zeros(n)
    idx = rng.integers(0, n, int(seconds * 180))
    drops[idx] = rng.uniform(-1.0, 1.0, len(idx))
    drops = drops - circular_smooth(drops, 6)
    return normalise(hiss + 2.5 * drops, 0.5)


def horn(seconds: float = 1.4) -> np.ndarray:
    """A car horn: two reedy tones a major third apart, sustained."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    tone = np.zeros(n)
    for hz in (420.0, 525.0):
        for k, amp in enumerate((1.0, 0.7, 0.5, 0.35, 0.25, 0.15), start=1):
            tone += amp * np.sin(2.0 * math.pi * hz * k * t)
    tone = np.tanh(1.8 * tone)  # the buzz of the horn's diaphragm
    return normalise(fade(tone, in_s=0.02, out_s=0.08), 0.8)


def screech(seed: int, seconds: float = 2.2) -> np.ndarray:
    """Tyres skidding: a wavering squeal (narrow partials near 1-3 kHz over
    rough noise), growing then dying as the car stops."""
    n = int(seconds * RATE)
    rng = np.random.default_rng(seed)
    t = np.arange(n) / RATE
    wob = np.cumsum(rng.normal(0.0, 1.0, n))
    wob = wob / max(float(np.max(np.abs(wob))), 1e-9)
    f0 = 1250.0 + 180.0 * wob - 120.0 * t / seconds
    phase = 2.0 * math.pi * np.cumsum(f0) / RATE
    squeal = np.sin(phase) + 0.5 * np.sin(2.0 * phase) + 0.3 * np.sin(2.6 * phase)
    rough = shaped_noise(n, rng, band_shape(n, RATE, 600.0, 6000.0, 0.5))
    env = np.minimum(1.0, t / 0.15) * np.clip((seconds - t) / 0.5, 0.0, 1.0)
    return normalise(fade((squeal + 0.35 * rough) * env), 0.8)


def crash(seed: int, seconds: float = 4.0) -> np.ndarray:
    """A collision out of sight: a short skid, a heavy low impact, crumpling
    metal, glass falling and scattering, then quiet."""
    n = int(seconds * RATE)
    rng = np.random.default_rng(seed)
    t = np.arange(n) / RATE
    out = np.zeros(n)
    skid = screech(seed + 1, 0.7)
    out[: len(skid)] += 0.6 * skid
    hit = int(0.65 * RATE)
    low = shaped_noise(n, rng, band_shape(n, RATE, 30.0, 400.0, 1.5))
    impact = np.where(t >= hit / RATE, np.exp(-(t - hit / RATE) / 0.18), 0.0)
    out += 1.6 * low * impact
    metal = np.zeros(n)
    for hz in rng.uniform(300.0, 1800.0, 7):
        metal += np.sin(2.0 * math.pi * hz * t + rng.random() * 6.0) * rng.uniform(0.3, 1.0)
    out += 0.5 * metal * np.where(t >= hit / RATE, np.exp(-(t - hit / RATE) / 0.35), 0.0)
    # Glass: many short bright pings over a second and a half.
    glass = np.zeros(n)
    for _ in range(90):
        k = hit + int(rng.exponential(0.45) * RATE)
        if k >= n - 400:
            continue
        m = 300
        hz = rng.uniform(3000.0, 7000.0)
        ping = np.sin(2.0 * math.pi * hz * np.arange(m) / RATE) * np.exp(-np.arange(m) / 60.0)
        glass[k : k + m] += ping * rng.uniform(0.1, 0.5)
    out += glass
    return normalise(fade(out, out_s=0.3), 0.9)


@lru_cache(maxsize=2)
def siren_loop(seconds: float = SIREN_S) -> np.ndarray:
    """The two-tone siren: half a cycle on each tone (square-ish, as the
    horns of a French ambulance sound), looped."""
    n = int(seconds * RATE)
    half = n // 2
    out = np.zeros(n)
    for i, hz in enumerate(SIREN_TONES):
        m = half if i == 0 else n - half
        cycles = max(1, round(hz * m / RATE))
        tt = np.arange(m) / m
        tone = sum(
            amp * np.sin(2.0 * math.pi * cycles * k * tt)
            for k, amp in ((1, 1.0), (3, 0.33), (5, 0.2), (7, 0.1))
        )
        out[i * half : i * half + m] = tone
    # Soften the two switches so the loop does not click.
    out = circular_smooth(out, 12)
    return normalise(out, 0.8)


def door_slam(seed: int, seconds: float = 0.9) -> np.ndarray:
    """A car door shutting hard: a dull low thud, the latch's click, a rattle."""
    n = int(seconds * RATE)
    rng = np.random.default_rng(seed)
    t = np.arange(n) / RATE
    low = shaped_noise(n, rng, band_shape(n, RATE, 40.0, 300.0, 1.4))
    thud = low * np.exp(-t / 0.07) + 0.5 * np.sin(2.0 * math.pi * 75.0 * t) * np.exp(-t / 0.1)
    click = shaped_noise(n, rng, band_shape(n, RATE, 2000.0, 8000.0, 0.3)) * np.exp(-t / 0.006)
    rattle = shaped_noise(n, rng, band_shape(n, RATE, 400.0, 2500.0, 0.8))
    rattle *= np.exp(-np.maximum(t - 0.04, 0.0) / 0.12) * (t > 0.04)
    return normalise(fade(thud + 0.4 * click + 0.15 * rattle, in_s=0.001, out_s=0.2), 0.85)
