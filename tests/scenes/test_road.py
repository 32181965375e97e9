"""The road-traffic scene (PTSD cues), rendered for real offscreen. One
engine for the module; ``load_scene`` between tests.

The issue's cases: the least intense level is an ordinary quiet street; the
near miss stops short of the crossing and never reaches the patient; a siren
comes from the side the therapist chose; the head anchor is never moved by
the scene, in the car either (the street moves). Plus the grading of the
traffic, the vehicle mix, the light and the rain, the events' options, and
the synthesised sounds.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np
import pytest

from palier.engine.app import Engine
from palier.engine.shots import aim_head
from palier.scenes.api import ParameterValueError
from palier.scenes.road import sounds
from palier.scenes.road.declaration import DECLARATION, EVENTS, SIDES
from palier.scenes.road.scene import RoadScene
from palier.scenes.road.street import CROSS_X, KERB_Y, LANE_A, LANE_B
from palier.scenes.road.vehicles import KINDS, model
from palier.scenes.sound import RATE

SIZE = (320, 180)
DT = 1.0 / 30.0

pytestmark = pytest.mark.offscreen_engine(scene="road", size=SIZE)

LEAST = DECLARATION.least_intense()
MOST = DECLARATION.most_intense()


def load(engine: Engine, **values: object) -> RoadScene:
    scene = engine.load_scene("road", values)
    assert isinstance(scene, RoadScene)
    return scene


def frame(engine: Engine, hpr: tuple[float, float, float] | None = None) -> np.ndarray:
    assert engine.scene is not None
    if hpr is None:
        aim_head(engine, engine.scene.focus_point())
    else:
        engine.head.setHpr(*hpr)
    engine.render_frame()
    return engine.capture().astype(np.int16)


def test_declaration_is_complete_and_bilingual() -> None:
    assert [e.name for e in DECLARATION.events] == list(EVENTS)
    assert DECLARATION.conditions == ("ptsd",)
    for spec in DECLARATION.params:
        assert spec.label.get("fr") != spec.label.get("en") or spec.name in ("distance",)
    for event in DECLARATION.events:
        assert event.help is not None and event.help.get("fr") != event.help.get("en")
        names = {o.name for o in event.options}
        # Direction matters for every cue but nothing else is positional.
        assert "side" in names, event.name
        assert {c.value for c in event.options[0].choices} == set(SIDES)
    assert {o.name for o in DECLARATION.event("crash_sound").options} == {"side", "distance"}
    assert {o.name for o in DECLARATION.event("brakes").options} == {"side", "distance"}


def test_least_intense_is_a_quiet_street_in_daylight(engine: Engine) -> None:
    assert LEAST["viewpoint"] == "pavement"
    assert LEAST["time_of_day"] == "day"
    assert LEAST["rain"] == 0.0
    scene = load(engine, **LEAST)
    engine.simulate(2.0)
    assert scene.active_vehicles() <= 3
    assert scene.rain.isHidden()
    assert scene.cabin.root.isHidden()
    img = frame(engine)
    assert img.mean() > 90, "a daylight street is not dark"


def test_head_anchor_is_never_moved_by_any_event(engine: Engine) -> None:
    for view in ("pavement", "passenger"):
        load(engine, **{**MOST, "viewpoint": view})
        engine.head.setPosHpr(0.0, 0.0, 1.2, 10.0, -5.0, 0.0)
        before = engine.head.getMat(engine.base.render)
        for name in EVENTS:
            engine.fire(name, side="right")
            engine.simulate(1.0)
        engine.simulate(6.0)
        assert engine.head.getMat(engine.base.render).almostEqual(before, 1e-6), view


def _near_miss_track(engine: Engine, side: str) -> list[tuple[float, float, float]]:
    scene = load(engine, **{**LEAST, "kerb_distance": 0.3, "speed": 70.0})
    engine.fire("near_miss", side=side)
    car = scene.actors["near_miss"]
    track = []
    for _ in range(int(DECLARATION.event("near_miss").duration_s / DT) - 2):
        engine.simulate(DT)
        if not car.root.isHidden():
            track.append((car.x, car.y, car.speed))
    return track


@pytest.mark.parametrize("side", SIDES)
def test_near_miss_stops_short_of_the_crossing_and_the_patient(engine: Engine, side: str) -> None:
    track = _near_miss_track(engine, side)
    assert track, "the near-miss car never showed"
    half = model("saloon").length / 2
    sign = 1.0 if side == "left" else -1.0  # from the left: lane A, driving +X
    lane = LANE_A if side == "left" else LANE_B
    # It comes from the chosen side, in its lane, and its front never reaches the zebra
    # until it has stopped (then it moves off slowly, as a driver would).
    assert track[0][0] * sign < -20.0
    assert all(abs(y - lane) < 1e-6 for _, y, _ in track)
    fronts = [x * sign + half for x, _, _ in track]
    stop = next(i for i in range(1, len(fronts)) if abs(fronts[i] - fronts[i - 1]) < 1e-6)
    assert -CROSS_X - 2.0 < max(fronts[: stop + 1]) < -CROSS_X
    # The patient stands on the kerb at KERB_Y - 0.3: the lane's centre is further.
    patient_y = KERB_Y - 0.3
    assert min(abs(y - patient_y) for _, y, _ in track) > 1.5


def test_near_miss_in_the_car_stops_short_of_the_car_pulling_out(engine: Engine) -> None:
    scene = load(engine, **{**LEAST, "viewpoint": "passenger", "speed": 50.0})
    engine.simulate(1.0)
    engine.fire("near_miss", side="right")
    gaps = []
    for _ in range(int(5.0 / DT)):
        engine.simulate(DT)
        car = scene.actors["near_miss"]
        gaps.append(car.x - model("saloon").length / 2 - scene.car_x)
    assert scene.car_v < 0.5, "the patient's car has stopped"
    assert min(gaps) > 1.5


@pytest.mark.parametrize("side", SIDES)
def test_siren_comes_from_the_chosen_side(engine: Engine, side: str) -> None:
    scene = load(engine, **LEAST)
    engine.head.setHpr(0.0, 0.0, 0.0)
    engine.fire("siren", side=side)
    engine.simulate(1.0)
    ambulance = scene.actors["siren"].root
    x = ambulance.getPos(engine.head).x
    assert (x < -20.0) if side == "left" else (x > 20.0)
    beacon = scene.actors["siren"].parts["ambulance"].beacon
    assert beacon is not None and not beacon.isHidden()
    # It passes the patient and drives away to the other side.
    engine.simulate(12.0)
    later = ambulance.getPos(engine.head).x
    assert (later > 0.0) if side == "left" else (later < 0.0)


def test_event_options_are_checked(engine: Engine) -> None:
    load(engine, **LEAST)
    with pytest.raises(ParameterValueError, match="side"):
        engine.fire("siren", side="behind")
    with pytest.raises(ParameterValueError, match="distance"):
        engine.fire("crash_sound", distance=2.0)
    with pytest.raises(ParameterValueError, match="no option"):
        engine.fire("horn", loudness=1.0)
    engine.fire("crash_sound", distance=30.0)  # side defaulted


def _passing(engine: Engine, traffic: float, seconds: float = 60.0) -> int:
    scene = load(engine, **{**LEAST, "traffic": traffic, "speed": 50.0})
    seen: set[int] = set()
    passed = 0
    for _ in range(int(seconds / 0.1)):
        engine.simulate(0.1, dt=0.1)
        for v in scene.traffic:
            if v.active and abs(v.x) < 8.0 and id(v) not in seen:
                seen.add(id(v))
                passed += 1
            elif not v.active or abs(v.x) > 30.0:
                seen.discard(id(v))
    return passed


def test_more_traffic_means_more_vehicles_passing(engine: Engine) -> None:
    quiet = _passing(engine, 4.0)
    busy = _passing(engine, 30.0)
    assert busy > 2 * max(quiet, 1), (quiet, busy)


def test_vehicles_never_overlap_in_a_lane(engine: Engine) -> None:
    scene = load(engine, **{**LEAST, "traffic": 40.0, "speed": 70.0})
    engine.fire("crash_sound", side="left", distance=30.0)  # traffic slows and queues
    for _ in range(300):
        engine.simulate(0.1, dt=0.1)
        for lane in (0, 1):
            xs = sorted(
                (v.x, model(v.kind).length) for v in scene.traffic if v.active and v.lane == lane
            )
            for (xa, la), (xb, lb) in itertools.pairwise(xs):
                assert xb - xa > (la + lb) / 2, "two vehicles overlap"


def test_vehicle_mix_follows_the_setting(engine: Engine) -> None:
    def kinds(mix: str) -> set[str]:
        scene = load(engine, **{**LEAST, "traffic": 40.0, "vehicles": mix})
        seen: set[str] = set()
        for _ in range(120):
            engine.simulate(0.5, dt=0.1)
            seen |= {v.kind for v in scene.traffic if v.active}
        return seen

    assert kinds("cars") <= {"hatchback", "saloon"}
    everything = kinds("all")
    assert {"lorry", "motorbike", "van"} <= everything


def test_every_kind_is_a_vehicle_with_wheels_lights_and_glass() -> None:
    for kind in KINDS:
        m = model(kind)
        assert not m.front.is_empty() and not m.rear.is_empty(), kind
        assert m.trim.num_vertices > 300, kind  # wheels, glass, bumpers, plates
        assert 1.5 < m.length < 11.0, kind
    assert model("ambulance").beacon is not None and model("police").beacon is not None


def test_light_and_rain_grade_the_picture(engine: Engine) -> None:
    means = []
    for time_of_day in ("day", "dusk", "night"):
        load(engine, **{**LEAST, "time_of_day": time_of_day})
        engine.simulate(0.2)
        means.append(float(frame(engine).mean()))
    assert means[0] > means[1] > means[2], means
    scene = load(engine, **{**LEAST, "rain": 1.0})
    engine.simulate(0.5)
    assert not scene.rain.isHidden()
    assert scene._pta_f["u_wet"][0] == pytest.approx(1.0)
    wet = frame(engine)
    load(engine, **LEAST)
    engine.simulate(0.5)
    dry = frame(engine)
    assert float((np.abs(wet - dry).mean(axis=2) > 12).mean()) > 0.05


def test_passenger_seat_shows_the_cabin_and_the_street_moves(engine: Engine) -> None:
    scene = load(engine, **{**LEAST, "viewpoint": "passenger", "speed": 50.0})
    assert not scene.cabin.root.isHidden()
    cabin = scene.cabin.root.getMat(engine.base.render)
    x0 = scene.car_x
    engine.simulate(2.0)
    assert scene.car_x - x0 == pytest.approx(2.0 * 50.0 / 3.6, rel=0.05)
    assert scene.cabin.root.getMat(engine.base.render).almostEqual(cabin, 1e-6)
    scene.set_params({"viewpoint": "pavement"}, ramp_s=0.0)
    engine.simulate(0.1)
    assert scene.cabin.root.isHidden()


def test_brakes_light_the_braking_car_and_crash_turns_heads(engine: Engine) -> None:
    scene = load(engine, **LEAST)
    engine.fire("brakes", side="right", distance=10.0)
    engine.simulate(1.5)
    car = scene.actors["brakes"]
    rear = car.parts["saloon"].rear.getColorScale()
    assert rear[0] > 2.0, "brake lights on"
    waiting = scene.walkers[0].person
    engine.simulate(5.0)
    before = waiting.nodes["head"].getHpr(waiting.skeleton)
    engine.fire("crash_sound", side="left", distance=20.0)
    engine.simulate(2.0)
    after = waiting.nodes["head"].getHpr(waiting.skeleton)
    assert abs(after[0] - before[0]) > 5.0, "people turn toward the crash"


def test_door_slam_closes_the_door(engine: Engine) -> None:
    scene = load(engine, **LEAST)
    engine.fire("door_slam", side="left")
    engine.simulate(1.0)
    assert scene.door_hinge.getH() > 45.0
    assert scene.door_car.x < 0.0
    engine.simulate(1.0)
    assert scene.door_hinge.getH() == pytest.approx(0.0)


# -- sounds ------------------------------------------------------------------------------------


def _seam(x: np.ndarray) -> float:
    """How much bigger the jump over the loop point is than a typical step."""
    steps = np.abs(np.diff(x))
    return float(abs(x[0] - x[-1]) / (np.percentile(steps, 99) + 1e-9))


@pytest.mark.parametrize(
    "clip",
    [
        lambda: sounds.traffic_bed(3),
        lambda: sounds.engine_loop(3),
        lambda: sounds.rain_loop(3),
        sounds.siren_loop,
    ],
)
def test_loops_are_seamless_and_within_range(clip: Callable[[], np.ndarray]) -> None:
    x = clip()
    assert x.dtype == np.float32 and np.isfinite(x).all()
    assert 0.3 < float(np.max(np.abs(x))) <= 1.0
    assert _seam(x) < 1.5


@pytest.mark.parametrize(
    "clip",
    [sounds.horn, lambda: sounds.screech(3), lambda: sounds.crash(3), lambda: sounds.door_slam(3)],
)
def test_one_shots_start_and_end_silent(clip: Callable[[], np.ndarray]) -> None:
    x = clip()
    assert np.isfinite(x).all() and float(np.max(np.abs(x))) <= 1.0
    assert abs(float(x[0])) < 0.05 and abs(float(x[-1])) < 0.01


def _peak_hz(x: np.ndarray, lo: float, hi: float) -> float:
    spec = np.abs(np.fft.rfft(x))
    f = np.fft.rfftfreq(len(x), 1.0 / RATE)
    band = (f > lo) & (f < hi)
    return float(f[band][np.argmax(spec[band])])


def test_siren_is_the_french_two_tone() -> None:
    x = sounds.siren_loop()
    half = len(x) // 2
    first = _peak_hz(x[: half - 200], 300.0, 700.0)
    second = _peak_hz(x[half + 200 :], 300.0, 700.0)
    assert math.isclose(first, sounds.SIREN_TONES[0], abs_tol=6.0)
    assert math.isclose(second, sounds.SIREN_TONES[1], abs_tol=6.0)


def test_horn_and_screech_are_where_they_should_be_in_pitch() -> None:
    assert math.isclose(_peak_hz(sounds.horn(), 300.0, 600.0), 420.0, abs_tol=8.0) or math.isclose(
        _peak_hz(sounds.horn(), 300.0, 600.0), 525.0, abs_tol=8.0
    )
    assert 900.0 < _peak_hz(sounds.screech(3), 500.0, 4000.0) < 1700.0
