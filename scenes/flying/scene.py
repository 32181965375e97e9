"""The flying scene: an airliner cabin from a passenger seat, from boarding
at the gate to take-off, with turbulence, weather, the seat and the noise
graded separately, and the events a nervous flyer dreads.

Frames. The scene never moves the head anchor: everything it moves is under
its own root. ``shake`` is a node at the patient's eye (so a roll or a pitch
of the cabin turns about the head, not about a point metres away); under it
``cabin`` is the cabin's own frame (:mod:`.cabin`), placed so the patient's
seat (aisle or window) is under the head; turbulence, the drop, the gear's
thump and the engines' vibration move ``shake``, so the cabin and the view
out of the windows move together, relative to a head that only the patient
moves. ``outside`` (sky, ground, clouds, the airport: :mod:`.outside`) hangs
in the cabin at the patient's eye and is pitched by the aircraft's attitude:
on the climb the horizon tilts down in the windows, as a seated passenger
sees it.

Flight. Each phase is a pure function of the time since it was chosen
(:func:`phase_state`: altitude, speed, pitch, thrust, wheels on the ground,
the airport's look). During a change of phase the scene blends the old
phase's state (still running) into the new one's over the parameter's ramp,
altitude in log space, so every change is continuous: the ground falls away,
the cloud layer passes, the runway arrives. Take-off and landing then play
out once (see the declaration's help).
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
from typing import Any, NamedTuple

import numpy as np
from panda3d.core import (
    AmbientLight,
    AudioSound,
    DirectionalLight,
    Filename,
    LVecBase3f,
    LVecBase4f,
    NodePath,
    PTA_float,
    PTA_LVecBase3f,
    PTA_LVecBase4f,
    TextureStage,
)

from palier.scenes import sound
from palier.scenes.api import smoothstep
from palier.scenes.base import Scene
from palier.scenes.flying import sounds
from palier.scenes.flying.cabin import EYE_Z, LAST_ROW, PITCH, SEAT_X, build_cabin
from palier.scenes.flying.declaration import DECLARATION, PHASES, WEATHERS
from palier.scenes.flying.outside import (
    EYE_ABOVE_GROUND,
    GROUND_WRAP,
    build_airport,
    build_sky,
    build_wing,
)
from palier.scenes.flying.speech import LINES
from palier.scenes.people import Person, PersonLook
from palier.scenes.procedural import GeomBuilder, lit_shader

log = logging.getLogger(__name__)

PATIENT_X = {"aisle": -SEAT_X[0], "window": -SEAT_X[2]}  # the patient's seat (left side)
TEMPLATES = 12  # distinct far passengers, copied into every other seat
BANDS = 10  # occupancy steps (a tenth of the seats each)
NEAR_SEATS = ((0.5, 1), (-0.5, 2))  # (x, row): animated passengers close ahead
BOARDING = (0.05, 3.4)  # where the boarding passenger stands in the aisle (x, y)
SPEECH_DELAY_S = 1.8  # the chime, then the captain


class FlightState(NamedTuple):
    alt: float  # m above the ground
    speed: float  # m/s over the ground
    pitch: float  # deg, nose up
    thrust: float  # 0 idle .. 1 take-off power
    ground: float  # 1 on the wheels, 0 airborne
    airport: float  # 1 at the airport (asphalt, markings), 0 farmland below
    strip: float  # half width (m) of the asphalt strip under the aircraft
    runway: float  # 1 runway markings, 0 taxiway / apron lines
    apron: float  # 1 asphalt all round (the stand), 0 grass beside the strip


GATE = FlightState(0.0, 0.0, 0.0, 0.08, 1.0, 1.0, 12.0, 0.0, 1.0)


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def phase_state(phase: str, tau: float) -> FlightState:
    """The aircraft's state ``tau`` seconds after ``phase`` was chosen."""
    if phase == "gate":
        return GATE
    if phase == "taxi":
        return FlightState(0.0, 8.5, 0.0, 0.3, 1.0, 1.0, 11.5, 0.0, 0.0)
    if phase == "cruise":
        return FlightState(10500.0, 230.0, 2.5, 0.55, 0.0, 0.0, 22.5, 1.0, 0.0)
    if phase == "descent":
        return FlightState(
            max(700.0, 2600.0 - 15.0 * tau), 140.0, -1.5, 0.3, 0.0, 0.0, 22.5, 1.0, 0.0
        )
    if phase == "landing":
        if tau < 40.0:  # final approach on a 3 degree slope, flare, touchdown
            alt = max(0.0, 150.0 - 3.8 * tau)
            pitch = 3.0 + 2.5 * smoothstep((tau - 34.0) / 5.0)
            speed = 70.0
            thrust = 0.45 - 0.3 * smoothstep((tau - 35.0) / 4.0)
        else:  # rollout: nose down, reverse thrust, braking, then taxi speed
            alt = 0.0
            pitch = 5.5 * (1.0 - smoothstep((tau - 40.0) / 3.0))
            speed = max(8.5, 70.0 - 2.4 * (tau - 40.0))
            reverse = smoothstep((tau - 41.0) / 1.5) * (1.0 - smoothstep((tau - 52.0) / 3.0))
            thrust = 0.15 + 0.8 * reverse
        near = 1.0 - smoothstep((alt - 20.0) / 130.0)
        return FlightState(
            alt, speed, pitch, thrust, 1.0 if alt <= 0.0 else 0.0, near, 22.5, 1.0, 0.0
        )
    # Take-off: line up, spool up, roll, rotate, lift off, climb.
    thrust = 0.3 + 0.7 * smoothstep((tau - 1.0) / 5.0) - 0.18 * smoothstep((tau - 75.0) / 4.0)
    speed = min(80.0, 4.0 + 2.3 * max(0.0, tau - 4.0))
    pitch = 15.0 * smoothstep((tau - 30.0) / 4.5)
    s = tau - 33.0
    if s <= 0.0:
        alt = 0.0
    elif s < 5.0:
        alt = 15.0 * s * s / 10.0
    else:
        alt = 15.0 * (s - 2.5)
    if alt > 3000.0:
        alt = 3000.0 + 1500.0 * math.tanh((alt - 3000.0) / 1500.0)
    pitch -= 3.0 * smoothstep((alt - 2000.0) / 1000.0)
    airport = 1.0 - smoothstep((alt - 20.0) / 200.0)
    return FlightState(
        alt, speed, pitch, thrust, 1.0 if alt <= 0.0 else 0.0, airport, 22.5, 1.0, 0.0
    )


