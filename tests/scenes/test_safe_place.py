"""The safe place, rendered for real offscreen (EGL / llvmpipe).

One engine for the module; ``load_scene`` between tests. The scene keeps its
own clock from its build, so two loads simulated for the same time draw the
same picture: the event test compares with and without the chime exactly.
"""

from __future__ import annotations

import gc
import tracemalloc

import numpy as np
import pytest

from palier.engine.app import Engine
from palier.engine.shots import aim_head
from palier.scenes import registry
from palier.scenes.api import ParamKind, SceneDecl
from palier.scenes.safe_place import audio
from palier.scenes.safe_place.declaration import DECLARATION, INHALE_FRACTION, LIGHTS
from palier.scenes.safe_place.scene import LIGHTING, ORB_MAX, ORB_MIN, SafePlaceScene, breath_level

SIZE = (320, 180)
DT = 1.0 / 90.0


pytestmark = pytest.mark.offscreen_engine(scene="safe_place", size=SIZE)


def load(engine: Engine, **values: object) -> SafePlaceScene:
    scene = engine.load_scene("safe_place", values)
    assert isinstance(scene, SafePlaceScene)
    return scene


def aimed_frame(engine: Engine) -> np.ndarray:
    assert engine.scene is not None
    aim_head(engine, engine.scene.focus_point())
    engine.render_frame()
    return engine.capture().astype(np.int16)


# -- declaration -----------------------------------------------------------------------
def test_declaration_is_registered_and_sane() -> None:
    decl: SceneDecl = registry.declaration("safe_place")
    assert decl is DECLARATION
    assert registry.scene_class("safe_place") is SafePlaceScene
    # The engine's pause builds the safe place with this exact value.
    assert decl.validate_values({"breathing_guide": True}) == {"breathing_guide": True}
    assert decl.param("breathing_guide").kind is ParamKind.BOOL
    bpm = decl.param("breaths_per_minute")
    assert bpm.minimum == 4.0 and bpm.maximum == 10.0 and bpm.default == 6.0
    assert decl.param("light").choice_values == LIGHTS
    assert set(LIGHTING) == set(LIGHTS)
    assert [e.name for e in decl.events] == ["chime"]
    for p in decl.params:
        assert p.label.get("en") and p.label.get("fr") and p.help is not None and p.help.get("fr")
    # A relaxation scene: no parameter has an intensity direction.
    assert {p.intensifies for p in decl.params} == {"none"} and not decl.has_direction
    assert decl.least_intense() == decl.most_intense() == decl.defaults()
    assert all(p.intensity(p.default) == 0.0 for p in decl.params)
    assert SceneDecl.from_dict(decl.to_dict()).to_dict() == decl.to_dict()


def test_breath_curve_rises_for_forty_percent_then_falls() -> None:
    phases = np.linspace(0.0, 2.0, 2001)
    levels = np.array([breath_level(float(p)) for p in phases])
    assert levels.min() >= 0.0 and levels.max() <= 1.0
    assert breath_level(0.0) == pytest.approx(0.0)
    assert breath_level(INHALE_FRACTION) == pytest.approx(1.0)
    assert breath_level(1.0) == pytest.approx(0.0, abs=1e-9)
    assert np.abs(np.diff(levels)).max() < 0.01  # smooth, including the turn-arounds
    rising = np.diff(levels[:1000]) > 0
    assert rising[: int(1000 * INHALE_FRACTION) - 2].all()
    assert not rising[int(1000 * INHALE_FRACTION) + 2 :].any()


