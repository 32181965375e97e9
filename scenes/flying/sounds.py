"""The cabin's sounds, synthesised with numpy once per seed (cached).

Loops (exactly periodic, so they loop without a seam; see
:func:`palier.scenes.sound.shaped_noise`):

* :func:`engine_roar`: the broadband roar of the engines and the air past
  the fuselage, strongest below 300 Hz (its volume follows thrust);
* :func:`engine_whine`: the fans' tones and their harmonics over a little
  noise; the scene changes its play rate with thrust, so the engines audibly
  spool up and down;
* :func:`air_hiss`: the cabin's air conditioning, always there;
* :func:`wheel_rumble`: the wheels on concrete, with the thump of the slab
  joints, played faster with speed;
* :func:`rattle`: creaks of the lining and the rattle of trolleys and bins
  that turbulence brings out.

One-shots: :func:`chime` (the two-tone "ding-dong"), :func:`gear_thump` (the
gear locking down, then the rumble of the air on it), :func:`thunder`,
:func:`clatter` (the drop).
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

LOOP_S = 8.0


@functools.lru_cache(maxsize=2)
def engine_roar(seed: int, seconds: float = LOOP_S, rate: int = RATE) -> np.ndarray:
    rng = np.random.default_rng(seed + 8001)
    n = int(seconds * rate)
    low = shaped_noise(n, rng, band_shape(n, rate, 30.0, 300.0, tilt=0.8))
    mid = shaped_noise(n, rng, band_shape(n, rate, 200.0, 2500.0, tilt=1.2))
    swell = periodic_envelope(n, rng, (1, 2, 3), depth=0.12)
    return normalise((low + 0.35 * mid) * swell)


@functools.lru_cache(maxsize=2)
def engine_whine(seed: int, seconds: float = LOOP_S, rate: int = RATE) -> np.ndarray:
    rng = np.random.default_rng(seed + 8002)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    out = 0.3 * shaped_noise(n, rng, band_shape(n, rate, 400.0, 4000.0, tilt=1.0))
    # Whole cycles per loop, so the tones loop cleanly too.
    for f, a in ((150.0, 0.6), (300.0, 0.35), (1150.0, 0.12), (2300.0, 0.06), (3400.0, 0.03)):
        fk = round(f * seconds) / seconds
        beat = 1.0 + 0.2 * np.cos(2 * math.pi * (round(0.5 * seconds) / seconds) * t + rng.random())
        out += a * np.sin(2 * math.pi * fk * t) * beat
    return normalise(out)


@functools.lru_cache(maxsize=2)
def air_hiss(seed: int, seconds: float = LOOP_S, rate: int = RATE) -> np.ndarray:
    rng = np.random.default_rng(seed + 8003)
    n = int(seconds * rate)
    return normalise(shaped_noise(n, rng, band_shape(n, rate, 250.0, 6000.0, tilt=0.6)))


@functools.lru_cache(maxsize=2)
def wheel_rumble(seed: int, seconds: float = LOOP_S, rate: int = RATE) -> np.ndarray:
    """Rolling on concrete: low rumble, and a double thump (nose gear, then
    mains) every slab joint, eight a loop (the play rate sets their pace)."""
    rng = np.random.default_rng(seed + 8004)
    n = int(seconds * rate)
    out = shaped_noise(n, rng, band_shape(n, rate, 20.0, 180.0, tilt=0.5))
    thump_n = int(0.12 * rate)
    tt = np.arange(thump_n) / rate
    thump = np.sin(2 * math.pi * 55.0 * tt) * np.exp(-tt * 35.0) * 4.0
    for j in range(8):
        for lag, amp in ((0.0, 1.0), (0.09, 0.7)):
            start = int((j / 8 + lag / seconds) * n)
            idx = (start + np.arange(thump_n)) % n
            out[idx] += amp * thump * rng.uniform(0.7, 1.0)
    return normalise(out)


@functools.lru_cache(maxsize=2)
def rattle(seed: int, seconds: float = LOOP_S, rate: int = RATE) -> np.ndarray:
    """Creaks (slow, resonant squeaks of the lining) and rattles (short
    clicks in bursts), placed round the loop modulo its length."""
    rng = np.random.default_rng(seed + 8005)
    n = int(seconds * rate)
    out = np.zeros(n)
    for _ in range(int(seconds * 2.5)):
        start = int(rng.integers(0, n))
        if rng.random() < 0.45:  # a creak
            m = int(rng.uniform(0.15, 0.4) * rate)
            t = np.arange(m) / rate
            f = rng.uniform(350.0, 900.0) * (1.0 + 0.15 * np.sin(2 * math.pi * 3.0 * t))
            tone = np.sin(2 * math.pi * np.cumsum(f) / rate) * np.sin(np.pi * t / t[-1]) ** 2
            tone *= 1.0 + 0.6 * np.sign(np.sin(2 * math.pi * rng.uniform(30, 60) * t))
            seg = 0.25 * tone
        else:  # a rattle: a few clicks
            m = int(0.25 * rate)
            seg = np.zeros(m)
            for _ in range(int(rng.integers(3, 9))):
                at = int(rng.integers(0, m - 200))
                seg[at : at + 200] += rng.standard_normal(200) * np.exp(-np.arange(200) / 30.0)
        idx = (start + np.arange(len(seg))) % n
        out[idx] += seg * rng.uniform(0.4, 1.0)
    return normalise(out)


@functools.lru_cache(maxsize=1)
def chime(rate: int = RATE) -> np.ndarray:
    """The cabin chime: a high then a low soft tone (E5, C5), bell-like."""
    seconds = 2.4
    n = int(seconds * rate)
    t = np.arange(n) / rate
    out = np.zeros(n)
    for start, f in ((0.0, 659.25), (0.6, 523.25)):
        tt = np.clip(t - start, 0.0, None)
        on = t >= start
        tone = np.sin(2 * math.pi * f * tt) + 0.25 * np.sin(2 * math.pi * 2 * f * tt)
        out += on * tone * np.exp(-tt * 2.2) * np.minimum(tt / 0.01, 1.0)
    return normalise(fade(out, rate, 0.005, 0.2), peak=0.6)


@functools.lru_cache(maxsize=2)
def gear_thump(seed: int, rate: int = RATE) -> np.ndarray:
    """The gear coming down: a whir, a heavy clunk as it locks, then the
    rumble of the air on it, fading."""
    rng = np.random.default_rng(seed + 8006)
    seconds = 3.5
    n = int(seconds * rate)
    t = np.arange(n) / rate
    rumble = shaped_noise(n, rng, band_shape(n, rate, 25.0, 220.0, tilt=0.4))
    rumble *= np.clip((t - 0.4) / 0.3, 0.0, 1.0) * np.exp(-np.clip(t - 0.7, 0, None) * 0.8) * 0.5
    whir = np.sin(2 * math.pi * (120.0 + 60.0 * t) * t) * np.clip(1.0 - t / 0.45, 0, 1) * 0.15
    tt = np.clip(t - 0.45, 0.0, None)
    clunk = (t >= 0.45) * np.sin(2 * math.pi * 48.0 * tt) * np.exp(-tt * 14.0) * 1.6
    return normalise(fade(rumble + whir + clunk, rate))


@functools.lru_cache(maxsize=2)
def thunder(seed: int, rate: int = RATE) -> np.ndarray:
    rng = np.random.default_rng(seed + 8007)
    seconds = 4.0
    n = int(seconds * rate)
    t = np.arange(n) / rate
    body = shaped_noise(n, rng, band_shape(n, rate, 20.0, 400.0, tilt=1.0))
    env = np.clip(t / 0.08, 0, 1) * np.exp(-t * 1.1)
    env *= circular_smooth(np.abs(rng.standard_normal(n)), int(0.05 * rate)) * 1.5
    return normalise(fade(body * env, rate, 0.01, 0.5))


@functools.lru_cache(maxsize=2)
def clatter(seed: int, rate: int = RATE) -> np.ndarray:
    """The drop: a hollow thud through the floor and the bins' rattle."""
    rng = np.random.default_rng(seed + 8008)
    seconds = 1.2
    n = int(seconds * rate)
    t = np.arange(n) / rate
    thud = np.sin(2 * math.pi * 38.0 * t) * np.exp(-t * 6.0)
    clicks = rng.standard_normal(n) * (rng.random(n) > 0.995) * 3.0
    clicks = np.convolve(clicks, np.exp(-np.arange(120) / 25.0), mode="same")
    return normalise(fade(thud + 0.5 * clicks * np.exp(-t * 2.5), rate))