def blend(a: FlightState, b: FlightState, p: float) -> FlightState:
    if p <= 0.0:
        return a
    if p >= 1.0:
        return b
    out = [_lerp(x, y, p) for x, y in zip(a, b, strict=True)]
    # Altitude in log space: a climb from the runway is quick near the
    # ground and slower higher up, as the view outside changes.
    la, lb = math.log1p(a.alt / 10.0), math.log1p(b.alt / 10.0)
    out[0] = 10.0 * math.expm1(_lerp(la, lb, p))
    return FlightState(*out)


class Weather(NamedTuple):
    top: tuple[float, float, float]
    horizon: tuple[float, float, float]
    light: float
    cloud: tuple[float, float, float, float]  # altitude, half thickness, cover, darkness
    rain: float
    daylight: tuple[float, float, float]  # through the windows into the cabin


WEATHER = {
    "clear": Weather(
        (0.22, 0.42, 0.78),
        (0.72, 0.80, 0.90),
        1.0,
        (2000.0, 150.0, 0.18, 0.0),
        0.0,
        (0.55, 0.55, 0.52),
    ),
    "cloud": Weather(
        (0.45, 0.54, 0.68),
        (0.76, 0.79, 0.83),
        0.8,
        (1800.0, 350.0, 0.66, 0.25),
        0.0,
        (0.40, 0.41, 0.42),
    ),
    "storm": Weather(
        (0.20, 0.22, 0.27),
        (0.33, 0.35, 0.38),
        0.42,
        (1300.0, 700.0, 0.92, 0.8),
        1.0,
        (0.20, 0.21, 0.24),
    ),
}


def _mix3(a: tuple[float, ...], b: tuple[float, ...], p: float) -> tuple[float, ...]:
    return tuple(_lerp(x, y, p) for x, y in zip(a, b, strict=True))