# -- rendering ---------------------------------------------------------------------------
def test_builds_and_looks_like_a_meadow_under_a_sky(engine: Engine) -> None:
    load(engine, light="afternoon")
    engine.simulate(0.5)
    img = aimed_frame(engine)
    assert img.std() > 20
    top = img[: SIZE[1] // 5].reshape(-1, 3).mean(axis=0)
    bottom = img[-SIZE[1] // 4 :].reshape(-1, 3).mean(axis=0)
    assert top[2] > top[0], f"sky should be blue at the top, got {top}"
    assert bottom[1] > bottom[0] and bottom[1] > bottom[2], f"grass should be green, got {bottom}"


def _guide_samples(engine: Engine, bpm: float, seconds: float) -> tuple[np.ndarray, np.ndarray]:
    scene = load(engine, breaths_per_minute=bpm, breathing_guide=True)
    times, scales = [], []
    t0 = engine.time
    while engine.time - t0 < seconds:
        engine.simulate(4 * DT)
        times.append(engine.time - t0)
        scales.append(scene.core.getScale().x)
    return np.array(times), np.array(scales)


@pytest.mark.parametrize("bpm", [6.0, 10.0])
def test_guide_pulses_at_the_declared_pace(engine: Engine, bpm: float) -> None:
    period = 60.0 / bpm
    times, scales = _guide_samples(engine, bpm, 3.2 * period)
    assert scales.min() == pytest.approx(2 * ORB_MIN, rel=0.02)
    assert scales.max() == pytest.approx(2 * ORB_MAX, rel=0.02)
    peaks = [
        times[i]
        for i in range(1, len(scales) - 1)
        if scales[i] >= scales[i - 1] and scales[i] > scales[i + 1]
    ]
    troughs = [
        times[i]
        for i in range(1, len(scales) - 1)
        if scales[i] <= scales[i - 1] and scales[i] < scales[i + 1]
    ]
    assert len(peaks) == 3
    assert np.diff(peaks).mean() == pytest.approx(period, abs=0.1)
    # Breathing in (trough to peak) takes 40 % of each breath.
    assert peaks[0] == pytest.approx(INHALE_FRACTION * period, abs=0.1)
    assert peaks[1] - troughs[0] == pytest.approx(INHALE_FRACTION * period, abs=0.1)


def test_a_pace_change_never_makes_the_guide_jump(engine: Engine) -> None:
    scene = load(engine, breaths_per_minute=4.0)
    engine.simulate(3.0)
    scene.set_params({"breaths_per_minute": 10.0}, ramp_s=4.0)
    last = scene.core.getScale().x
    biggest = 0.0
    for _ in range(round(8.0 / DT)):
        engine.simulate(DT)
        now = scene.core.getScale().x
        biggest = max(biggest, abs(now - last))
        last = now
    # At 10 a minute the steepest slope is pi/2 * range / 2.4 s per second.
    assert biggest < 2.0 * (ORB_MAX - ORB_MIN) * 2 * 1.6 / 2.4 * DT


def test_guide_off_hides_the_orb_and_changes_the_picture(engine: Engine) -> None:
    scene = load(engine, breathing_guide=True)
    engine.simulate(2.0)  # near the top of a breath: the orb is at its largest
    with_guide = aimed_frame(engine)
    assert not scene.core.isHidden()
    scene = load(engine, breathing_guide=False)
    engine.simulate(2.0)
    without = aimed_frame(engine)
    assert scene.core.isHidden() and scene.halo.isHidden()
    diff = np.abs(with_guide - without).mean(axis=2)
    assert (diff > 24).mean() > 0.005
    # ...and only round the orb, in front of the patient, below the middle.
    ys, xs = np.nonzero(diff > 24)
    assert abs(xs.mean() - SIZE[0] / 2) < SIZE[0] * 0.1
    assert ys.mean() > SIZE[1] / 2


def test_the_ends_of_the_ranges_differ(engine: Engine) -> None:
    lows, highs = DECLARATION.range_ends()
    load(engine, **lows)
    engine.simulate(1.0)
    low = aimed_frame(engine)
    load(engine, **highs)
    engine.simulate(1.0)
    high = aimed_frame(engine)
    assert (np.abs(low - high).mean(axis=2) > 24).mean() > 0.2
    assert high.mean() > low.mean() + 20, "morning must be brighter than sunset"


def test_time_of_day_cross_fades(engine: Engine) -> None:
    scene = load(engine, light="sunset")
    start = scene._vec3["u_sun_col"][0]
    s0 = (start[0], start[1], start[2])
    scene.set_params({"light": "morning"}, ramp_s=2.0)
    engine.simulate(1.0)
    mid = scene._vec3["u_sun_col"][0]
    engine.simulate(1.5)
    end = scene._vec3["u_sun_col"][0]
    assert np.allclose((end[0], end[1], end[2]), LIGHTING["morning"]["u_sun_col"], atol=1e-5)
    for k in range(3):
        lo, hi = sorted((s0[k], end[k]))
        assert lo - 1e-6 <= mid[k] <= hi + 1e-6
    assert not np.allclose((mid[0], mid[1], mid[2]), s0)


def test_the_chime_spreads_a_ring_of_light_then_ends(engine: Engine) -> None:
    load(engine)
    engine.simulate(1.0)
    plain = aimed_frame(engine)
    load(engine)
    engine.simulate(1.0)
    again = aimed_frame(engine)
    # Same settings, same time since the build: the very same picture.
    assert np.abs(plain - again).mean() < 0.05
    scene = load(engine)
    engine.fire("chime")
    assert "chime" in scene.active_events()
    engine.simulate(1.0)
    chimed = aimed_frame(engine)
    assert not scene.ring.isHidden()
    assert np.abs(chimed - plain).mean() > 1.0
    engine.simulate(DECLARATION.event("chime").duration_s)
    assert scene.ring.isHidden()
    assert "chime" not in scene.active_events()


def test_wind_moves_the_grass(engine: Engine) -> None:
    frames = {}
    for wind in (0.0, 1.0):
        load(engine, wind=wind, breathing_guide=False)
        engine.simulate(0.5)
        a = aimed_frame(engine)
        engine.simulate(0.5)
        frames[wind] = np.abs(aimed_frame(engine) - a).mean()
    assert frames[1.0] > 2.0 * frames[0.0]


def test_sounds_are_registered_for_teardown(engine: Engine) -> None:
    scene = load(engine)
    assert engine.base.sfxManagerList, "the offscreen backend has a (null) audio manager"
    assert scene.wind_sound is not None and scene.birds_sound is not None
    assert len(scene._sounds) == 3
    engine.load_scene("safe_place")
    assert scene._sounds == [] and scene.wind_sound is None


def test_update_does_not_keep_memory(engine: Engine) -> None:
    scene = load(engine)
    engine.simulate(0.5)
    scene.set_params({"light": "sunset", "wind": 1.0}, ramp_s=1.0)
    engine.simulate(0.1)
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for _ in range(180):
            engine.simulate(DT)
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(
        s.size_diff
        for s in after.compare_to(before, "filename")
        if "safe_place" in str(s.traceback)
    )
    assert grown < 4096, f"the safe place's per-frame update keeps {grown} bytes"


def test_rebuilding_leaks_no_nodes_or_textures(engine: Engine) -> None:
    from panda3d.core import TexturePool

    load(engine)
    engine.step()
    gc.collect()
    gsg = engine.base.win.getGsg()

    def counts() -> tuple[int, int, int, int]:
        prepared = gsg.getPreparedObjects()
        return (
            engine.base.render.countNumDescendants(),
            len(TexturePool.findAllTextures("*")),
            prepared.getNumPreparedTextures() + prepared.getNumQueuedTextures(),
            len(engine.base.taskMgr.getAllTasks()),
        )

    baseline = counts()
    for i in range(20):
        load(engine, light=LIGHTS[i % 3], breathing_guide=bool(i % 2))
        engine.step()
    gc.collect()
    engine.step()
    assert counts() == baseline


def test_pause_shows_the_safe_place_with_the_guide(engine: Engine) -> None:
    first = load(engine, breathing_guide=False)
    assert engine.pause()
    engine.simulate(0.5)  # the fade to black lasts 0.4 s; the swap happens at its end
    engine.step()
    engine.step()  # and real frames draw it
    assert isinstance(engine.scene, SafePlaceScene) and engine.scene is not first
    assert engine.scene.value("breathing_guide") is True
    assert not engine.scene.core.isHidden()
    assert engine.resume()
    engine.simulate(0.5)
    engine.step()
    assert engine.scene is first and not engine.paused


# -- sound -------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [audio.wind_loop, audio.birds_loop])
def test_ambient_loops_are_seamless_and_unclipped(make: object) -> None:
    assert callable(make)
    x = make(1234)
    assert x.dtype == np.float32
    assert np.abs(x).max() <= audio.PEAK + 1e-6 < 1.0
    assert 0.02 < float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) < 0.4
    steps = np.abs(np.diff(x))
    seam = abs(float(x[0]) - float(x[-1]))
    assert seam <= np.percentile(steps, 99.9), "a click where the loop wraps round"
    # No jump in loudness across the seam either (0.5 s either side).
    half = audio.RATE // 2
    rms_end = float(np.sqrt(np.mean(x[-half:].astype(np.float64) ** 2)))
    rms_start = float(np.sqrt(np.mean(x[:half].astype(np.float64) ** 2)))
    if make is audio.wind_loop:
        assert 0.5 < rms_end / rms_start < 2.0


def test_wind_is_mostly_low_and_birds_are_high() -> None:
    def power_below(x: np.ndarray, hz: float) -> float:
        power = np.abs(np.fft.rfft(x)) ** 2
        f = np.fft.rfftfreq(len(x), 1.0 / audio.RATE)
        return float(power[f < hz].sum() / power.sum())

    assert power_below(audio.wind_loop(1234), 1000.0) > 0.8  # a soft rush, no hiss
    assert power_below(audio.birds_loop(1234), 1500.0) < 0.05  # whistles only
    assert power_below(audio.birds_loop(1234), 7000.0) > 0.95  # and never shrill


def test_chime_starts_and_ends_in_silence() -> None:
    x = audio.chime()
    assert np.abs(x).max() < 1.0
    assert abs(float(x[0])) < 1e-3 and abs(float(x[-1])) < 1e-3
    n = len(x) // 6
    assert np.abs(x[:n]).max() > 4 * np.abs(x[-n:]).max()  # it decays
