"""The heights scene, rendered for real offscreen (EGL / llvmpipe).

One engine for the module; ``load_scene`` between tests. Pictures are small
(320x180) and frames few, so the file stays well under a minute.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from palier.engine.app import Engine
from palier.engine.shots import aim_head
from palier.scenes import registry
from palier.scenes.api import ParamKind
from palier.scenes.heights import audio
from palier.scenes.heights.city import CAR_WRAP, PAVEMENT_Z, car_position, slab_z
from palier.scenes.heights.declaration import DECLARATION, MAX_FLOOR, POSITIONS
from palier.scenes.heights.scene import PLACE_Y, HeightsScene

SIZE = (320, 180)

pytestmark = pytest.mark.offscreen_engine(scene="heights", size=SIZE)


def load(engine: Engine, **values: object) -> HeightsScene:
    scene = engine.load_scene("heights", values)
    assert isinstance(scene, HeightsScene)
    return scene


def frame(engine: Engine) -> np.ndarray:
    engine.render_frame()
    return engine.capture().astype(np.int16)


def changed(a: np.ndarray, b: np.ndarray, level: int = 24) -> float:
    return float((np.abs(a - b).mean(axis=2) > level).mean())


def street_fraction(engine: Engine, scene: HeightsScene) -> float:
    """Share of the picture that is the street: what changes when the
    ground (roads, pavements, their markings) is taken away."""
    with_street = frame(engine)
    scene.city.ground.stash()
    try:
        without = frame(engine)
    finally:
        scene.city.ground.unstash()
    return changed(with_street, without, 10)


def look_down_from_the_edge(engine: Engine) -> None:
    """The patient at the glass railing, leaning out a little, looking
    straight down past the balcony's edge (the scene never moves the head:
    this is the patient's pose)."""
    edge = 1.93 - PLACE_Y["balcony_glass"]  # the slab's edge, ahead of the feet
    engine.head.setPos(0.0, edge + 0.12, 1.45)
    aim_head(engine, (0.0, edge + 0.2, -200.0))


# -- declaration ------------------------------------------------------------------------
def test_declaration_is_registered_and_graded() -> None:
    assert registry.declaration("heights") is DECLARATION
    assert DECLARATION.conditions == ("acrophobia",)
    least, most = DECLARATION.least_intense(), DECLARATION.most_intense()
    assert least == {
        "floor": 0,
        "position": "inside_closed_window",
        "wind": 0.0,
        "time_of_day": "day",
    }
    assert most["floor"] == MAX_FLOOR and most["position"] == "plank"
    assert DECLARATION.param("position").choice_values == POSITIONS
    for spec in DECLARATION.params:
        assert spec.help is not None and str(spec.label)
    assert DECLARATION.param("wind").unit == "m/s"
    assert DECLARATION.param("floor").kind is ParamKind.INT
    # Places in order of threat: the patient stands ever nearer the edge.
    ys = [PLACE_Y[p] for p in POSITIONS]
    assert ys == sorted(ys)


def test_wind_is_louder_higher_up_and_the_city_quieter() -> None:
    ups = np.linspace(0.0, 1.0, 6)
    wind = [audio.wind_volume(0.5, u, 0.0) for u in ups]
    city = [audio.city_volume(u, 0.0) for u in ups]
    assert all(b > a for a, b in itertools.pairwise(wind))
    assert all(b < a for a, b in itertools.pairwise(city))
    assert audio.wind_volume(1.0, 1.0, 0.0) > audio.wind_volume(0.2, 1.0, 0.0)
    assert audio.wind_volume(0.5, 0.5, 1.0) < audio.wind_volume(0.5, 0.5, 0.0)  # muffled inside
    assert 0.0 <= audio.wind_volume(1.4, 1.0, 0.0) <= 1.0


@pytest.mark.parametrize("make", [audio.wind_loop, audio.city_loop])
def test_ambient_loops_are_seamless_and_unclipped(make: object) -> None:
    assert callable(make)
    x = make(1234)
    assert x.dtype == np.float32
    assert np.abs(x).max() < 1.0
    steps = np.abs(np.diff(x))
    seam = abs(float(x[0]) - float(x[-1]))
    assert seam <= np.percentile(steps, 99.9), "a click where the loop wraps round"


def test_creak_is_a_short_resonant_one_shot() -> None:
    x = audio.creak(1234)
    assert abs(float(x[0])) < 1e-3 and abs(float(x[-1])) < 1e-3
    power = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(len(x), 1.0 / audio.RATE)
    # Mostly in the rail's resonances (300-2500 Hz), not a rumble or a hiss.
    assert power[(f > 300) & (f < 2500)].sum() > 0.8 * power.sum()


