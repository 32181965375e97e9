"""The audience's sounds, synthesised with numpy once per seed (cached):
a room tone, a cough, a ringtone, applause and laughter. Mono, at
:data:`~palier.scenes.sound.RATE`; the scene places the one-shots where the
person making them sits."""

from __future__ import annotations

import functools
import math

import numpy as np

from palier.scenes.sound import RATE, band_shape, fade, normalise, shaped_noise


def _t(seconds: float) -> np.ndarray:
    return np.arange(int(seconds * RATE)) / RATE


@functools.lru_cache(maxsize=2)
def room_tone(seed: int, seconds: float = 8.0) -> np.ndarray:
    """Ventilation hum and the faint rustle of a room of people; loops
    seamlessly (noise shaped over the whole loop, whole-cycle hum)."""
    rng = np.random.default_rng(seed + 1)
    n = int(seconds * RATE)
    air = shaped_noise(n, rng, band_shape(n, RATE, 60.0, 900.0, tilt=1.4))
    t = np.arange(n) / RATE
    hum = 0.05 * np.sin(2 * math.pi * 100.0 * t) + 0.02 * np.sin(2 * math.pi * 200.0 * t)
    return normalise(air + hum, 0.12)


@functools.lru_cache(maxsize=2)
def cough(seed: int) -> np.ndarray:
    """Two or three dry coughs: a noisy burst with a quick attack and a
    voiced edge, falling in pitch."""
    rng = np.random.default_rng(seed + 2)
    out = np.zeros(int(1.6 * RATE))
    at = 0.05
    for k in range(int(rng.integers(2, 4))):
        dur = float(rng.uniform(0.16, 0.24))
        t = _t(dur)
        n = len(t)
        env = (1 - np.exp(-t / 0.006)) * np.exp(-t / (0.045 + 0.02 * k))
        noise = shaped_noise(n, rng, band_shape(n, RATE, 250.0, 3500.0, tilt=1.0))
        f0 = 180.0 - 40.0 * t / dur
        voice = np.sign(np.sin(2 * math.pi * np.cumsum(f0) / RATE)) * 0.25
        burst = (noise + voice) * env * (1.0 - 0.2 * k)
        i = int(at * RATE)
        out[i : i + n] += burst[: len(out) - i]
        at += dur + float(rng.uniform(0.08, 0.16))
    return normalise(fade(out), 0.8)


@functools.lru_cache(maxsize=1)
def ringtone(seconds: float = 3.6) -> np.ndarray:
    """A phone's marimba-like ringtone: a four-note figure, twice a second."""
    t = _t(seconds)
    out = np.zeros_like(t)
    notes = (1318.5, 1568.0, 1975.5, 1568.0)  # E6 G6 B6 G6
    step = 0.125
    for k in range(int(seconds / step)):
        if (k // 4) % 2 == 1:  # a figure, then a rest as long
            continue
        f = notes[k % 4]
        i0 = int(k * step * RATE)
        tt = t[: int(0.2 * RATE)]
        tone = np.sin(2 * math.pi * f * tt) + 0.3 * np.sin(2 * math.pi * 4 * f * tt)
        env = np.exp(-tt / 0.05) * (1 - np.exp(-tt / 0.002))
        seg = tone * env
        out[i0 : i0 + len(seg)] += seg[: len(out) - i0]
    return normalise(fade(out), 0.6)


@functools.lru_cache(maxsize=2)
def applause(seed: int, seconds: float = 5.0, clappers: int = 40) -> np.ndarray:
    """Many people clapping: each a train of short band-passed bursts at
    their own rate, swelling in and dying away."""
    rng = np.random.default_rng(seed + 3)
    n = int(seconds * RATE)
    out = np.zeros(n)
    clap_n = int(0.02 * RATE)
    tt = np.arange(clap_n) / RATE
    env = np.exp(-tt / 0.004)
    bank = [
        shaped_noise(clap_n, rng, band_shape(clap_n, RATE, lo, lo * 3.5)) * env
        for lo in (600.0, 900.0, 1300.0, 1800.0)
    ]
    for c in range(clappers):
        rate = float(rng.uniform(3.0, 4.5))
        start = float(rng.uniform(0.0, 0.5))
        stop = seconds - float(rng.uniform(0.3, 1.4))
        gain = float(rng.uniform(0.4, 1.0))
        at = start
        while at < stop:
            i = int(at * RATE)
            burst = bank[c % len(bank)]
            out[i : i + clap_n] += gain * burst[: n - i]
            at += (1.0 / rate) * float(rng.uniform(0.9, 1.1))
    t = np.arange(n) / RATE
    swell = np.clip(t / 0.4, 0, 1) * np.clip((seconds - t) / 1.2, 0, 1)
    return normalise(fade(out * swell), 0.7)


@functools.lru_cache(maxsize=2)
def laughter(seed: int, seconds: float = 3.6, voices: int = 9) -> np.ndarray:
    """A group laughing: voiced "ha" syllables (a buzzy glottal source through
    two vowel formants) at each laugher's own pitch and pace, overlapping."""
    rng = np.random.default_rng(seed + 4)
    n = int(seconds * RATE)
    out = np.zeros(n)
    t = np.arange(n) / RATE
    for _ in range(voices):
        f0 = float(rng.uniform(110.0, 280.0))
        pace = float(rng.uniform(4.0, 6.0))
        start = float(rng.uniform(0.0, 0.6))
        length = float(rng.uniform(1.2, seconds - start))
        phase = np.cumsum(f0 * (1.0 + 0.06 * np.sin(2 * math.pi * 0.7 * t))) / RATE
        source = 2.0 * (phase % 1.0) - 1.0  # sawtooth: rich in harmonics
        spec = np.fft.rfft(source)
        freqs = np.fft.rfftfreq(n, 1.0 / RATE)
        formants = np.exp(-(((freqs - 750.0) / 160.0) ** 2)) + 0.7 * np.exp(
            -(((freqs - 1250.0) / 220.0) ** 2)
        )
        vowel = np.fft.irfft(spec * formants, n)
        syll = np.clip(np.sin(2 * math.pi * pace * (t - start)), 0.0, 1.0) ** 1.5
        aspiration = shaped_noise(n, rng, band_shape(n, RATE, 800.0, 4000.0)) * 0.15
        window = ((t >= start) & (t <= start + length)).astype(float)
        decay = np.exp(-np.clip(t - start, 0, None) / (length * 0.8))
        out += (vowel + aspiration) * syll * window * decay * float(rng.uniform(0.5, 1.0))
    return normalise(fade(out, out_s=0.3), 0.6)