def shake_offsets(t: float, turbulence: float) -> tuple[float, float, float, float]:
    """Turbulence as the cabin feels it: (dx, dz) metres, (pitch, roll)
    degrees, from a few incommensurate sines under slow gusts: smooth (no
    jolt faster than about 5 Hz), never a drift."""
    a = turbulence**1.3
    if a <= 0.0:
        return 0.0, 0.0, 0.0, 0.0
    tau = 2.0 * math.pi
    gust = 0.45 + 0.55 * math.sin(tau * 0.071 * t + 0.5) ** 2
    dz = (
        0.035
        * a
        * gust
        * (
            0.6 * math.sin(tau * 0.9 * t + 1.0)
            + 0.3 * math.sin(tau * 2.3 * t + 2.0)
            + 0.15 * math.sin(tau * 4.7 * t + 3.0)
        )
    )
    dx = 0.010 * a * gust * math.sin(tau * 1.3 * t + 0.4)
    roll = 1.2 * a * gust * (math.sin(tau * 0.35 * t) + 0.4 * math.sin(tau * 1.1 * t + 1.3))
    pitch = 0.5 * a * gust * (math.sin(tau * 0.5 * t + 0.7) + 0.3 * math.sin(tau * 1.7 * t))
    return dx, dz, pitch, roll


def drop_offset(p: float) -> float:
    """The air pocket: down 7 cm in a quarter of the event, back up gently."""
    if p < 0.2:
        return -0.07 * smoothstep(p / 0.2)
    return -0.07 * (1.0 - smoothstep((p - 0.3) / 0.6))


class Cast(NamedTuple):
    """Everyone in the cabin but the patient, built once per seed and kept
    (a person takes tens of milliseconds to build; a scene reload reuses
    them): the far passengers as flattened occupancy bands under ``bands``
    (copied into each new scene, geometry shared), and the real, animated
    people a scene borrows while it runs (parked under ``holder`` between)."""

    holder: NodePath
    bands: NodePath
    near: tuple[Person, ...]
    boarder: Person


def _seats() -> list[tuple[float, int]]:
    """Every seat a far passenger may take: (x, row)."""
    seats = []
    for row in range(-2, LAST_ROW + 1):
        for side in (-1.0, 1.0):
            for x in SEAT_X:
                sx = side * x
                if row == 0 and side < 0:
                    continue  # the patient's own row, this side
                if any(abs(sx - nx) < 0.01 and row == nr for nx, nr in NEAR_SEATS):
                    continue
                seats.append((sx, row))
    return seats


@functools.lru_cache(maxsize=1)
def passengers(seed: int) -> Cast:
    """The cabin's people for ``seed``. Far passengers: a few people built
    once, each in its own pose, copied (geometry and skeleton shared: one
    draw call a copy) into every seat with a slight tint, grouped in
    occupancy bands (a tenth of the seats each)."""
    rng = np.random.default_rng(seed + 500)
    holder = NodePath("flying-cast")
    templates = [
        Person(PersonLook.from_seed(seed * 100 + 11 + i), holder, pose="seated", detail="far")
        for i in range(TEMPLATES)
    ]
    # The row just ahead of the patient is under a metre away: those seats
    # get people of their own at full detail, still like the copies.
    close = {
        (-x, 1): Person(PersonLook.from_seed(seed * 100 + 51 + i), holder, pose="seated")
        for i, x in enumerate(SEAT_X)
    }
    # Each still person holds its own pose (a template's copies share its
    # skeleton): one looks ahead, one toward the window, one across the
    # aisle, one down.
    gazes = ((0.0, 3.0, 1.1), (-1.5, 1.5, 1.0), (1.2, 1.2, 1.1), (0.1, 0.8, 0.5))
    for p, gaze in zip([*templates, *close.values()], itertools.cycle(gazes)):
        p.breathe(0.0)
        p.look_at(gaze)
        p.apply()
        p.phone_node.removeNode()
    seats = _seats()
    ranks = rng.permutation(len(seats)) / len(seats)
    bands = holder.attachNewNode("passengers")
    band_nodes = [bands.attachNewNode(f"passengers-{b}") for b in range(BANDS)]
    for (sx, row), rank in zip(seats, ranks, strict=True):
        tpl = templates[int(rng.integers(0, TEMPLATES))]
        tpl = close.get((sx, row), tpl)
        copy = tpl.root.copyTo(band_nodes[min(BANDS - 1, int(rank * BANDS))])
        copy.setPos(sx, row * PITCH + 0.02, 0.0)
        copy.setH(float(rng.normal(0.0, 4.0)))  # nobody sits quite square
        k = float(rng.uniform(0.88, 1.06))
        copy.setColorScale(k, k, k, 1.0)
    near = []
    for i, (x, row) in enumerate(NEAR_SEATS):
        p = Person(
            PersonLook.from_seed(seed * 100 + 31 + i),
            holder,
            pose="seated",
            name=f"passenger-near-{i}",
        )
        p.root.setPos(x, row * PITCH + 0.02, 0.0)
        near.append(p)
    # Boarding: someone standing in the aisle, stowing a bag.
    boarder = Person(
        PersonLook.from_seed(seed * 100 + 41), holder, detail="far", name="boarding-passenger"
    )
    boarder.root.setPos(*BOARDING, 0.0)
    boarder.root.setH(200.0)
    return Cast(holder, bands, tuple(near), boarder)