# -- the test of the scene: looking down --------------------------------------------------
def test_looking_straight_down_from_the_edge_shows_the_street_far_below(engine: Engine) -> None:
    pictures, streets = {}, {}
    try:
        for floor in (0, MAX_FLOOR):
            scene = load(engine, floor=floor, position="balcony_glass")
            engine.simulate(0.2)
            look_down_from_the_edge(engine)
            pictures[floor] = frame(engine)
            streets[floor] = street_fraction(engine, scene)
    finally:
        engine.head.setPos(0.0, 0.0, engine.config.eye_height)
        engine.head.setHpr(0.0, 0.0, 0.0)
    # The street is in both shots: right under the edge at the ground floor,
    # far below (with the city round it) from the top.
    assert streets[0] > 0.3, streets
    assert streets[MAX_FLOOR] > 0.1, streets
    assert changed(pictures[0], pictures[MAX_FLOOR]) > 0.3


def test_the_street_is_further_below_the_higher_the_floor(engine: Engine) -> None:
    scene = load(engine, floor=0)
    below = []
    for floor in (0, 10, 20, 40):
        scene.set_params({"floor": floor}, ramp_s=0.0)
        engine.simulate(0.05)
        below.append(scene.street_below()[2])
    assert below == sorted(below, reverse=True)
    assert below[-1] == pytest.approx(PAVEMENT_Z - slab_z(MAX_FLOOR), abs=1e-3)


# -- smooth changes, the head untouched ---------------------------------------------------
def test_a_floor_change_rides_smoothly_and_never_moves_the_head(engine: Engine) -> None:
    scene = load(engine, floor=0, position="balcony_solid")
    head = engine.head.getMat(engine.base.render)
    scene.set_params({"floor": MAX_FLOOR, "position": "plank", "wind": 15.0}, ramp_s=3.0)
    scene.fire("gust")
    scene.fire("railing_creaks")
    zs, ys = [], []
    for _ in range(40):
        engine.simulate(0.1)
        zs.append(scene.city.world.getZ())
        ys.append(scene.home.root.getY())
        assert engine.head.getMat(engine.base.render) == head
    steps = np.abs(np.diff(zs))
    assert zs == sorted(zs, reverse=True)  # down and down: the city recedes
    assert steps.max() < 0.1 * slab_z(MAX_FLOOR)  # no jump
    assert zs[-1] == pytest.approx(-slab_z(MAX_FLOOR))
    assert ys == sorted(ys, reverse=True)  # the place comes to the patient
    assert ys[-1] == pytest.approx(-PLACE_Y["plank"])
    assert not scene.home.plank.isHidden()


def test_railings_follow_the_position(engine: Engine) -> None:
    home_of = {
        "balcony_solid": "rail_solid",
        "balcony_low_railing": "rail_low",
        "balcony_glass": "rail_glass",
        "plank": "plank",
    }
    for position, shown in home_of.items():
        scene = load(engine, position=position)
        home = scene.home
        for name in ("rail_solid", "rail_low", "rail_glass", "plank"):
            node = getattr(home, name)
            if name == shown:
                assert not node.isHidden(), (position, name)
        if position == "plank":
            assert home.rail_gate.isHidden()  # the gap the plank goes through
        if position == "balcony_glass":
            assert home.rail_solid.isHidden() and home.rail_low.isHidden()
    closed = load(engine, position="inside_closed_window").home.door.getX()
    opened = load(engine, position="inside_open_window").home.door.getX()
    assert closed == 0.0 and opened < -1.0


def test_time_of_day_lights_the_city_at_night(engine: Engine) -> None:
    load(engine, floor=20, position="balcony_glass")
    engine.simulate(0.1)
    assert engine.scene is not None
    aim_head(engine, engine.scene.focus_point())
    day = frame(engine)
    night_scene = load(engine, floor=20, position="balcony_glass", time_of_day="night")
    engine.simulate(0.1)
    aim_head(engine, night_scene.focus_point())
    night = frame(engine)
    assert night.mean() < 0.6 * day.mean()
    # Lit windows: a few warm bright pixels in the dark.
    warm = (night[..., 0] > 120) & (night[..., 0] > night[..., 2] + 30)
    assert warm.mean() > 0.002


