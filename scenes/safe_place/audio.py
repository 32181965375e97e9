"""The safe place's sounds, synthesised in memory with numpy.

* :func:`wind_loop`: gentle wind, shaped noise made in the frequency domain,
  so the signal is exactly periodic and loops without a seam; gusts are slow
  envelopes with a whole number of cycles per loop.
* :func:`birds_loop`: sparse, soft birdsong phrases (gliding whistles and
  trills) placed round the loop modulo its length, so none is cut at the seam.
* :func:`chime`: a soft bell (inharmonic partials, slow decay) played once.

The arrays are turned into 16-bit WAV bytes and written to a RAM-disk mount
of Panda3D's virtual file system (:func:`ram_wav`), from which the audio
manager loads them: nothing touches the real disk at run time. Everything is
made once per seed and cached.
"""

from __future__ import annotations

import functools
import io
import math
import wave

import numpy as np
from panda3d.core import Filename, VirtualFileMountRamdisk, VirtualFileSystem

RATE = 22050
"""Sample rate (Hz): plenty for wind and birds, half the memory of 44.1 kHz."""
WIND_S = 24.0
BIRDS_S = 31.0  # a different length from the wind, so the two never repeat together
PEAK = 0.7  # highest absolute sample of every clip (full scale is 1.0)
RAM_MOUNT = "/palier-safe-place"


def _normalise(x: np.ndarray, peak: float = PEAK) -> np.ndarray:
    top = float(np.max(np.abs(x)))
    out: np.ndarray = (x * (peak / top) if top > 0.0 else x).astype(np.float32)
    return out


def _periodic_envelope(
    n: int, rng: np.random.Generator, cycles: tuple[int, ...], depth: float
) -> np.ndarray:
    """1 + depth * (sum of cosines with whole cycles per loop), kept > 0."""
    t = np.arange(n) / n
    env = np.zeros(n)
    for k in cycles:
        env += rng.uniform(0.4, 1.0) * np.cos(2.0 * math.pi * (k * t + rng.random()))
    env /= max(float(np.max(np.abs(env))), 1e-9)
    out: np.ndarray = np.maximum(1.0 + depth * env, 0.05)
    return out


def _shaped_noise(n: int, rng: np.random.Generator, shape: np.ndarray) -> np.ndarray:
    """Noise with magnitude spectrum ``shape`` (len n // 2 + 1), random
    phases; the inverse FFT is circular, so the result loops perfectly."""
    phases = rng.uniform(0.0, 2.0 * math.pi, len(shape))
    spec = shape * np.exp(1j * phases)
    spec[0] = 0.0
    out: np.ndarray = np.fft.irfft(spec, n)
    return out / max(float(np.std(out)), 1e-12)


def _circular_smooth(x: np.ndarray, width: int) -> np.ndarray:
    """Moving average that wraps round (keeps a loop seamless)."""
    kernel = np.zeros(len(x))
    kernel[:width] = 1.0 / width
    kernel = np.roll(kernel, -width // 2)
    out: np.ndarray = np.fft.irfft(np.fft.rfft(x) * np.fft.rfft(kernel), len(x))
    return out


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
    rush = _shaped_noise(n, rng, rush_shape)
    rustle = _shaped_noise(n, rng, rustle_shape)
    gust = _periodic_envelope(n, rng, (1, 2, 3, 5), depth=0.55)
    # Rustle flutters: a random envelope smoothed over ~80 ms, circularly.
    flutter = _circular_smooth(np.abs(rng.standard_normal(n)), int(0.08 * rate))
    flutter /= float(np.mean(flutter))
    signal = rush * gust + 0.18 * rustle * gust**2 * flutter
    return _normalise(signal)


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
    return _normalise(out + echo, peak=PEAK * 0.8)


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
    return _normalise(out, peak=PEAK * 0.7)


def wav_bytes(samples: np.ndarray, rate: int = RATE) -> bytes:
    """Mono 16-bit PCM WAV of ``samples`` (floats in -1..1)."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


_mounted = False


def ram_wav(name: str, samples: np.ndarray, rate: int = RATE) -> str:
    """Write ``samples`` as ``name`` on a RAM disk of Panda3D's virtual file
    system (mounted once per process) and return its VFS path. Existing
    files are reused: the caller caches the samples by seed, so a name
    always holds the same sound."""
    global _mounted
    vfs = VirtualFileSystem.getGlobalPtr()
    if not _mounted:
        if not vfs.mount(VirtualFileMountRamdisk(), RAM_MOUNT, 0):
            raise OSError(f"could not mount a RAM disk at {RAM_MOUNT} for the safe place's sounds")
        _mounted = True
    path = f"{RAM_MOUNT}/{name}"
    if not vfs.exists(Filename(path)) and not vfs.writeFile(
        Filename(path), wav_bytes(samples, rate), False
    ):
        raise OSError(f"could not write {path} to the RAM disk")
    return path
