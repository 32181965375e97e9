"""The flying scene, rendered for real offscreen (EGL / llvmpipe).

One engine for the module; ``load_scene`` between tests; small pictures
(320x180) and few frames, so the file runs in about a minute on two cores.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from panda3d.core import LMatrix4f, MovieAudio

from palier.engine.app import Engine
from palier.engine.shots import aim_head
from palier.scenes import registry
from palier.scenes.flying import sounds
from palier.scenes.flying.declaration import ANNOUNCEMENTS, DECLARATION, PHASES
from palier.scenes.flying.scene import (
    FlyingScene,
    blend,
    drop_offset,
    phase_state,
    shake_offsets,
)
from palier.scenes.flying.speech import LINES
from palier.scenes.sound import RATE

SIZE = (320, 180)
DT = 1.0 / 30.0
LEAST = DECLARATION.least_intense()
MOST = DECLARATION.most_intense()

pytestmark = pytest.mark.offscreen_engine(scene="flying", size=SIZE)


def load(engine: Engine, **values: object) -> FlyingScene:
    scene = engine.load_scene("flying", values)
    assert isinstance(scene, FlyingScene)
    return scene


def aimed_frame(engine: Engine) -> np.ndarray:
    assert engine.scene is not None
    aim_head(engine, engine.scene.focus_point())
    engine.render_frame()
    return engine.capture().astype(np.int16)


def steps(engine: Engine, seconds: float) -> None:
    for _ in range(max(1, round(seconds / DT))):
        engine.simulate(DT)


def mat(m: LMatrix4f) -> np.ndarray:
    return np.array([[m.getCell(i, j) for j in range(4)] for i in range(4)])


# -- declaration ------------------------------------------------------------------------
def test_declaration_is_registered_graded_and_translated() -> None:
    assert registry.declaration("flying") is DECLARATION
    assert DECLARATION.param("phase").choice_values == PHASES
    assert PHASES[0] == "gate" and PHASES[-1] == "takeoff"
    assert LEAST == {
        "phase": "gate",
        "turbulence": 0.0,
        "weather": "clear",
        "seat": "aisle",
        "noise": 0.0,
        "occupancy": 0.0,
    }
    data = DECLARATION.to_dict()
    for item in [*data["params"], *data["events"]]:
        assert item["label"]["fr"] and item["label"]["fr"] != item["label"]["en"], item["name"]
    for param in data["params"]:
        for choice in param["choices"]:
            assert choice["label"]["fr"] != choice["label"]["en"], choice["value"]
    assert {f"announce_{a}" for a in ANNOUNCEMENTS} <= {e.name for e in DECLARATION.events}


# -- the head anchor is the patient's ------------------------------------------------------
def test_head_pose_is_unchanged_by_every_parameter_and_event(engine: Engine) -> None:
    scene = load(engine, **LEAST)
    engine.simulate(0.1)
    head = engine.head.getMat(engine.base.render)
    cabin_before = scene.shake.getMat(engine.base.render)
    scene.set_params(MOST, ramp_s=0.5)
    steps(engine, 0.6)
    for event in DECLARATION.events:
        engine.fire(event.name)
        steps(engine, 0.4)
        assert engine.head.getMat(engine.base.render) == head, event.name
    for name in ("seat", "phase", "weather"):
        scene.set_params({name: DECLARATION.param(name).least_intense}, ramp_s=0.3)
        steps(engine, 0.4)
        assert engine.head.getMat(engine.base.render) == head, name
    # ... while the scene did move the cabin round it.
    assert scene.shake.getMat(engine.base.render) != cabin_before


def test_turbulence_moves_the_cabin_and_the_view_outside_not_the_head(engine: Engine) -> None:
    def track(turbulence: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        scene = load(engine, phase="cruise", turbulence=turbulence)
        cabin, outside, head = [], [], []
        for _ in range(40):
            engine.simulate(DT)
            cabin.append(mat(scene.cabin_np.getMat(engine.base.render)))
            outside.append(mat(scene.sky.getMat(engine.base.render)))
            head.append(mat(engine.head.getMat(engine.base.render)))
        return np.array(cabin), np.array(outside), np.array(head)

    calm = track(0.0)
    rough = track(1.0)
    assert np.ptp(calm[0], axis=0).max() < 1e-6  # smooth air: the cabin is still
    cabin_motion = np.ptp(rough[0][:, 3, :3], axis=0).max()  # translation: row 3 in Panda
    assert 0.01 < cabin_motion < 0.12  # centimetres, never metres
    assert np.ptp(rough[1][:, :3, :3], axis=0).max() > 1e-3  # the sky turns with the cabin
    for head in (calm[2], rough[2]):
        assert np.ptp(head, axis=0).max() == 0.0


def test_shake_is_smooth_bounded_and_grows_with_turbulence() -> None:
    ts = np.arange(0.0, 30.0, 1.0 / 90.0)
    peaks = []
    for level in (0.0, 0.3, 0.6, 1.0):
        dz = np.array([shake_offsets(t, level)[1] for t in ts])
        roll = np.array([shake_offsets(t, level)[3] for t in ts])
        peaks.append(np.abs(dz).max())
        assert np.abs(dz).max() <= 0.04 and np.abs(roll).max() <= 2.0
        assert np.abs(np.diff(dz)).max() < 0.006  # under 0.5 m/s: no jolt between frames
    assert peaks[0] == 0.0 and peaks == sorted(peaks)


def test_drop_is_brief_small_and_comes_back() -> None:
    ps = np.linspace(0.0, 1.0, 200)
    z = np.array([drop_offset(p) for p in ps])
    assert z[0] == 0.0 and abs(z[-1]) < 1e-9
    assert -0.08 < z.min() < -0.05  # centimetres, not a plunge
    assert np.abs(np.diff(z)).max() < 0.01


# -- the flight ------------------------------------------------------------------------------
def test_takeoff_rolls_rotates_lifts_off_and_climbs() -> None:
    s = [phase_state("takeoff", t) for t in np.arange(0.0, 120.0, 0.5)]
    speed = [x.speed for x in s]
    alt = [x.alt for x in s]
    assert speed == sorted(speed) and speed[-1] >= 75.0
    assert alt[:60] == [0.0] * 60  # rolling for the first 30 s
    assert alt == sorted(alt) and alt[-1] > 1000.0
    assert max(x.pitch for x in s) > 12.0  # nose up on the climb
    assert s[0].thrust < s[20].thrust  # spooling up


def test_landing_touches_down_then_brakes_to_taxi_speed() -> None:
    s = [phase_state("landing", t) for t in np.arange(0.0, 80.0, 0.5)]
    alt = [x.alt for x in s]
    assert alt == sorted(alt, reverse=True) and alt[0] > 100.0 and alt[-1] == 0.0
    touchdown = next(i for i, a in enumerate(alt) if a == 0.0)
    assert s[touchdown - 2].ground == 0.0 and s[touchdown].ground == 1.0
    assert s[-1].speed < 10.0 < s[touchdown].speed
    assert max(x.thrust for x in s[touchdown:]) > 0.8  # reverse thrust


@pytest.mark.parametrize(("a", "b"), [("gate", "takeoff"), ("cruise", "landing")])
def test_phase_blend_is_continuous(a: str, b: str) -> None:
    sa, sb = phase_state(a, 5.0), phase_state(b, 0.0)
    ps = np.linspace(0.0, 1.0, 301)
    states = [blend(sa, sb, float(p)) for p in ps]
    assert states[0] == sa and states[-1] == sb
    for field in range(len(sa)):
        values = np.array([s[field] for s in states])
        span = max(abs(sa[field] - sb[field]), 1e-9)
        assert np.abs(np.diff(values)).max() <= span * 0.05, sa._fields[field]


def test_a_phase_change_moves_the_view_outside_continuously(engine: Engine) -> None:
    scene = load(engine, phase="gate")
    engine.simulate(0.2)
    scene.set_params({"phase": "cruise"}, ramp_s=2.0)
    alts, pitches = [], []
    for _ in range(round(2.4 / DT)):
        engine.simulate(DT)
        alts.append(scene.flight().alt)
        pitches.append(scene.outside.getP())
    assert alts[-1] == pytest.approx(10500.0)
    log_alt = np.log1p(np.array(alts) / 10.0)
    assert np.abs(np.diff(log_alt)).max() < 0.25  # no jump: the ground falls away
    # The aircraft's attitude tilts the world outside, relative to the cabin.
    assert pitches[-1] == pytest.approx(-2.5, abs=0.01)
    assert tuple(scene.cabin_np.getHpr(scene.root)) == pytest.approx((0.0, 0.0, 0.0))


def test_window_seat_puts_the_window_beside_the_head(engine: Engine) -> None:
    scene = load(engine, seat="aisle")
    engine.simulate(0.1)
    assert scene.cabin_np.getX(scene.root) == pytest.approx(0.50)
    scene = load(engine, seat="window")
    engine.simulate(0.1)
    assert scene.cabin_np.getX(scene.root) == pytest.approx(1.48)
    assert scene.focus_point()[0] < 0.0  # a still camera looks out of the left window


# -- the picture -------------------------------------------------------------------------------
def test_least_intense_is_calm_and_the_cabin_is_lit(engine: Engine) -> None:
    scene = load(engine, **LEAST)
    engine.simulate(0.5)
    img = aimed_frame(engine)
    assert 60 < img.mean() < 200 and img.std() > 20
    assert not scene.belt_sign_on()  # boarding: the signs are off
    assert scene.cabin.glass.isHidden()  # no rain
    assert not scene.airport.isHidden()  # the terminal and other aircraft outside
    assert scene.boarder.root.isHidden() is False  # someone is boarding
    assert all(band.isHidden() for band in scene.bands)  # an empty cabin


def test_occupancy_fills_the_cabin(engine: Engine) -> None:
    shown = []
    for occ in (0.0, 30.0, 60.0, 100.0):
        scene = load(engine, occupancy=occ)
        engine.simulate(0.1)
        bands = sum(not b.isHidden() for b in scene.bands)
        near = sum(not p.root.isHidden() for p, _ in scene.near)
        shown.append(bands + near)
    assert shown == sorted(shown) and shown[0] == 0 and shown[-1] == len(scene.bands) + 2


def test_storm_darkens_the_sky_and_rains_on_the_windows(engine: Engine) -> None:
    means = {}
    for weather in ("clear", "storm"):
        scene = load(engine, phase="cruise", seat="window", weather=weather)
        engine.simulate(0.5)
        means[weather] = aimed_frame(engine).mean()
        assert scene.cabin.glass.isHidden() is (weather == "clear")
    assert means["storm"] < means["clear"] - 10


def test_chime_toggles_and_blinks_the_seat_belt_signs(engine: Engine) -> None:
    scene = load(engine, phase="gate")
    engine.simulate(0.2)
    assert not scene.belt_sign_on()
    off = scene.cabin.signs.getColorScale()
    engine.fire("chime")
    seen = set()
    for _ in range(round(1.5 / DT)):
        engine.simulate(DT)
        seen.add(round(scene.cabin.signs.getColorScale()[0], 2))
    assert scene.belt_sign_on()
    assert len(seen) == 2  # blinking
    steps(engine, 1.0)
    assert scene.cabin.signs.getColorScale()[0] > off[0]


def test_announcement_turns_the_belt_signs_on_and_brightens_the_cabin(engine: Engine) -> None:
    scene = load(engine, phase="cruise")
    engine.simulate(0.2)
    assert not scene.belt_sign_on()
    before = scene.ambient.node().getColor()[0]
    engine.fire("announce_turbulence")
    steps(engine, 3.0)
    assert scene.belt_sign_on()
    assert scene.ambient.node().getColor()[0] > before * 1.2
    steps(engine, DECLARATION.event("announce_turbulence").duration_s)
    assert scene.ambient.node().getColor()[0] == pytest.approx(before, abs=1e-3)


def test_drop_gear_and_thrust_shake_the_cabin_then_settle(engine: Engine) -> None:
    for event in ("drop", "gear", "thrust"):
        scene = load(engine, phase="cruise")
        engine.simulate(0.2)
        rest = scene.shake.getZ()
        engine.fire(event)
        zs = []
        for _ in range(round(DECLARATION.event(event).duration_s / DT)):
            engine.simulate(DT)
            zs.append(scene.shake.getZ() - rest)
        assert np.abs(zs).max() > 0.002, event
        steps(engine, 0.5)
        assert scene.shake.getZ() == pytest.approx(rest, abs=1e-6), event


def test_lightning_lights_up_the_cabin(engine: Engine) -> None:
    load(engine, phase="cruise", seat="window", weather="cloud")
    engine.simulate(0.3)
    before = aimed_frame(engine).mean()
    engine.fire("lightning")
    engine.simulate(DT)
    assert aimed_frame(engine).mean() > before + 15


# -- sound --------------------------------------------------------------------------------------
LOOPS = (
    sounds.engine_roar,
    sounds.engine_whine,
    sounds.air_hiss,
    sounds.wheel_rumble,
    sounds.rattle,
)


@pytest.mark.parametrize("make", LOOPS, ids=lambda f: f.__name__)
def test_cabin_loops_are_seamless_and_unclipped(make: object) -> None:
    assert callable(make)
    x = make(1234)
    assert x.dtype == np.float32 and np.abs(x).max() < 1.0
    assert float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) > 0.02
    seam = abs(float(x[0]) - float(x[-1]))
    assert seam <= np.percentile(np.abs(np.diff(x)), 99.9), "a click where the loop wraps"


def _power_below(x: np.ndarray, hz: float) -> float:
    power = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(len(x), 1.0 / RATE)
    return float(power[f < hz].sum() / power.sum())


def test_engine_roar_is_low_and_the_rumble_lower() -> None:
    assert _power_below(sounds.engine_roar(1234), 500.0) > 0.7
    assert _power_below(sounds.wheel_rumble(1234), 250.0) > 0.85


def test_chime_is_two_tones_high_then_low() -> None:
    x = sounds.chime().astype(np.float64)
    assert abs(x[0]) < 1e-3 and abs(x[-1]) < 1e-3

    def pitch(a: float, b: float) -> float:
        seg = x[int(a * RATE) : int(b * RATE)]
        spec = np.abs(np.fft.rfft(seg * np.hanning(len(seg))))
        return float(np.fft.rfftfreq(len(seg), 1.0 / RATE)[int(np.argmax(spec))])

    assert pitch(0.05, 0.5) == pytest.approx(659.25, abs=10)
    assert pitch(1.2, 2.0) == pytest.approx(523.25, abs=10)


@pytest.mark.parametrize(
    "make", [sounds.gear_thump, sounds.thunder, sounds.clatter], ids=lambda f: f.__name__
)
def test_one_shots_start_and_end_in_silence(make: object) -> None:
    assert callable(make)
    x = make(1234)
    assert abs(float(x[0])) < 0.01 and abs(float(x[-1])) < 1e-3


def test_announcements_are_shipped_in_both_languages_and_fit_their_events() -> None:
    total = 0
    for name in ANNOUNCEMENTS:
        event = DECLARATION.event(f"announce_{name}")
        for lang in ("en", "fr"):
            path = LINES.recording(name, lang)
            assert path.is_file(), f"{path} missing: run python -m tools.speech flying"
            total += path.stat().st_size
            cursor = MovieAudio.get(str(path)).open()
            assert cursor is not None, f"Panda3D cannot read {path}"
            assert 5.0 < cursor.length() <= event.duration_s - 1.8, (name, lang)
        assert LINES.text(name, "fr") != LINES.text(name, "en")
    assert total < 1_000_000
    assert LINES.stale() == []  # every recording says today's text
    assert LINES.recording("welcome", "de") == LINES.recording("welcome", "en")


def test_scene_sounds_are_registered_for_teardown(engine: Engine) -> None:
    scene = load(engine)
    if engine.base.sfxManagerList and scene.loops:
        assert len(scene._sounds) >= len(scene.loops) + len(scene.shots)
    # Offscreen, with or without an audio device, the scene runs and is silent-safe.
    steps(engine, 0.2)
    assert math.isfinite(scene.flight().alt)
