"""Scene sound, shared by every scene: synthesis helpers, in-memory WAVs and
positional placement.

Scenes make their sounds with numpy at build time (no files to license or
ship), turn them into WAVs on a RAM disk of Panda3D's virtual file system
(:func:`ram_wav`) and load them with the scene's audio manager. Nothing
touches the real disk or synthesises on a frame.

Positional sound. The listener stays at the origin of the audio manager's
space, facing +Y with +Z up (OpenAL's default, as Panda3D maps it), and a
positional sound is placed each frame at its position *relative to the head
anchor* (:func:`place`). Sounds never placed sit at the origin, that is in the
patient's head: ambient beds stay centred whatever the head does, and the
engine needs no listener bookkeeping. Positional clips must be mono (every
clip made here is).
"""

from __future__ import annotations

import io
import math
import wave

import numpy as np
from panda3d.core import (
    AudioSound,
    Filename,
    NodePath,
    VirtualFileMountRamdisk,
    VirtualFileSystem,
)

RATE = 22050
"""Sample rate (Hz) of every synthesised clip: plenty for ambient sound and
cues, half the memory of 44.1 kHz."""
PEAK = 0.7
"""Default highest absolute sample of a clip (full scale is 1.0)."""
RAM_MOUNT = "/palier-sounds"


def normalise(x: np.ndarray, peak: float = PEAK) -> np.ndarray:
    """``x`` scaled so its largest absolute sample is ``peak``, as float32."""
    top = float(np.max(np.abs(x))) if len(x) else 0.0
    out: np.ndarray = (x * (peak / top) if top > 0.0 else x).astype(np.float32)
    return out


def periodic_envelope(
    n: int, rng: np.random.Generator, cycles: tuple[int, ...], depth: float
) -> np.ndarray:
    """1 + depth * (sum of cosines with whole cycles per loop), kept > 0:
    a slow swell that loops without a seam."""
    t = np.arange(n) / n
    env = np.zeros(n)
    for k in cycles:
        env += rng.uniform(0.4, 1.0) * np.cos(2.0 * math.pi * (k * t + rng.random()))
    env /= max(float(np.max(np.abs(env))), 1e-9)
    out: np.ndarray = np.maximum(1.0 + depth * env, 0.05)
    return out


def shaped_noise(n: int, rng: np.random.Generator, shape: np.ndarray) -> np.ndarray:
    """Noise with magnitude spectrum ``shape`` (len n // 2 + 1), random
    phases; the inverse FFT is circular, so the result loops perfectly."""
    phases = rng.uniform(0.0, 2.0 * math.pi, len(shape))
    spec = shape * np.exp(1j * phases)
    spec[0] = 0.0
    out: np.ndarray = np.fft.irfft(spec, n)
    return out / max(float(np.std(out)), 1e-12)


def band_shape(n: int, rate: int, low_hz: float, high_hz: float, tilt: float = 1.0) -> np.ndarray:
    """A magnitude spectrum for :func:`shaped_noise`: a soft band from
    ``low_hz`` to ``high_hz`` falling as 1/f**``tilt`` (1 is pink noise)."""
    f = np.fft.rfftfreq(n, 1.0 / rate)
    f[0] = 1.0
    shape = f**-tilt
    shape *= 1.0 / (1.0 + (low_hz / f) ** 4)  # gentle high-pass
    shape *= 1.0 / (1.0 + (f / high_hz) ** 4)  # gentle low-pass
    out: np.ndarray = shape
    return out


def circular_smooth(x: np.ndarray, width: int) -> np.ndarray:
    """Moving average that wraps round (keeps a loop seamless)."""
    kernel = np.zeros(len(x))
    kernel[:width] = 1.0 / width
    kernel = np.roll(kernel, -width // 2)
    out: np.ndarray = np.fft.irfft(np.fft.rfft(x) * np.fft.rfft(kernel), len(x))
    return out


def fade(x: np.ndarray, rate: int = RATE, in_s: float = 0.01, out_s: float = 0.05) -> np.ndarray:
    """``x`` with linear fades at both ends, so a one-shot clip neither
    clicks when it starts nor when it ends."""
    n = len(x)
    env = np.ones(n)
    a, b = max(1, int(in_s * rate)), max(1, int(out_s * rate))
    env[: min(a, n)] = np.linspace(0.0, 1.0, min(a, n))
    env[n - min(b, n) :] = np.minimum(env[n - min(b, n) :], np.linspace(1.0, 0.0, min(b, n)))
    out: np.ndarray = x * env
    return out


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
    files are reused: callers name a clip after everything it is made from
    (scene, seed), so a name always holds the same sound."""
    global _mounted
    vfs = VirtualFileSystem.getGlobalPtr()
    if not _mounted:
        if not vfs.mount(VirtualFileMountRamdisk(), RAM_MOUNT, 0):
            raise OSError(f"could not mount a RAM disk at {RAM_MOUNT} for scene sounds")
        _mounted = True
    path = f"{RAM_MOUNT}/{name}"
    if not vfs.exists(Filename(path)) and not vfs.writeFile(
        Filename(path), wav_bytes(samples, rate), False
    ):
        raise OSError(f"could not write {path} to the RAM disk")
    return path


def head_relative(point: NodePath, head: NodePath) -> tuple[float, float, float]:
    """``point``'s position in the head anchor's frame (x right, y ahead, z up)."""
    p = point.getPos(head)
    return float(p.x), float(p.y), float(p.z)


def place(sound: AudioSound, point: NodePath, head: NodePath, min_distance: float = 1.0) -> None:
    """Put a positional ``sound`` where ``point`` is, as the patient's head
    hears it now; call it every frame the sound plays (the head moves).
    ``min_distance`` is where the sound is at its recorded loudness; OpenAL
    halves it with each doubling of the distance beyond."""
    x, y, z = head_relative(point, head)
    sound.set3dMinDistance(min_distance)
    sound.set3dAttributes(x, y, z, 0.0, 0.0, 0.0)
