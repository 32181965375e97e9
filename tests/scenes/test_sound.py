"""The shared scene-sound helpers: in-memory WAVs, synthesis and placement."""

from __future__ import annotations

import os

import numpy as np
import pytest
from panda3d.core import Filename, MovieAudio, NodePath

from palier.scenes import sound


def test_sound_goes_through_a_ram_disk_not_the_real_disk() -> None:
    path = sound.ram_wav("test-tone.wav", np.sin(np.arange(sound.RATE) * 0.05) * 0.5)
    assert not os.path.exists(path)
    cursor = MovieAudio.get(Filename(path)).open()
    assert cursor is not None
    assert cursor.audioRate() == sound.RATE and cursor.audioChannels() == 1
    assert cursor.length() == pytest.approx(1.0, abs=0.01)
    # Asking again reuses the file (no growth of the RAM disk on every build).
    assert sound.ram_wav("test-tone.wav", np.zeros(10)) == path
    assert MovieAudio.get(Filename(path)).open().length() == pytest.approx(1.0, abs=0.01)


def test_fade_removes_clicks_at_both_ends() -> None:
    x = sound.fade(np.ones(sound.RATE), in_s=0.01, out_s=0.1)
    assert x[0] == 0.0 and x[-1] == 0.0
    assert x[sound.RATE // 2] == 1.0
    assert np.all(np.abs(np.diff(x)) < 0.01)


def test_band_shape_keeps_the_band_and_cuts_the_rest() -> None:
    rng = np.random.default_rng(1)
    n = sound.RATE * 2
    x = sound.shaped_noise(n, rng, sound.band_shape(n, sound.RATE, 200.0, 800.0))
    power = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(n, 1.0 / sound.RATE)
    in_band = power[(f > 150) & (f < 1100)].sum()
    assert in_band / power.sum() > 0.8


def test_normalise_sets_the_peak_and_survives_silence() -> None:
    assert float(np.max(np.abs(sound.normalise(np.array([0.1, -0.4]), 0.5)))) == pytest.approx(0.5)
    assert not np.any(sound.normalise(np.zeros(4)))


class _Recorder:
    """Stands in for an AudioSound: records what :func:`sound.place` sets."""

    def __init__(self) -> None:
        self.pos: tuple[float, ...] = ()
        self.min_distance = 0.0

    def set3dMinDistance(self, d: float) -> None:
        self.min_distance = d

    def set3dAttributes(self, *values: float) -> None:
        self.pos = values[:3]


def test_a_sound_is_placed_where_the_head_hears_it() -> None:
    world = NodePath("world")
    head = world.attachNewNode("head")
    head.setPos(1.0, 2.0, 1.2)
    head.setH(90.0)  # turned left: +Y of the head is the world's -X
    source = world.attachNewNode("horn")
    source.setPos(-4.0, 2.0, 1.2)  # 5 m to the world's -X: straight ahead of the head
    rec = _Recorder()
    sound.place(rec, source, head, min_distance=2.0)
    assert rec.pos == pytest.approx((0.0, 5.0, 0.0), abs=1e-5)
    assert rec.min_distance == 2.0
    head.setH(0.0)  # facing +Y again: the horn is now on the left
    sound.place(rec, source, head)
    assert rec.pos == pytest.approx((-5.0, 0.0, 0.0), abs=1e-5)
