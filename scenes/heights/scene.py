"""The heights scene: a balcony on a city tower, from the ground floor to
about 120 m above the street.

The patient never moves. The head anchor stays where the engine (or the
headset) puts it; what changes is the world under it. The city and the
tower (``city``) sit on one node moved down by the floor's height, so a
floor change rides smoothly up or down like a glass lift; the flat, the
balcony and its railings (``home``) sit on another node moved along +y so
that the patient's place (by the window, on the balcony, at the plank) comes
to them. Railings cross-fade over a position change; the sliding door opens.

Lighting is a set of uniforms shared by every shader here (``shaders``); a
time-of-day change cross-fades them. Plants, trees and the flag sway in the
vertex shader, so the wind costs a float write a frame. Cars and passers-by
(the shared procedural person) are the only nodes that move every frame;
walkers' joints are posed on alternate frames (half of them each frame).
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
from panda3d.core import (
    AudioSound,
    LVecBase3f,
    PTA_float,
    PTA_LVecBase3f,
)

from palier.scenes import sound
from palier.scenes.api import smoothstep
from palier.scenes.base import Scene
from palier.scenes.heights import audio
from palier.scenes.heights.city import PAVEMENT_Z, City, build_city, slab_z
from palier.scenes.heights.declaration import DECLARATION, MAX_FLOOR, MAX_WIND_MS, POSITIONS
from palier.scenes.heights.home import (
    PLANTER_X,
    RAIL_HEIGHT,
    RAIL_Y,
    Home,
    build_home,
)
from palier.scenes.heights.shaders import city_shader, sky_shader
from palier.scenes.people import Detail, Person, PersonLook
from palier.scenes.procedural import UNTEXTURED_UV, GeomBuilder, transform

log = logging.getLogger(__name__)

SKY_RADIUS = 450.0
GRAVITY = 9.81

# Where the patient's place is, along +y from the tower's glass face: the
# home node moves by minus this so the place comes to the head anchor.
PLACE_Y = {
    "inside_closed_window": -1.15,
    "inside_open_window": -0.75,
    "balcony_solid": 1.0,
    "balcony_low_railing": 1.2,
    "balcony_glass": 1.3,
    "plank": 1.45,
}
# Which railing (and door, plank) each place shows: weights cross-fade.
RAIL_OF = {
    "inside_closed_window": "solid",
    "inside_open_window": "solid",
    "balcony_solid": "solid",
    "balcony_low_railing": "low",
    "balcony_glass": "glass",
    "plank": "low",
}

Rgb = tuple[float, float, float]


def _unit(v: Rgb) -> Rgb:
    n = math.sqrt(sum(c * c for c in v))
    return (v[0] / n, v[1] / n, v[2] / n)


LIGHTING: dict[str, dict[str, Any]] = {
    "day": {
        "u_sun_dir": _unit((-0.45, -0.55, 0.70)),
        "u_sun_col": (1.10, 1.04, 0.94),
        "u_sky_amb": (0.44, 0.50, 0.60),
        "u_ground_amb": (0.26, 0.25, 0.23),
        "u_fog_col": (0.74, 0.80, 0.87),
        "u_zenith": (0.28, 0.48, 0.82),
        "u_horizon": (0.76, 0.84, 0.92),
        "fog": 0.0024,
        "night": 0.0,
        "home_light": 0.0,
    },
    "dusk": {
        "u_sun_dir": _unit((0.55, 0.80, 0.10)),
        "u_sun_col": (1.15, 0.60, 0.34),
        "u_sky_amb": (0.30, 0.28, 0.38),
        "u_ground_amb": (0.13, 0.10, 0.10),
        "u_fog_col": (0.60, 0.48, 0.50),
        "u_zenith": (0.16, 0.20, 0.42),
        "u_horizon": (0.92, 0.56, 0.40),
        "fog": 0.0028,
        "night": 0.55,
        "home_light": 0.25,
    },
    "night": {
        "u_sun_dir": _unit((-0.3, 0.4, 0.6)),
        "u_sun_col": (0.10, 0.12, 0.18),
        "u_sky_amb": (0.07, 0.08, 0.12),
        "u_ground_amb": (0.05, 0.05, 0.06),
        "u_fog_col": (0.07, 0.08, 0.13),
        "u_zenith": (0.01, 0.015, 0.05),
        "u_horizon": (0.09, 0.10, 0.16),
        "fog": 0.0030,
        "night": 1.0,
        "home_light": 0.45,
    },
}
_VEC3 = (
    "u_sun_dir",
    "u_sun_col",
    "u_sky_amb",
    "u_ground_amb",
    "u_fog_col",
    "u_zenith",
    "u_horizon",
)
HOME_LAMP: Rgb = (0.95, 0.80, 0.60)  # the flat's and the balcony's own lamps, added at night


class _Walker:
    __slots__ = ("direction", "person", "speed", "x0", "y")

    def __init__(self, person: Person, x0: float, y: float, direction: float, speed: float) -> None:
        self.person = person
        self.x0 = x0
        self.y = y
        self.direction = direction
        self.speed = speed


WALK_SPAN = 45.0  # walkers loop along x in -45..45 m, out of sight at the ends


class HeightsScene(Scene):
    declaration = DECLARATION

    # -- build / teardown ------------------------------------------------------------
    def on_build(self) -> None:
        seed = self.ctx.seed
        self._time = PTA_float([0.0])
        self._wind = PTA_float([0.0])
        self._flap = PTA_float([0.0])
        self._night = PTA_float([0.0])
        self._fog = PTA_float([0.0024])
        self._vec3 = {name: PTA_LVecBase3f.emptyArray(1) for name in _VEC3}
        self._home_amb = PTA_LVecBase3f.emptyArray(1)
        self._home_gnd = PTA_LVecBase3f.emptyArray(1)
        root = self.root
        root.setShader(city_shader())
        for name, pta in self._vec3.items():
            root.setShaderInput(name, pta)
        root.setShaderInput("u_time", self._time)
        root.setShaderInput("u_wind", self._wind)
        root.setShaderInput("u_flap", self._flap)
        root.setShaderInput("u_night", self._night)
        root.setShaderInput("u_fog_density", self._fog)

        self.city: City = build_city(root, seed)
        self.city.flag.setShaderInput("u_flap", PTA_float([1.0]))
        self.home: Home = build_home(root, seed)
        self.home.root.setShaderInput("u_sky_amb", self._home_amb)
        self.home.root.setShaderInput("u_ground_amb", self._home_gnd)
        self._build_sky()
        self._build_splash()
        self._build_leaves()
        self._build_people(seed)

        self._light_key: tuple[str, str, float] | None = None
        self._place_key: tuple[str, str, float, float] | None = None
        self._home_light = 0.0
        self._fall_t0: float | None = None
        self._fall_from = (PLANTER_X, RAIL_Y, RAIL_HEIGHT["solid"])
        self._creak_t0: float | None = None
        self._gust_t0: float | None = None
        self._panel_t0: float | None = None
        self._frame = 0
        self._rail_z = RAIL_HEIGHT["solid"]

        self.wind_sound: AudioSound | None = None
        self.city_sound: AudioSound | None = None
        self.creak_sound: AudioSound | None = None
        self._load_sounds(seed)

    def _build_sky(self) -> None:
        b = GeomBuilder()
        b.add_ellipsoid((0.0, 0.0, 0.0), (1.0, 1.0, 1.0), rings=16, segments=24)
        sky = self.root.attachNewNode(b.node("sky-dome"))
        sky.setShader(sky_shader(), 1)
        sky.setPos(0.0, 0.0, self.ctx.eye_height)
        sky.setScale(SKY_RADIUS)
        sky.setTwoSided(True)
        sky.setBin("background", 0)
        sky.setDepthWrite(False)
        sky.setDepthTest(False)
        self.sky = sky

    def _build_splash(self) -> None:
        """What is left on the pavement where the flower box lands: soil,
        shards and flowers, a few metres across so it reads from high up."""
        rng = np.random.default_rng(self.ctx.seed + 3)
        b = GeomBuilder()
        ang = np.linspace(0.0, 2.0 * math.pi, 15)[:-1]
        rad = 0.9 + 0.5 * rng.random(len(ang))
        ring = np.stack([rad * np.cos(ang), rad * np.sin(ang), np.zeros_like(ang)], 1)
        pts = np.vstack([[0.0, 0.0, 0.0], ring])
        tris = np.array([[0, 1 + k, 1 + (k + 1) % len(ang)] for k in range(len(ang))])
        b.add_mesh(
            pts + np.array([0.0, 0.0, 0.02]),
            np.tile([0.0, 0.0, 1.0], (len(pts), 1)),
            np.full((len(pts), 2), -1.0e4),
            tris,
            color=(0.22, 0.15, 0.10, 1.0),
        )
        for _ in range(18):
            x, y = rng.uniform(-1.6, 1.6, 2)
            s = float(rng.uniform(0.08, 0.22))
            col = (0.72, 0.36, 0.22, 1.0) if rng.random() < 0.7 else (0.85, 0.15, 0.2, 1.0)
            b.add_box((x, y, 0.05), (s, s * 0.7, 0.06), color=col)
        splash = self.city.world.attachNewNode(b.node("fallen-flower-box"))
        splash.hide()
        self.splash = splash

    def _build_leaves(self) -> None:
        """Leaves and scraps of paper that a gust blows past the balcony:
        the gust's visible sign wherever the patient looks (over the
        railing, down the facade)."""
        rng = np.random.default_rng(self.ctx.seed + 5)
        b = GeomBuilder()
        for _ in range(160):
            x, y, z = rng.uniform(-9.0, 9.0), rng.uniform(1.6, 7.0), rng.uniform(-7.0, 1.5)
            paper = rng.random() < 0.25
            w, h = (0.17, 0.12) if paper else (0.10, 0.07)
            hpr = (
                float(rng.uniform(0, 360)),
                float(rng.uniform(-80, 80)),
                float(rng.uniform(0, 360)),
            )
            m = transform((x, y, z), hpr)
            corners = (
                np.array([[-w, 0, -h], [w, 0, -h], [w, 0, h], [-w, 0, h]]) @ m[:3, :3].T + m[:3, 3]
            )
            tone = float(rng.uniform(0.8, 1.1))
            col = (0.92, 0.90, 0.84, 0.93) if paper else (0.55 * tone, 0.42 * tone, 0.12, 0.9)
            b.add_quad(corners, uvs=np.full((4, 2), UNTEXTURED_UV), color=col)
        leaves = self.home.root.attachNewNode(b.node("gust-leaves"))
        leaves.setTwoSided(True)
        leaves.hide()
        self.leaves = leaves
        # Soil, petals and leaves torn from the falling flower box: they
        # flutter down slowly, spreading in the wind, behind the box.
        b = GeomBuilder()
        for _ in range(140):
            r = rng.normal(0.0, 0.6, 3)
            kind = rng.random()
            w = float(rng.uniform(0.05, 0.09))
            hpr = (
                float(rng.uniform(0, 360)),
                float(rng.uniform(-90, 90)),
                float(rng.uniform(0, 360)),
            )
            m = transform(tuple(r), hpr)
            corners = (
                np.array([[-w, 0, -w], [w, 0, -w], [w, 0, w], [-w, 0, w]]) @ m[:3, :3].T + m[:3, 3]
            )
            if kind < 0.45:
                col = (0.90, 0.12 + 0.1 * float(rng.random()), 0.2, 0.9)  # petals
            elif kind < 0.8:
                col = (0.22, 0.42, 0.15, 0.9)  # leaves
            else:
                col = (0.25, 0.17, 0.11, 1.0)  # clods of soil
            b.add_quad(corners, uvs=np.full((4, 2), UNTEXTURED_UV), color=col)
        petals = self.home.root.attachNewNode(b.node("falling-petals"))
        petals.setTwoSided(True)
        petals.hide()
        self.petals = petals

    def _build_people(self, seed: int) -> None:
        self.walkers: list[_Walker] = []
        rng = np.random.default_rng(seed + 61)
        # Few walkers (each costs load and update time), spread so some are
        # always in view: two near the tower's door, four on the far side.
        spots: tuple[tuple[float, float, Detail], ...] = (
            (3.2, 1.0, "near"),
            (4.3, -1.0, "near"),
            (23.4, 1.0, "far"),
            (24.6, -1.0, "far"),
            (23.8, -1.0, "far"),
            (3.7, 1.0, "far"),
        )
        for k, (y, direction, detail) in enumerate(spots):
            look = PersonLook.from_seed(seed * 100 + k)
            person = Person(look, self.city.world, detail=detail, name=f"passer-by-{k}")
            person.root.setH(-90.0 if direction > 0 else 90.0)
            x0 = -WALK_SPAN + 2 * WALK_SPAN * ((k * 0.618 + 0.1) % 1.0)
            speed = float(rng.uniform(1.1, 1.5))
            self.walkers.append(_Walker(person, x0, y, direction, speed))

    def _load_sounds(self, seed: int) -> None:
        mgr = self.ctx.audio
        if mgr is None:
            return
        try:
            wind = mgr.getSound(sound.ram_wav(f"heights-wind-{seed}.wav", audio.wind_loop(seed)))
            city = mgr.getSound(sound.ram_wav(f"heights-city-{seed}.wav", audio.city_loop(seed)))
            creak = mgr.getSound(sound.ram_wav(f"heights-creak-{seed}.wav", audio.creak(seed)))
        except OSError as exc:  # the scene still works silent
            log.warning("heights: no sound (%s)", exc)
            return
        for loop in (wind, city):
            loop.setLoop(True)
            loop.setVolume(0.0)
            loop.play()
        self.wind_sound = self.add_sound(wind)
        self.city_sound = self.add_sound(city)
        self.creak_sound = self.add_sound(creak)

    def on_teardown(self) -> None:
        # The base class detaches the nodes; drop every reference to them here
        # so their geometry and textures go now, not when the collector runs.
        # Panda's render-state cache (and the last frame's cull result) can
        # keep the textures for some frames after their nodes go: release
        # them from the graphics card now, and their pixels from memory.
        for tex in (*self.city.textures, *self.home.textures):
            tex.releaseAll()
            tex.clearRamImage()
        self.walkers = []
        del self.city, self.home, self.sky, self.splash, self.leaves, self.petals
        self.wind_sound = self.city_sound = self.creak_sound = None

    # -- events ------------------------------------------------------------------------
    def on_event(self, name: str, **options: Any) -> None:
        if name == "gust":
            self._gust_t0 = self.time
        elif name == "object_falls" and self._fall_t0 is None:
            # A second fall while one is under way lets the first finish.
            self._fall_t0 = self.time
            p = self.home.planter.getPos()
            self._fall_from = (p.x, p.y, p.z)
        elif name == "railing_creaks":
            self._creak_t0 = self.time
            if self.creak_sound is not None:
                self.creak_sound.setVolume(0.9)
                sound.place(self.creak_sound, self.home.creak_point, self.ctx.head)
                self.creak_sound.play()
        elif name == "glass_panel" and self._panel_t0 is None:
            self._panel_t0 = self.time

    # -- state read by tests and still cameras -------------------------------------------------
    def floor_height(self) -> float:
        """Height (m) of the patient's floor above the street, now."""
        return slab_z(float(self.value("floor")))

    def place_y(self) -> float:
        a, b, p = self.transition("position")
        return PLACE_Y[str(a)] + (PLACE_Y[str(b)] - PLACE_Y[str(a)]) * p

    def focus_point(self) -> tuple[float, float, float]:
        """Over the railing and down: the street shows more the higher up."""
        frac = min(1.0, self.floor_height() / slab_z(MAX_FLOOR))
        pitch = math.radians(8.0 + 54.0 * frac)
        head = self.ctx.head.getPos(self.root)
        return (head.x, head.y + 40.0 * math.cos(pitch), head.z - 40.0 * math.sin(pitch))

    def street_below(self) -> tuple[float, float, float]:
        """A point on the pavement straight out from the balcony's edge."""
        return (0.0, 3.0, PAVEMENT_Z - self.floor_height())

    # -- frame -------------------------------------------------------------------------------
    def on_update(self, t: float, dt: float) -> None:
        self._frame += 1
        self._time[0] = t
        height = self.floor_height()
        self.city.world.setZ(-height)
        self._update_light()
        self._update_place()
        gust = self._update_gust(t)
        wind = float(self.value("wind")) / MAX_WIND_MS
        w_eff = min(1.4, wind + 0.75 * gust)
        self._wind[0] = w_eff
        self._update_cars(t)
        self._update_people(t)
        self._update_fall(t, height)
        self._update_creak(t)
        self._update_panel(t)
        self._update_sound(w_eff, height)

    def _update_light(self) -> None:
        a, b, p = self.transition("time_of_day")
        key = (str(a), str(b), p)
        if key == self._light_key:
            return
        self._light_key = key
        la, lb = LIGHTING[str(a)], LIGHTING[str(b)]
        for name, pta in self._vec3.items():
            va, vb = la[name], lb[name]
            v = LVecBase3f(*(va[i] + (vb[i] - va[i]) * p for i in range(3)))
            if name == "u_sun_dir":
                v.normalize()
            pta[0] = v
        self._fog[0] = la["fog"] + (lb["fog"] - la["fog"]) * p
        self._night[0] = la["night"] + (lb["night"] - la["night"]) * p
        lamp = la["home_light"] + (lb["home_light"] - la["home_light"]) * p
        sky, gnd = self._vec3["u_sky_amb"][0], self._vec3["u_ground_amb"][0]
        self._home_amb[0] = LVecBase3f(*(max(sky[i], lamp * HOME_LAMP[i]) for i in range(3)))
        self._home_gnd[0] = LVecBase3f(*(max(gnd[i], 0.7 * lamp * HOME_LAMP[i]) for i in range(3)))

    def _update_place(self) -> None:
        a, b, p = self.transition("position")
        a, b = str(a), str(b)
        y = self.place_y()
        key = (a, b, p, y)
        if key == self._place_key:
            return
        self._place_key = key
        home = self.home
        home.root.setY(-y)

        def weight(pred: Any) -> float:
            wa = 1.0 if pred(a) else 0.0
            wb = 1.0 if pred(b) else 0.0
            return wa + (wb - wa) * p

        w_solid = weight(lambda s: RAIL_OF[s] == "solid")
        w_low = weight(lambda s: RAIL_OF[s] == "low")
        w_glass = weight(lambda s: RAIL_OF[s] == "glass")
        w_gate = weight(lambda s: s == "balcony_low_railing")
        w_plank = weight(lambda s: s == "plank")
        w_door = weight(lambda s: s != "inside_closed_window")
        for node, w in (
            (home.rail_solid, w_solid),
            (home.rail_low, w_low),
            (home.rail_gate, w_gate),
            (home.rail_glass, w_glass),
            (home.plank, w_plank),
        ):
            if w <= 0.001:
                node.hide()
            else:
                node.show()
                node.setAlphaScale(w)
        home.door.setX(-1.6 * smoothstep(w_door))
        self._rail_z = (
            w_solid * RAIL_HEIGHT["solid"]
            + w_low * RAIL_HEIGHT["low"]
            + w_glass * RAIL_HEIGHT["glass"]
        ) / max(w_solid + w_low + w_glass, 1e-6)
        if self._fall_t0 is None:
            home.planter.setPos(PLANTER_X, RAIL_Y, self._rail_z)

    def _update_gust(self, t: float) -> float:
        if self._gust_t0 is None:
            return 0.0
        f = (t - self._gust_t0) / DECLARATION.event("gust").duration_s
        if f >= 1.0 or f < 0.0:
            self._gust_t0 = None
            self.leaves.hide()
            return 0.0
        # The leaves sweep through with the wind (+x), tumbling and lifting.
        self.leaves.show()
        self.leaves.setPos(-14.0 + 28.0 * f, 0.0, 1.5 * math.sin(math.pi * f))
        self.leaves.setHpr(0.0, 0.0, 25.0 * math.sin(3.0 * math.pi * f))
        return smoothstep(f / 0.2) * (1.0 - smoothstep((f - 0.45) / 0.55))

    def _update_cars(self, t: float) -> None:
        for lane in self.city.lanes:
            lane.place(t)

    def _update_people(self, t: float) -> None:
        parity = self._frame & 1
        span = 2.0 * WALK_SPAN
        for k, w in enumerate(self.walkers):
            travelled = w.speed * t
            x = (w.x0 + w.direction * travelled + WALK_SPAN) % span - WALK_SPAN
            w.person.root.setPos(x, w.y, PAVEMENT_Z)
            if (k & 1) == parity:
                w.person.walk(travelled / w.person.stride())
                w.person.apply()

    def _update_fall(self, t: float, height: float) -> None:
        if self._fall_t0 is None:
            return
        planter = self.home.planter
        f_total = DECLARATION.event("object_falls").duration_s
        lt = t - self._fall_t0
        x0, y0, z0 = self._fall_from
        tip_s = 0.7
        drop = z0 + height - PAVEMENT_Z  # from the rail top to the pavement
        fall_s = math.sqrt(2.0 * max(drop, 0.01) / GRAVITY)
        # The petals: slower, spreading, drifting with the wind (+x).
        if lt >= tip_s * 0.6:
            pt = lt - tip_s * 0.6
            self.petals.show()
            self.petals.setPos(x0 + 0.6 * pt, y0 + 0.5 + 0.25 * pt, z0 - 2.5 * pt - 0.4 * pt * pt)
            self.petals.setScale(0.4 + 0.9 * pt)
            self.petals.setH(40.0 * pt)
        if lt >= f_total or lt < 0.0:
            self._fall_t0 = None
            self.splash.hide()
            self.petals.hide()
            planter.setHpr(0.0, 0.0, 0.0)
            planter.setScale(1.0)
            planter.show()
            planter.setPos(PLANTER_X, RAIL_Y, self._rail_z)
            return
        if lt < tip_s:  # it tips outward over the rail
            f = smoothstep(lt / tip_s)
            planter.setPos(x0, y0 + 0.18 * f, z0 + 0.03 * math.sin(math.pi * f))
            planter.setHpr(0.0, -70.0 * f, 0.0)
            return
        ft = lt - tip_s
        if ft < fall_s:
            z = z0 - 0.5 * GRAVITY * ft * ft
            y = y0 + 0.18 + 0.35 * ft
            planter.setPos(x0 + 0.05 * ft, y, z)
            planter.setHpr(25.0 * ft, -70.0 - 160.0 * ft, 40.0 * ft)
            # Kept a few pixels big however far it falls: it must be seen to fall.
            d = (planter.getPos(self.ctx.head)).length()
            planter.setScale(max(1.0, d / 18.0))
            return
        if not planter.isHidden():
            planter.hide()
            self.splash.setPos(x0, y0 + 0.18 + 0.35 * fall_s, PAVEMENT_Z)
            self.splash.show()

    def _update_creak(self, t: float) -> None:
        if self._creak_t0 is None:
            return
        lt = t - self._creak_t0
        duration = DECLARATION.event("railing_creaks").duration_s
        if lt >= duration or lt < 0.0:
            self._creak_t0 = None
            self.home.railings.setHpr(0.0, 0.0, 0.0)
            return
        # The rail gives a little outward under load (a slow bow), with a
        # shudder on top while it creaks, then settles back.
        give = math.sin(math.pi * min(1.0, lt / 2.2)) ** 2 if lt < 2.2 else 0.0
        env = math.sin(math.pi * min(1.0, lt / 1.4)) if lt < 1.4 else 0.0
        shake = env * math.sin(2.0 * math.pi * 7.0 * lt)
        self.home.railings.setHpr(0.0, -4.0 * give + 1.5 * shake, 0.6 * shake)
        if self.creak_sound is not None:
            sound.place(self.creak_sound, self.home.creak_point, self.ctx.head)

    def _update_panel(self, t: float) -> None:
        home = self.home
        if self._panel_t0 is None:
            return
        lt = t - self._panel_t0
        duration = DECLARATION.event("glass_panel").duration_s
        if lt >= duration or lt < 0.0:
            self._panel_t0 = None
            home.panel_deck.show()
            home.panel_deck.setAlphaScale(1.0)
            home.panel_glass.hide()
            return
        e = smoothstep(lt / 1.5) * (1.0 - smoothstep((lt - duration + 1.5) / 1.5))
        home.panel_glass.show()
        if e >= 0.999:
            home.panel_deck.hide()
        else:
            home.panel_deck.show()
            home.panel_deck.setAlphaScale(1.0 - e)

    def _update_sound(self, w_eff: float, height: float) -> None:
        if self.wind_sound is None or self.city_sound is None:
            return
        up = min(1.0, height / slab_z(MAX_FLOOR))
        a, b, p = self.transition("position")
        inside = (1.0 if a == "inside_closed_window" else 0.0) * (1 - p) + (
            1.0 if b == "inside_closed_window" else 0.0
        ) * p
        self.wind_sound.setVolume(audio.wind_volume(w_eff, up, inside))
        self.wind_sound.setPlayRate(0.9 + 0.25 * min(1.0, w_eff))
        self.city_sound.setVolume(audio.city_volume(up, inside))


__all__ = ["POSITIONS", "HeightsScene"]
