"""The enclosed spaces (a lift, a small windowless room), rendered for real
offscreen. One engine for the module; ``load_scene`` between tests.

The issue's two named tests: the lift's free volume at the most cramped
setting is measurably smaller than at the least (computed from the walls'
nodes, less a cylinder per person), and the "stops between floors" event
never moves the patient's head anchor (the cabin around it jolts).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from panda3d.core import Datagram, Filename, VorbisAudio

from palier.engine.app import Engine
from palier.engine.shots import aim_head
from palier.scenes import registry
from palier.scenes.api import EventSpec, ParamSpec, SceneDecl
from palier.scenes.enclosed import sounds
from palier.scenes.enclosed.declaration import DECLARATION, EVENTS, LIGHTS, PLACES
from palier.scenes.enclosed.places import FLOOR_H, LIFT_CRAMPED, LIFT_ROOMY, dims
from palier.scenes.enclosed.scene import EnclosedScene, flicker_pattern
from palier.scenes.enclosed.speech import INTERCOM, LINES
from palier.scenes.sound import RATE
from palier.scenes.speech import LANGUAGES

SIZE = (320, 180)
DT = 1.0 / 30.0

pytestmark = pytest.mark.offscreen_engine(scene="enclosed", size=SIZE)

LEAST = DECLARATION.least_intense()
MOST = DECLARATION.most_intense()


def load(engine: Engine, **values: object) -> EnclosedScene:
    scene = engine.load_scene("enclosed", values)
    assert isinstance(scene, EnclosedScene)
    return scene


def run(engine: Engine, seconds: float, dt: float = DT) -> None:
    for _ in range(max(1, round(seconds / dt))):
        engine.simulate(dt)


def frame(engine: Engine, hpr: tuple[float, float, float] | None = None) -> np.ndarray:
    assert engine.scene is not None
    if hpr is None:
        aim_head(engine, engine.scene.focus_point())
    else:
        engine.head.setHpr(*hpr)
    engine.render_frame()
    return engine.capture().astype(np.int16)


# -- declaration -----------------------------------------------------------------------------
def test_declaration_is_registered_and_graded() -> None:
    decl: SceneDecl = registry.declaration("enclosed")
    assert decl is DECLARATION
    assert registry.scene_class("enclosed") is EnclosedScene
    assert decl.param("place").choice_values == PLACES == ("small_room", "lift")
    assert decl.param("lights").choice_values == LIGHTS == ("steady", "dim", "flickering")
    assert decl.param("door").choice_values == ("open", "closed")
    assert decl.param("ventilation").intensifies == "lower"  # a stopped fan is worse
    assert (decl.param("people").minimum, decl.param("people").maximum) == (0, 5)
    assert tuple(e.name for e in decl.events) == EVENTS
    assert LEAST == {
        "place": "small_room",
        "space": 0.0,
        "door": "open",
        "lights": "steady",
        "people": 0,
        "ventilation": 1.0,
        "moving": False,
    }
    assert decl.defaults() == LEAST  # a session starts at the calm end
    items: list[ParamSpec | EventSpec] = [*decl.params, *decl.events]
    for item in items:
        assert item.label.get("en") and item.label.get("fr")
        assert item.help is not None and item.help.get("fr") != item.help.get("en")
    assert SceneDecl.from_dict(decl.to_dict()).to_dict() == decl.to_dict()


# -- the named tests ----------------------------------------------------------------------
def test_free_volume_of_the_cramped_lift_is_measurably_smaller(engine: Engine) -> None:
    roomy = load(engine, place="lift", space=0.0, people=0)
    engine.step()
    v_roomy = roomy.free_volume()
    x0, x1, y0, y1, z0, z1 = roomy.lift.shells[0].inner_box()
    assert (x1 - x0, y1 - y0, z1 - z0) == pytest.approx(
        (LIFT_ROOMY.width, LIFT_ROOMY.depth, LIFT_ROOMY.height)
    )
    cramped = load(engine, place="lift", space=1.0, people=5)
    engine.step()
    assert cramped.visible_people() == 5
    v_cramped = cramped.free_volume()
    box = LIFT_CRAMPED.width * LIFT_CRAMPED.depth * LIFT_CRAMPED.height
    assert v_cramped < box - 5 * math.pi * 0.22**2 * 1.45  # five adults take their room
    assert v_roomy == pytest.approx(LIFT_ROOMY.width * LIFT_ROOMY.depth * LIFT_ROOMY.height)
    assert v_cramped < 0.25 * v_roomy, (v_roomy, v_cramped)


def test_stopping_between_floors_never_moves_the_head_anchor(engine: Engine) -> None:
    scene = load(engine, **{**MOST, "moving": True})
    run(engine, 2.0)
    head_before = engine.head.getMat(engine.base.render)
    world_z = []
    engine.fire("stops_between_floors")
    for _ in range(90):  # 3 s: the stop, the jolt and its settling
        engine.simulate(DT)
        assert engine.head.getMat(engine.base.render) == head_before
        world_z.append(scene.world.getZ())
    assert scene.stuck
    assert scene.display_text() == "--"
    assert min(world_z) < -0.02, "the cabin must jolt"
    assert abs(abs(scene.level - round(scene.level)) - 0.5) < 0.2, "stopped between floors"
    level = scene.level
    run(engine, 3.0)
    assert scene.level == level and scene.velocity == 0.0  # stuck while the event runs
    assert engine.head.getMat(engine.base.render) == head_before


# -- geometry grading -----------------------------------------------------------------------------
@pytest.mark.parametrize("place", PLACES)
def test_walls_close_in_monotonically(engine: Engine, place: str) -> None:
    scene = load(engine, place=place, space=0.0)
    volumes = []
    for space in (0.0, 0.25, 0.5, 0.75, 1.0):
        scene.set_params({"space": space}, ramp_s=0.0)
        engine.simulate(DT)
        volumes.append(scene.free_volume())
    assert all(a > b for a, b in itertools.pairwise(volumes)), volumes
    cramped = dims(place, 1.0)
    # "Walls close enough to touch": within an arm's reach (0.7 m) either side.
    assert cramped.width / 2 < 0.7


def test_walls_move_smoothly_during_a_ramp(engine: Engine) -> None:
    scene = load(engine, place="lift", space=0.0)
    engine.step()
    scene.set_params({"space": 1.0}, ramp_s=2.0)
    widths = []
    for _ in range(70):
        engine.simulate(DT)
        x0, x1, *_ = scene.lift.shells[0].inner_box()
        widths.append(x1 - x0)
    steps = np.abs(np.diff(widths))
    assert widths[-1] == pytest.approx(LIFT_CRAMPED.width)
    assert steps.max() < 0.05, "no wall jumps in one frame"


def test_people_stand_inside_the_walls_and_clear_of_the_patient(engine: Engine) -> None:
    for place in PLACES:
        scene = load(engine, place=place, space=1.0, people=5)
        engine.step()
        d = scene.dims
        for person in scene.people:
            p = person.root.getPos(scene.world)
            assert d.back + 0.1 < p.y < d.front - 0.1 and abs(p.x) < d.width / 2 - 0.15
            assert math.hypot(p.x, p.y) > 0.3, "nobody stands in the patient's place"


# -- travel, doors, display -----------------------------------------------------------------------
def test_the_lift_travels_counts_floors_and_stops_at_one(engine: Engine) -> None:
    scene = load(engine, place="lift", door="open")
    engine.step()
    assert scene.door_opening() == 1.0 and scene.display_text() == "0"
    scene.set_params({"moving": True}, ramp_s=0.0)
    run(engine, 1.5)
    assert scene.door_opening() < 0.5 and scene.level == 0.0  # the doors close first
    shown = set()
    for _ in range(12):
        run(engine, 1.0)
        shown.add(scene.display_text())
    assert scene.level > 1.5 and {"0", "1", "2"} <= shown
    assert scene.lift.display.up.isHidden() is False
    scene.set_params({"moving": False}, ramp_s=0.0)
    run(engine, 8.0)
    assert scene.at_floor() and scene.level == round(scene.level)
    assert scene.door_opening() == 1.0  # and the doors open again
    # Travel moves what is outside (never the head).
    assert scene.lift.shaft.root.getZ() == pytest.approx(0.0, abs=1e-6)


def test_doors_open_onto_the_shaft_wall_between_floors(engine: Engine) -> None:
    scene = load(engine, place="lift", space=1.0, door="closed")
    run(engine, 0.5)
    before = frame(engine, (0, 0, 0))
    engine.fire("doors_open_onto_wall")
    run(engine, 6.0)
    assert scene.stuck and scene.door_opening() > 0.9
    frac = scene.level - round(scene.level)
    assert abs(abs(frac) - 0.5) < 0.2
    assert scene.lift.shaft.lobby.isHidden()  # the concrete, not a landing
    after = frame(engine, (0, 0, 0))
    assert np.abs(after - before).mean() > 2.0
    run(engine, 6.5)
    assert scene.door_opening() == 0.0  # closed again
    # In the room, the door opens onto bricks.
    room = load(engine, place="small_room", door="closed")
    engine.step()
    engine.fire("doors_open_onto_wall")
    run(engine, 4.0)
    assert not room.room.bricks.isHidden() and room.door_opening() > 0.5


# -- light and the alarm ---------------------------------------------------------------------------
def test_lighting_grades_and_lights_out_leaves_the_emergency_light(engine: Engine) -> None:
    means = {}
    for lights in ("steady", "dim"):
        load(engine, place="lift", space=1.0, door="closed", lights=lights)
        run(engine, 0.5)
        means[lights] = float(frame(engine).mean())
    assert means["dim"] < 0.75 * means["steady"]
    scene = load(engine, place="lift", space=1.0, door="closed")
    run(engine, 0.5)
    engine.fire("lights_out")
    run(engine, 2.0)
    dark = float(frame(engine).mean())
    assert scene.light_level() == 0.0 and scene.emergency_light.getColor()[0] > 0.1
    assert dark < 0.3 * means["steady"]
    run(engine, 4.5)
    assert scene.light_level() > 0.9 and scene.emergency_light.getColor()[0] == 0.0


def test_flicker_pattern_has_blinks_and_spells_on() -> None:
    f = flicker_pattern(1234)
    assert f.min() < 0.2 and f.max() > 0.9
    assert 0.5 < float((f > 0.8).mean()) < 0.95  # mostly on, often not
    assert np.array_equal(f, flicker_pattern(1234))


def test_alarm_lights_the_button_and_the_intercom_answers(engine: Engine) -> None:
    scene = load(engine, place="lift", space=1.0, door="closed")
    run(engine, 0.5)
    lamp = scene.lift.panel.alarm_light
    assert lamp.getColorScale()[0] == pytest.approx(1.0)
    engine.fire("alarm")
    run(engine, 1.0)
    assert lamp.getColorScale()[0] > 2.0
    run(engine, 4.0)  # past the bell: the intercom speaks, its LED green
    led = scene.lift.panel.intercom_led.getColorScale()
    assert led[1] > 1.0 > led[0]
    run(engine, 12.0)
    assert lamp.getColorScale()[0] == pytest.approx(1.0)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_intercom_recordings_are_shipped_and_telephone_band(lang: str) -> None:
    assert LINES.chain == "telephone" and not LINES.stale()
    path = LINES.recording(INTERCOM, lang)
    assert path.is_file() and path.stat().st_size < 64 * 1024
    cursor = VorbisAudio.make(Filename.fromOsSpecific(str(path.resolve()))).open()
    assert cursor is not None and cursor.audioChannels() == 1
    rate = cursor.audioRate()
    n = int(cursor.length() * rate)
    assert 5.0 < cursor.length() < 10.0  # the whole sentence, within the alarm's time
    dg = Datagram()
    cursor.readSamples(n, dg)
    x = np.frombuffer(bytes(dg), dtype="<i2").astype(np.float64)
    power = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(len(x), 1.0 / rate)
    in_band = power[(f >= 300.0) & (f <= 3400.0)].sum() / power.sum()
    assert in_band > 0.95, f"{lang}: only {in_band:.1%} of the voice's power is in 300-3400 Hz"
    assert LINES.recording(INTERCOM, "de") == LINES.recording(INTERCOM, "en")


# -- every event: visible, and the head is the patient's alone -----------------------------------
@pytest.mark.parametrize("place", PLACES)
def test_no_event_moves_the_head_and_each_changes_the_picture(engine: Engine, place: str) -> None:
    scene = load(engine, **{**MOST, "place": place, "lights": "steady"})  # only events change it
    run(engine, 0.5)
    for event in EVENTS:
        before = frame(engine)
        head = engine.head.getMat(engine.base.render)
        engine.fire(event)
        assert event in scene.active_events()
        duration = DECLARATION.event(event).duration_s
        diffs = []
        for _ in range(3):
            run(engine, min(2.0, duration / 4), dt=0.1)
            assert engine.head.getMat(engine.base.render) == head
            diffs.append(float(np.abs(frame(engine) - before).mean()))
        assert max(diffs) > 0.5, f"{place}: {event} changed nothing visible"
        run(engine, duration + 3.0, dt=0.1)  # over, and the scene back to rest
        assert engine.head.getMat(engine.base.render) == head
        assert not scene.active_events()


# -- sound -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda: sounds.ventilation_loop(1234),
        lambda: sounds.hum_loop(1234),
        lambda: sounds.buzz_loop(),
        lambda: sounds.breathing_loop(1234),
    ],
    ids=["ventilation", "hum", "buzz", "breathing"],
)
def test_loops_are_seamless_and_unclipped(make: object) -> None:
    assert callable(make)
    x = make()
    assert x.dtype == np.float32 and np.abs(x).max() < 1.0
    steps = np.abs(np.diff(x))
    assert abs(float(x[0]) - float(x[-1])) <= np.percentile(steps, 99.9) + 1e-6


def test_one_shots_start_and_end_in_silence() -> None:
    for x in (sounds.thud(), sounds.bell(), sounds.door_motor()):
        assert np.abs(x).max() < 1.0
        assert abs(float(x[0])) < 0.05 and abs(float(x[-1])) < 1e-3


def test_sound_characters() -> None:
    def power_below(x: np.ndarray, hz: float) -> float:
        power = np.abs(np.fft.rfft(x)) ** 2
        f = np.fft.rfftfreq(len(x), 1.0 / RATE)
        return float(power[f < hz].sum() / power.sum())

    assert power_below(sounds.hum_loop(1234), 400.0) > 0.8  # a low motor hum
    assert power_below(sounds.thud(), 200.0) > 0.5  # a heavy jolt
    assert power_below(sounds.bell(), 900.0) < 0.05  # a bright bell
    assert power_below(sounds.ventilation_loop(1234), 2000.0) > 0.7  # air, not hiss


def test_the_fan_and_the_motor_follow_the_settings(engine: Engine) -> None:
    scene = load(engine, place="lift", ventilation=1.0)
    engine.step()
    assert scene.snd, "the offscreen null audio manager still loads the clips"
    assert scene._volumes["vent"] > 0.3 and scene._volumes["hum"] == 0.0
    fan = scene.lift.vent.fan.getH()
    run(engine, 0.5)
    assert scene.lift.vent.fan.getH() != fan  # the fan turns
    scene.set_params({"ventilation": 0.0, "moving": True}, ramp_s=0.0)
    run(engine, 4.0)
    assert scene._volumes["vent"] == 0.0 and scene._volumes["hum"] > 0.2
    fan = scene.lift.vent.fan.getH()
    run(engine, 0.5)
    assert scene.lift.vent.fan.getH() == fan  # stopped: still air
    engine.fire("stops_between_floors")
    run(engine, 3.0)
    assert scene._volumes["hum"] == 0.0  # the motor falls silent
    assert FLOOR_H > 2.5
