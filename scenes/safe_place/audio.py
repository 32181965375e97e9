"""The safe place's sounds, synthesised in memory with numpy.

* :func:`wind_loop`: gentle wind, shaped noise made in the frequency domain,
  so the signal is exactly periodic and loops without a seam; gusts are slow
  envelopes with a whole number of cycles per loop.
* :func:`birds_loop`: sparse, soft birdsong phrases (gliding whistles and
  trills) placed round the loop modulo its length, so none is cut at the seam.
* :func:`chime`: a soft bell (inharmonic partials, slow decay) played once.

The arrays are loaded through :func:`palier.scenes.sound.ram_wav` (a RAM
disk of Panda3D's virtual file system): nothing touches the real disk at run
time. Everything is made once per seed and cached.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from palier.scenes.sound import RATE, circular_smooth, normalise, periodic_envelope, shaped_noise

WIND_S = 24.0
BIRDS_S = 31.0  # a different length from the wind, so the two never repeat together
PEAK = 0.7  # highest absolute sample of every clip (full scale is 1.0)


@functools.lru_cache(maxsize=2)
def wind_loop(seed: int, seconds: float = WIND_S, rate: int = RATE) -> np.ndarray:
    """Soft wind: a low rush (pink-ish noise below ~600 Hz) under a gust
    envelope, and a faint high rustle of grass that follows the gusts."""
    rng = np.random.default_rng(seed + 7001)
    n = int(seconds * rate)
    f = np.fft.rfftfreq(n, 1.0 / rate)
    safe_f = np.maximum(f, 1.0)
    rush_shape = (1.0 / np.sqrt(safe_f)) / (1.0 + (f / 520.0) ** 4) * (f > 25.0)
    rustle_shape = np.exp(-0.5 * ((np.log(safe_f) - math.log(2600.0)) / 0.45) ** 2)
    rush = shaped_noise(n, rng, rush_shape)
    rustle = shaped_noise(n, rng, rustle_shape)
    gust = periodic_envelope(n, rng, (1, 2, 3, 5), depth=0.55)
    # Rustle flutters: a random envelope smoothed over ~80 ms, circularly.
    flutter = circular_smooth(np.abs(rng.standard_normal(n)), int(0.08 * rate))
    flutter /= float(np.mean(flutter))
    signal = rush * gust + 0.18 * rustle * gust**2 * flutter
    return normalise(signal)


def _bird_phrase(rng: np.random.Generator, rate: int) -> np.ndarray:
    """One short phrase: 2-7 notes, each a gliding whistle with a soft
    envelope, some trilled; 2-6 kHz like a robin or a blackbird far off."""
    notes = []
    for _ in range(int(rng.integers(2, 8))):
        dur = rng.uniform(0.06, 0.22)
        m = int(dur * rate)
        t = np.arange(m) / rate
        f0 = rng.uniform(2200.0, 4800.0)
        glide = rng.uniform(-0.35, 0.35) * f0
        trill = rng.uniform(0.0, 0.06) * f0 if rng.random() < 0.4 else 0.0
        freq = f0 + glide * (t / dur) + trill * np.sin(2.0 * math.pi * rng.uniform(25, 45) * t)
        phase = 2.0 * math.pi * np.cumsum(freq) / rate
        env = np.sin(math.pi * t / dur) ** 2
        tone = np.sin(phase) + 0.12 * np.sin(2.0 * phase)
        notes.append(tone * env * rng.uniform(0.5, 1.0))
        notes.append(np.zeros(int(rng.uniform(0.03, 0.12) * rate)))
    return np.concatenate(notes)


@functools.lru_cache(maxsize=2)
def birds_loop(seed: int, seconds: float = BIRDS_S, rate: int = RATE) -> np.ndarray:
    """Sparse birdsong: a phrase every 3 to 8 s, of varied loudness (near and
    far birds), added modulo the loop length so the loop has no seam."""
    rng = np.random.default_rng(seed + 7002)
    n = int(seconds * rate)
    out = np.zeros(n)
    t = rng.uniform(0.0, 2.0)
    while t < seconds - 1.0:
        phrase = _bird_phrase(rng, rate) * rng.uniform(0.25, 1.0)
        start = int(t * rate)
        idx = (start + np.arange(len(phrase))) % n
        np.add.at(out, idx, phrase)
        t += rng.uniform(3.0, 8.0)
    # A touch of room: a faint late echo from the trees, also circular.
    echo = np.roll(out, int(0.19 * rate)) * 0.18 + np.roll(out, int(0.37 * rate)) * 0.08
    return normalise(out + echo, peak=PEAK * 0.8)


@functools.lru_cache(maxsize=1)
def chime(rate: int = RATE, seconds: float = 6.0) -> np.ndarray:
    """A soft bell: inharmonic partials of a small bowl at ~ 392 Hz, each
    decaying at its own rate, with a gentle 15 ms attack (no click)."""
    n = int(seconds * rate)
    t = np.arange(n) / rate
    f0 = 392.0
    partials = ((1.0, 1.0, 1.2), (2.71, 0.45, 2.2), (5.15, 0.2, 3.5), (8.3, 0.08, 5.0))
    out = np.zeros(n)
    for ratio, amp, decay in partials:
        # Two slightly detuned copies per partial: the slow beating of a real bowl.
        for detune in (-0.6, 0.6):
            out += amp * np.sin(2.0 * math.pi * (f0 * ratio + detune) * t) * np.exp(-decay * t)
    out *= np.minimum(t / 0.015, 1.0)
    out *= np.minimum((seconds - t) / 0.3, 1.0)  # reach exact silence at the end
    return normalise(out, peak=PEAK * 0.7)