class FlyingScene(Scene):
    declaration = DECLARATION

    # -- build --------------------------------------------------------------------------
    def on_build(self) -> None:
        seed = self.ctx.seed
        self.root.setShader(lit_shader())
        self.shake = self.root.attachNewNode("cabin-shake")
        self.shake.setPos(0.0, 0.0, self.ctx.eye_height)
        self.cabin_np = self.shake.attachNewNode("cabin")
        self.cabin = build_cabin(self.cabin_np, seed)
        self._lights()

        wing_b = GeomBuilder()
        build_wing(wing_b)
        self.wing = self.cabin_np.attachNewNode(wing_b.node("wing"))
        self.wing.setTwoSided(True)
        self._outdoor(self.wing)

        self.outside = self.cabin_np.attachNewNode("outside")
        self._uniforms()
        self.sky = build_sky(self.outside, seed)
        for name, value in self._inputs.items():
            self.sky.setShaderInput(name, value)
        self.airport = build_airport(self.outside, seed)
        self._outdoor(self.airport)

        self._people(seed)

        # Flight: the phase now and the one being left, each with its start.
        self._phase_t0 = {str(self.target("phase")): 0.0}
        self._ground_y = 0.0
        self._cloud_drift = 0.0
        self._left_gate = 0.0  # metres rolled since the stand
        self._state = GATE
        self._belt = self._belt_default(str(self.target("phase")))
        self._belt_key: tuple[bool, bool] | None = None
        self._chime_t0: float | None = None
        self._speech: tuple[float, str] | None = None
        self._announce_t0: float | None = None
        self._announce_s = 0.0
        self._flash_t0: float | None = None
        self._next_flash = 6.0
        self._flash_rng = np.random.default_rng(seed + 77)
        self._gear_clunk_done = True
        self._rain_u = 0.0
        self._light_key: tuple[float, ...] | None = None
        self._volumes: dict[str, float] = {}
        self._frame = 0
        self._load_sounds()

    def _lights(self) -> None:
        amb = AmbientLight("cabin-ambient")
        self.ambient = self.cabin_np.attachNewNode(amb)
        ceiling = DirectionalLight("cabin-ceiling")
        self.ceiling = self.cabin_np.attachNewNode(ceiling)
        self.ceiling.setHpr(10.0, -75.0, 0.0)
        day = DirectionalLight("daylight")
        self.daylight = self.cabin_np.attachNewNode(day)
        self.daylight.setHpr(80.0, -25.0, 0.0)  # through the right windows, onto the left wall
        for light in (self.ambient, self.ceiling, self.daylight):
            self.cabin_np.setLight(light)
        sun = DirectionalLight("sun")
        self.sun = self.cabin_np.attachNewNode(sun)
        self.sun.setHpr(-60.0, -40.0, 0.0)
        self.sky_light = self.cabin_np.attachNewNode(AmbientLight("sky-ambient"))

    def _outdoor(self, node: NodePath) -> None:
        node.setLightOff(1)
        node.setLight(self.sun, 2)
        node.setLight(self.sky_light, 2)

    def _uniforms(self) -> None:
        self.u_top = PTA_LVecBase3f.emptyArray(1)
        self.u_horizon = PTA_LVecBase3f.emptyArray(1)
        self.u_sun_dir = PTA_LVecBase3f.emptyArray(1)
        self.u_light = PTA_LVecBase3f.emptyArray(1)
        self.u_cloud = PTA_LVecBase4f.emptyArray(1)
        self.u_airport = PTA_LVecBase4f.emptyArray(1)
        self.u_motion = PTA_LVecBase4f.emptyArray(1)
        self.u_alt = PTA_float([EYE_ABOVE_GROUND])
        self.u_time = PTA_float([0.0])
        d = LVecBase3f(-0.55, 0.45, 0.70)
        d.normalize()
        self.u_sun_dir[0] = d
        self._inputs: dict[str, Any] = {
            "u_top": self.u_top,
            "u_horizon": self.u_horizon,
            "u_sun_dir": self.u_sun_dir,
            "u_light": self.u_light,
            "u_cloud": self.u_cloud,
            "u_airport": self.u_airport,
            "u_motion": self.u_motion,
            "u_alt": self.u_alt,
            "u_time": self.u_time,
        }

    def _people(self, seed: int) -> None:
        cast = passengers(seed)
        bands = cast.bands.copyTo(self.cabin_np)  # shares the flattened geometry
        self.bands = [bands.find(f"passengers-{b}") for b in range(BANDS)]
        self.near = [(p, 0.15 + 0.3 * i) for i, p in enumerate(cast.near)]
        for p, _ in self.near:
            p.root.reparentTo(self.cabin_np)
        self.boarder = cast.boarder
        self.boarder.root.reparentTo(self.cabin_np)

    def _load_sounds(self) -> None:
        self.loops: dict[str, AudioSound] = {}
        self.shots: dict[str, AudioSound] = {}
        self.speech: dict[str, AudioSound] = {}
        mgr = self.ctx.audio
        if mgr is None:
            return
        seed = self.ctx.seed
        loops = {
            "roar": sounds.engine_roar(seed),
            "whine": sounds.engine_whine(seed),
            "hiss": sounds.air_hiss(seed),
            "rumble": sounds.wheel_rumble(seed),
            "rattle": sounds.rattle(seed),
        }
        shots = {
            "chime": sounds.chime(),
            "gear": sounds.gear_thump(seed),
            "thunder": sounds.thunder(seed),
            "clatter": sounds.clatter(seed),
        }
        try:
            for name, samples in loops.items():
                snd = mgr.getSound(sound.ram_wav(f"flying-{name}-{seed}.wav", samples))
                snd.setLoop(True)
                snd.setVolume(0.0)
                snd.play()
                self.loops[name] = self.add_sound(snd)
            for name, samples in shots.items():
                snd = mgr.getSound(sound.ram_wav(f"flying-{name}-{seed}.wav", samples))
                self.shots[name] = self.add_sound(snd)
        except OSError as exc:  # the cabin still works silent
            log.warning("flying: no cabin sound (%s)", exc)
        for name in LINES.names():
            path = LINES.recording(name, self.ctx.language)
            if not path.is_file():
                log.warning("flying: no recording %s (run python -m tools.speech flying)", path)
                continue
            self.speech[name] = self.add_sound(mgr.getSound(Filename.fromOsSpecific(str(path))))

    def on_teardown(self) -> None:
        holder = passengers(self.ctx.seed).holder
        for p in (*(p for p, _ in self.near), self.boarder):
            p.root.reparentTo(holder)  # kept for the next load, out of the scene graph
        self.loops = {}
        self.shots = {}
        self.speech = {}
        self.near = []

    # -- parameters that start something ----------------------------------------------
    def set_params(self, values: Any, ramp_s: float | None = None) -> None:
        old = str(self.target("phase"))
        super().set_params(values, ramp_s)
        new = str(self.target("phase"))
        if new != old:
            # Choosing a phase starts it from its beginning (the phase being
            # left keeps running while it blends out).
            self._phase_t0 = {old: self._phase_t0.get(old, self.time), new: self.time}
            self._belt = self._belt_default(new)

    @staticmethod
    def _belt_default(phase: str) -> bool:
        return phase not in ("gate", "cruise")

    # -- events -------------------------------------------------------------------------
    def _play(self, name: str, volume: float = 1.0) -> None:
        snd = self.shots.get(name)
        if snd is not None:
            snd.setVolume(volume)
            snd.play()

    def on_event(self, name: str, **options: Any) -> None:
        if name == "chime":
            self._belt = not self._belt
            self._chime_t0 = self.time
            self._play("chime", 0.8)
        elif name.startswith("announce_"):
            which = name.removeprefix("announce_")
            if which in ("turbulence", "descent"):
                self._belt = True
            self._chime_t0 = self.time
            self._announce_t0 = self.time
            self._announce_s = DECLARATION.event(name).duration_s
            self._speech = (self.time + SPEECH_DELAY_S, which)
            self._play("chime", 0.8)
        elif name == "gear":
            self._gear_clunk_done = False
            self._play("gear", 0.5 + 0.5 * float(self.value("noise")))
        elif name == "lightning":
            self._flash_t0 = self.time
        elif name == "drop":
            self._play("clatter", 0.5 + 0.5 * float(self.value("noise")))

    # -- frame --------------------------------------------------------------------------
    def _flight(self) -> FlightState:
        a, b, p = self.transition("phase")
        a, b = str(a), str(b)
        t = self.time
        sb = phase_state(b, t - self._phase_t0.get(b, 0.0))
        if p >= 1.0 or a == b:
            return sb
        sa = phase_state(a, t - self._phase_t0.get(a, 0.0))
        return blend(sa, sb, p)

    def on_update(self, t: float, dt: float) -> None:
        self._frame += 1
        st = self._flight()
        thrust_p = self.event_progress("thrust")
        thrust_env = 0.0
        if thrust_p is not None:
            thrust_env = smoothstep(thrust_p / 0.25) * (1.0 - smoothstep((thrust_p - 0.55) / 0.45))
        speed = st.speed * (1.0 + 0.2 * thrust_env)
        self._ground_y = (self._ground_y + speed * dt) % GROUND_WRAP
        self._cloud_drift += dt * 3.0
        self._state = st
        _, b, p = self.transition("phase")
        if str(b) == "gate":
            self._left_gate *= 1.0 - min(1.0, p)
        else:
            self._left_gate += speed * dt
        self._place(t, st, thrust_env)
        self._update_outside(t, st)
        self._update_cabin_light(t)
        self._update_people(t, dt, st)
        self._update_sound(t, st, thrust_env)

    def _place(self, t: float, st: FlightState, thrust_env: float) -> None:
        s_from, s_to, sp = self.transition("seat")
        seat_x = _lerp(PATIENT_X[str(s_from)], PATIENT_X[str(s_to)], sp)
        self.cabin_np.setPos(-seat_x, 0.0, -self.ctx.eye_height)
        self.outside.setPos(seat_x, 0.0, EYE_Z)
        self.outside.setHpr(0.0, -st.pitch, 0.0)
        dx, dz, pitch, roll = shake_offsets(t, float(self.value("turbulence")))
        # Wheels on concrete, and the engines at high thrust: a fine vibration.
        buzz = 0.002 * st.ground * min(1.0, st.speed / 20.0) + 0.003 * thrust_env
        if buzz > 0.0:
            dz += buzz * (math.sin(t * 71.0) + 0.6 * math.sin(t * 43.0 + 1.0))
        drop = self.event_progress("drop")
        if drop is not None:
            dz += drop_offset(drop)
            pitch += 0.6 * drop_offset(drop) / 0.07
        gear = self.event_progress("gear")
        if gear is not None:
            tt = gear * DECLARATION.event("gear").duration_s - 0.45
            if tt > 0.0:
                dz += 0.012 * math.exp(-6.0 * tt) * math.sin(2.0 * math.pi * 7.0 * tt)
                dz += 0.0015 * (1.0 - gear) * math.sin(t * 57.0)
                roll += 0.4 * math.exp(-5.0 * tt) * math.sin(2.0 * math.pi * 3.0 * tt)
        self.shake.setPosHpr(dx, 0.0, self.ctx.eye_height + dz, 0.0, pitch, roll)

    def _weather(self) -> Weather:
        a, b, p = self.transition("weather")
        wa, wb = WEATHER[str(a)], WEATHER[str(b)]
        if p >= 1.0 or a == b:
            return wb
        return Weather(
            _mix3(wa.top, wb.top, p),  # type: ignore[arg-type]
            _mix3(wa.horizon, wb.horizon, p),  # type: ignore[arg-type]
            _lerp(wa.light, wb.light, p),
            _mix3(wa.cloud, wb.cloud, p),  # type: ignore[arg-type]
            _lerp(wa.rain, wb.rain, p),
            _mix3(wa.daylight, wb.daylight, p),  # type: ignore[arg-type]
        )

    def _flash(self, t: float) -> float:
        """Lightning now, 0..1: a double flicker over 0.4 s, fired by the
        event or, in a storm, every 6 to 14 s."""
        storm = WEATHERS.index(str(self.target("weather"))) == 2
        if storm and t >= self._next_flash:
            if self._flash_t0 is None or t - self._flash_t0 > 1.0:
                self._flash_t0 = t
            self._next_flash = t + float(self._flash_rng.uniform(6.0, 14.0))
        if self._flash_t0 is None:
            return 0.0
        f = t - self._flash_t0
        if f > 2.5:
            self._flash_t0 = None
            return 0.0
        if f > 0.9 and not self._thunder_played:
            self._thunder_played = True
            self._play("thunder", 0.4 + 0.5 * float(self.value("noise")))
        if f < 0.05:
            self._thunder_played = False
        return max(0.0, 1.0 - f / 0.08) + 0.7 * max(0.0, 1.0 - abs(f - 0.2) / 0.06)

    _thunder_played = True

    def _update_outside(self, t: float, st: FlightState) -> None:
        w = self._weather()
        self._wx = w
        flash = self._flash(t)
        self._flash_now = flash
        high = min(1.0, st.alt / 10000.0)
        # Above the cloud layer the sun shines whatever the weather below
        # (a storm's anvils still shade it).
        above = smoothstep((st.alt - w.cloud[0] - w.cloud[1]) / 600.0)
        light = w.light + (1.0 - w.light) * above * (1.0 - 0.5 * w.rain)
        top = tuple(
            _lerp(c, s, above * (1.0 - 0.5 * w.rain)) * (1.0 - 0.3 * high)
            for c, s in zip(w.top, WEATHER["clear"].top, strict=True)
        )
        self.u_top[0] = LVecBase3f(*top)
        self.u_horizon[0] = LVecBase3f(*w.horizon)
        self.u_light[0] = LVecBase3f(light, light * 0.98, light * 0.94)
        self.u_cloud[0] = LVecBase4f(*w.cloud)
        self.u_airport[0] = LVecBase4f(st.airport, st.strip, st.runway, st.apron)
        self.u_motion[0] = LVecBase4f(0.0, self._ground_y, self._cloud_drift, flash)
        self.u_alt[0] = st.alt + EYE_ABOVE_GROUND
        self.u_time[0] = t
        sun = self.sun.node()
        sun.setColor((1.1 * light + flash, 1.05 * light + flash, light + flash, 1.0))
        sky = self.sky_light.node()
        sky.setColor((0.35 + 0.4 * flash, 0.37 + 0.4 * flash, 0.42 + 0.4 * flash, 1.0))
        # The airport set: there while on the ground near the stand.
        shown = st.airport > 0.5 and self._left_gate < 450.0 and st.alt < 60.0
        if shown:
            if self.airport.isHidden():
                self.airport.show()
            self.airport.setPos(0.0, -self._left_gate, -(st.alt + EYE_ABOVE_GROUND))
        elif not self.airport.isHidden():
            self.airport.hide()
        # Rain on the windows, blown back faster with speed.
        self._rain_u += (0.05 + st.speed / 60.0) * 0.016
        glass = self.cabin.glass
        if w.rain > 0.01:
            if glass.isHidden():
                glass.show()
            glass.setColorScale(0.72, 0.74, 0.78, 0.6 * w.rain)
            glass.setTexOffset(TextureStage.getDefault(), self._rain_u % 1.0, 0.0)
        elif not glass.isHidden():
            glass.hide()

    def _update_cabin_light(self, t: float) -> None:
        w = self._wx
        flash = self._flash_now
        boost = 0.0
        if self._announce_t0 is not None:
            f = t - self._announce_t0
            dur = self._announce_s
            if f > dur:
                self._announce_t0 = None
            else:
                boost = smoothstep(f / 0.6) * (1.0 - smoothstep((f - dur + 1.5) / 1.5))
        key = (round(boost, 3), round(flash, 3), w.daylight)
        if key != self._light_key:
            self._light_key = key  # type: ignore[assignment]
            k = 1.0 + 0.45 * boost
            self.ambient.node().setColor(
                (0.30 * k + 0.9 * flash, 0.30 * k + 0.9 * flash, 0.32 * k + flash, 1.0)
            )
            self.ceiling.node().setColor((0.36 * k, 0.35 * k, 0.33 * k, 1.0))
            d = tuple(0.6 * c for c in w.daylight)
            self.daylight.node().setColor((d[0] + flash, d[1] + flash, d[2] + flash, 1.0))
            self.cabin.glow.setColorScale(0.75 + 0.25 * k, 0.75 + 0.25 * k, 0.75 + 0.25 * k, 1)
        # Seat-belt signs: lit or not; blinking while the chime sounds.
        blink = False
        if self._chime_t0 is not None:
            f = t - self._chime_t0
            if f > 2.0:
                self._chime_t0 = None
            else:
                blink = (f * 3.0) % 1.0 > 0.5
        lit = self._belt and not blink
        bkey = (lit, blink)
        if bkey != self._belt_key:
            self._belt_key = bkey
            v = 1.0 if lit else 0.22
            self.cabin.signs.setColorScale(v, v, v * (0.95 if lit else 1.0), 1.0)

    def _update_people(self, t: float, dt: float, st: FlightState) -> None:
        occ = float(self.value("occupancy")) / 100.0
        for i, band in enumerate(self.bands):
            want = occ * BANDS > i + 0.5 or (occ >= 0.999)
            if want == band.isHidden():
                if want:
                    band.show()
                else:
                    band.hide()
        turb = float(self.value("turbulence"))
        for i, (person, rank) in enumerate(self.near):
            present = occ > rank
            if present == person.root.isHidden():
                if present:
                    person.root.show()
                else:
                    person.root.hide()
            if not present:
                continue
            person.breathe(t, 0.24 + 0.05 * turb)
            # Now and then a look out of the window or down the aisle.
            phase = math.sin(t * 0.21 + 2.1 * i) + 0.5 * math.sin(t * 0.53 + i)
            if i == 0:
                reading = phase <= 0.6
                target = (0.5, 4.0, 1.1) if reading else (-1.8, 1.5, 1.1)
                person.phone(1.0 if reading else 0.0)
                if reading == person.phone_node.isHidden():
                    if reading:
                        person.phone_node.show()
                    else:
                        person.phone_node.hide()
            else:
                target = (0.3, 1.2, 1.3) if phase > 0.8 else (-0.5, 6.0, 1.0)
            person.look_at(target, dt, rate=2.0)
            person.apply()
        gate = self._gate_weight()
        if (gate > 0.5) == self.boarder.root.isHidden():
            if gate > 0.5:
                self.boarder.root.show()
            else:
                self.boarder.root.hide()
        if gate > 0.5:
            self.boarder.breathe(t)
            look = math.sin(t * 0.3)
            self.boarder.look_at((0.9, 3.4, 2.0) if look > 0 else (0.0, -4.0, 1.5), dt, rate=2.0)
            self.boarder.apply()

    def _gate_weight(self) -> float:
        a, b, p = self.transition("phase")
        wa = 1.0 if a == "gate" else 0.0
        wb = 1.0 if b == "gate" else 0.0
        return _lerp(wa, wb, p)

    def _update_sound(self, t: float, st: FlightState, thrust_env: float) -> None:
        if not self.loops:
            return
        noise = float(self.value("noise"))
        turb = float(self.value("turbulence"))
        thrust = min(1.0, st.thrust + 0.35 * thrust_env)
        rolling = st.ground * min(1.0, st.speed / 25.0)
        self._set_volume("roar", noise * (0.08 + 0.92 * thrust**1.5))
        self._set_volume("whine", noise * (0.05 + 0.35 * thrust))
        self._set_volume("hiss", 0.15 + noise * (0.15 + 0.25 * min(1.0, st.speed / 150.0)))
        self._set_volume("rumble", noise * rolling * 0.9)
        self._set_volume("rattle", noise * min(1.0, turb * 1.2 + 0.3 * rolling))
        if self._frame % 4 == 0:
            self.loops["whine"].setPlayRate(0.75 + 0.55 * thrust)
            self.loops["rumble"].setPlayRate(0.4 + min(1.6, st.speed / 40.0))
        if self._speech is not None and t >= self._speech[0]:
            snd = self.speech.get(self._speech[1])
            self._speech = None
            if snd is not None:
                snd.setVolume(0.9)
                snd.play()

    def _set_volume(self, name: str, v: float) -> None:
        if abs(self._volumes.get(name, -1.0) - v) > 0.01:
            self._volumes[name] = v
            self.loops[name].setVolume(v)

    # -- for still cameras and tests ----------------------------------------------------
    def focus_point(self) -> tuple[float, float, float]:
        if str(self.target("seat")) == "window":
            return (-1.0, 1.0, 0.95)  # the windows, the wing below, the rows ahead
        return (0.35, 5.0, 1.05)  # down the aisle, over the rows ahead

    def flight(self) -> FlightState:
        """The aircraft's state on the last frame."""
        return self._state

    def belt_sign_on(self) -> bool:
        return self._belt


__all__ = ["PHASES", "FlyingScene", "phase_state"]