# -- events ----------------------------------------------------------------------------------
def test_the_flower_box_falls_all_the_way_to_the_street(engine: Engine) -> None:
    scene = load(engine, floor=30, position="balcony_low_railing")
    engine.simulate(0.1)
    start = scene.home.planter.getPos(engine.base.render)
    scene.fire("object_falls")
    lowest = math.inf
    landed = False
    for _ in range(int(DECLARATION.event("object_falls").duration_s / 0.1) - 2):
        engine.simulate(0.1)
        if not scene.home.planter.isHidden():
            lowest = min(lowest, scene.home.planter.getZ(engine.base.render))
        landed = landed or not scene.splash.isHidden()
    street = PAVEMENT_Z - slab_z(30)
    assert landed, "it never reached the pavement"
    assert lowest < street + 15.0  # seen falling most of the way down
    engine.simulate(1.0)  # the event ends: a new box is in place
    assert scene.splash.isHidden() and not scene.home.planter.isHidden()
    assert (scene.home.planter.getPos(engine.base.render) - start).length() < 0.05


def test_the_glass_panel_shows_the_street_through_the_floor(engine: Engine) -> None:
    scene = load(engine, floor=MAX_FLOOR, position="balcony_solid")
    engine.simulate(0.1)
    aim_head(engine, (0.0, 0.45, 0.0))  # at the panel in front of the feet
    before = street_fraction(engine, scene)
    scene.fire("glass_panel")
    engine.simulate(3.0)
    assert scene.home.panel_deck.isHidden()
    through = street_fraction(engine, scene)
    assert through > before + 0.05
    engine.simulate(DECLARATION.event("glass_panel").duration_s)
    assert not scene.home.panel_deck.isHidden() and scene.home.panel_glass.isHidden()


def test_the_railing_creaks_with_a_shudder_then_settles(engine: Engine) -> None:
    scene = load(engine, position="balcony_low_railing")
    scene.fire("railing_creaks")
    moved = 0.0
    for _ in range(10):
        engine.simulate(0.05)
        moved = max(moved, abs(scene.home.railings.getP()) + abs(scene.home.railings.getR()))
    assert 0.5 < moved < 6.0  # a small give and shudder, degrees (6 cm at the top rail)
    engine.simulate(DECLARATION.event("railing_creaks").duration_s)
    assert scene.home.railings.getHpr().length() == 0.0


def test_a_gust_bends_the_plants_more(engine: Engine) -> None:
    scene = load(engine, wind=2.0)
    engine.simulate(0.2)
    calm = scene._wind[0]
    scene.fire("gust")
    engine.simulate(2.0)
    assert scene._wind[0] > calm + 0.3
    engine.simulate(DECLARATION.event("gust").duration_s)
    assert scene._wind[0] == pytest.approx(calm)


def test_cars_drive_and_people_walk(engine: Engine) -> None:
    scene = load(engine)
    engine.simulate(0.1)
    world = scene.city.world
    cars = [c.node.getPos(world) for c in scene.city.cars]
    people = [w.person.root.getPos() for w in scene.walkers]
    engine.simulate(1.0)
    assert all(
        (c.node.getPos(world) - p).length() > 5.0
        for c, p in zip(scene.city.cars, cars, strict=True)
    )
    assert all(
        0.8 < (w.person.root.getPos() - p).length() < 2.0
        for w, p in zip(scene.walkers, people, strict=True)
    )


def test_each_lane_carries_its_cars_where_the_reference_puts_them(engine: Engine) -> None:
    # The lanes move their cars with one transform and rewrite a car only
    # when it wraps: over two loops of the slowest lane, at uneven steps,
    # every car stays where car_position says.
    scene = load(engine)
    world = scene.city.world
    loop_s = 2 * CAR_WRAP / min(lane.speed for lane in scene.city.lanes)
    wrote = 0
    for t in np.concatenate([np.linspace(0.0, 2.0 * loop_s, 97), [0.0, 1e-3, 5.0]]):
        before = [lane.wrapped_from for lane in scene.city.lanes]
        for lane in scene.city.lanes:
            lane.place(float(t))
        wrote += sum(
            a != lane.wrapped_from for a, lane in zip(before, scene.city.lanes, strict=True)
        )
        for car in scene.city.cars:
            x, y = car_position(car, float(t))
            p = car.node.getPos(world)
            assert (p.x, p.y, p.z) == pytest.approx((x, y, 0.0), abs=1e-3), (t, car.s0)
    assert wrote > len(scene.city.lanes)  # the wraps were exercised
