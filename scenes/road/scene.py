"""The road-traffic scene: a town street at a zebra crossing, from the
pavement or from a car's front passenger seat, for trauma-focused exposure
after a road accident.

Everything is built once (the street tile, every vehicle kind under every
traffic slot, the event vehicles, the people, the cabin, the rain); a frame
only moves nodes, shows or hides them and writes shader inputs. The head
anchor is never touched: on the pavement the street is placed round the
patient (``kerb_distance`` moves the street, not the head), and in the car
the street streams past (``motion`` carries the braking's pitch).

Traffic is a pool of slots in two lanes (lane A toward +X from the patient's
left, lane B toward -X from the right: France drives on the right). Each
slot follows the one ahead; cars arrive at random gaps whose mean gives the
``traffic`` rate. The therapist's cues are scripted vehicles ("actors"), each
a pure function of its event's clock, in the street's frame; in the car they
are placed relative to where the car was when the event was fired.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from panda3d.core import (
    AmbientLight,
    AudioSound,
    DirectionalLight,
    Geom,
    GeomNode,
    LVecBase3f,
    LVecBase4f,
    NodePath,
    PTA_float,
    PTA_LVecBase3f,
    PTA_LVecBase4f,
    TransparencyAttrib,
)

from palier.scenes import sound
from palier.scenes.api import smoothstep
from palier.scenes.base import Scene
from palier.scenes.people import Person, PersonLook
from palier.scenes.procedural import UNTEXTURED_UV, GeomBuilder
from palier.scenes.road import sounds, vehicles
from palier.scenes.road.cabin import Cabin, build_cabin
from palier.scenes.road.declaration import DECLARATION
from palier.scenes.road.shaders import MAX_LAMPS, sky_shader, street_shader
from palier.scenes.road.street import (
    CROSS_X,
    FAR_KERB,
    KERB_Y,
    KERB_Z,
    LAMP_HEAD_Z,
    LAMP_XS,
    LANE_A,
    LANE_B,
    PARK_Y,
    TILE,
    Street,
    build_street,
)

log = logging.getLogger(__name__)

SLOTS = 14
RIDERS = 2  # motorbike riders, lent to whichever slot becomes a motorbike
WINDOW = 140.0  # traffic runs from this far on one side to as far on the other
SEAT_Y = LANE_A - 0.37  # the passenger seat, right of the car's centre line
KMH = 1.0 / 3.6
BRAKE = 7.5  # m/s2, hard braking on a dry road
Rgb = tuple[float, float, float]

LIGHTING: dict[str, dict[str, Any]] = {
    "day": {
        "u_sun_dir": (-0.35, -0.45, 0.82),
        "u_sun_col": (1.05, 1.0, 0.92),
        "u_sky_amb": (0.46, 0.50, 0.58),
        "u_ground_amb": (0.30, 0.29, 0.27),
        "u_fog_col": (0.74, 0.79, 0.85),
        "u_zenith": (0.30, 0.50, 0.82),
        "u_horizon": (0.78, 0.84, 0.90),
        "fog": 0.0055,
        "night": 0.0,
        "lamps": 0.0,
        "headlights": 0.0,
    },
    "dusk": {
        "u_sun_dir": (0.6, 0.75, 0.12),
        "u_sun_col": (0.75, 0.45, 0.30),
        "u_sky_amb": (0.26, 0.26, 0.36),
        "u_ground_amb": (0.13, 0.11, 0.11),
        "u_fog_col": (0.45, 0.40, 0.48),
        "u_zenith": (0.14, 0.18, 0.38),
        "u_horizon": (0.85, 0.52, 0.40),
        "fog": 0.0045,
        "night": 0.6,
        "lamps": 0.7,
        "headlights": 0.7,
    },
    "night": {
        "u_sun_dir": (-0.3, 0.4, 0.6),
        "u_sun_col": (0.05, 0.06, 0.09),
        "u_sky_amb": (0.10, 0.11, 0.15),
        "u_ground_amb": (0.09, 0.08, 0.07),
        "u_fog_col": (0.05, 0.055, 0.08),
        "u_zenith": (0.01, 0.015, 0.04),
        "u_horizon": (0.08, 0.08, 0.11),
        "fog": 0.006,
        "night": 1.0,
        "lamps": 1.0,
        "headlights": 1.0,
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
PAINTS: tuple[Rgb, ...] = (
    (0.85, 0.85, 0.86),
    (0.10, 0.10, 0.11),
    (0.52, 0.54, 0.56),
    (0.60, 0.08, 0.07),
    (0.10, 0.20, 0.45),
    (0.92, 0.92, 0.90),
    (0.25, 0.28, 0.30),
    (0.30, 0.40, 0.30),
)
MIX_KINDS: dict[str, tuple[tuple[str, float], ...]] = {
    "cars": (("hatchback", 0.6), ("saloon", 0.4)),
    "cars_vans": (("hatchback", 0.45), ("saloon", 0.3), ("van", 0.25)),
    "all": (
        ("hatchback", 0.32),
        ("saloon", 0.22),
        ("van", 0.2),
        ("lorry", 0.13),
        ("motorbike", 0.13),
    ),
}
TRAFFIC_KINDS = ("hatchback", "saloon", "van", "lorry", "motorbike")


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


@dataclass(slots=True)
class _Parts:
    node: NodePath
    paint: NodePath
    front: NodePath
    rear: NodePath
    beacon: NodePath | None
    model: vehicles.Model


@dataclass(slots=True)
class _Vehicle:
    root: NodePath
    parts: dict[str, _Parts]
    kind: str = ""
    lane: int = 0  # 0: lane A (+X), 1: lane B (-X)
    x: float = 0.0
    y: float = 0.0
    heading: float = 0.0
    speed: float = 0.0
    want: float = 0.0
    active: bool = False
    brake: float = 0.0
    flash: float = 0.0
    pitch: float = 0.0
    rider: Person | None = None
    engine: AudioSound | None = None
    _shown: str = ""
    _lamp_key: tuple[float, float, float] = (-1.0, -1.0, -1.0)

    def show_kind(self, kind: str) -> None:
        if kind == self._shown:
            return
        if self._shown:
            self.parts[self._shown].node.hide()
        if kind:
            self.parts[kind].node.show()
        self._shown = kind
        self.kind = kind

    def lamps(self, head: float, tail: float) -> None:
        """Headlights (0 off .. 1 night, above 1 flashing), tail lights
        (brightened by braking); only written when they change."""
        key = (round(head, 2), round(tail, 2), 0.0)
        if key == self._lamp_key or not self._shown:
            return
        self._lamp_key = key
        p = self.parts[self._shown]
        h = 0.75 + 2.8 * head
        p.front.setColorScale(h, h, h * 0.95, 1.0)
        r = 0.55 + 2.6 * tail
        p.rear.setColorScale(r, r, r, 1.0)


@dataclass(slots=True)
class _Walker:
    person: Person
    x0: float
    y: float
    direction: float
    speed: float
    waiting: bool = False
    x: float = 0.0


@dataclass(slots=True)
class _Cue:
    """One fired event's state, in the street's frame."""

    name: str
    t0: float
    side: str
    distance: float
    dir: float  # +1: comes from the patient's left (-X), -1 from the right
    origin: float  # the viewer's x along the street when fired
    speed: float
    extra: dict[str, float] = field(default_factory=dict)


class RoadScene(Scene):
    declaration = DECLARATION

    # -- build -------------------------------------------------------------------------------
    def on_build(self) -> None:
        seed = self.ctx.seed
        self._rng = np.random.default_rng(seed + 17)
        root = self.root
        self._pta_f = {n: PTA_float([0.0]) for n in ("u_fog_density", "u_night", "u_wet", "u_rain")}
        self._pta_v = {n: PTA_LVecBase3f.emptyArray(1) for n in _VEC3}
        self._lamp_pos = PTA_LVecBase4f.emptyArray(MAX_LAMPS)
        self._lamp_col = PTA_LVecBase3f.emptyArray(MAX_LAMPS)
        self._flash_pos = PTA_LVecBase4f.emptyArray(1)
        self._flash_col = PTA_LVecBase3f.emptyArray(1)
        root.setShader(street_shader())
        for name, pta in {**self._pta_f, **self._pta_v}.items():
            root.setShaderInput(name, pta)
        root.setShaderInput("u_lamp_pos", self._lamp_pos)
        root.setShaderInput("u_lamp_col", self._lamp_col)
        root.setShaderInput("u_flash_pos", self._flash_pos)
        root.setShaderInput("u_flash_col", self._flash_col)
        self._make_lights()
        self._build_sky()
        self.motion = root.attachNewNode("car-motion")  # the car's pitch when it brakes
        self.world = self.motion.attachNewNode("street")
        self.street: Street = build_street(self.world, seed)
        for k in (-2, -1, 1, 2):
            holder = self.world.attachNewNode(f"street-tile-{k}")
            holder.setX(k * TILE)
            self.street.tile.instanceTo(holder)
        self._kind_nodes = {k: self._model_nodes(k) for k in vehicles.KINDS}
        self.traffic = [self._vehicle(f"vehicle-{i}", TRAFFIC_KINDS) for i in range(SLOTS)]
        self.riders = [self._make_rider(seed * 100 + 70 + i) for i in range(RIDERS)]
        self.actors = {
            "horn": self._vehicle("horn-car", ("hatchback",)),
            "brakes": self._vehicle("braking-car", ("saloon",)),
            "near_miss": self._vehicle("near-miss-car", ("saloon",)),
            "siren": self._vehicle("ambulance", ("ambulance",)),
            "emergency_lights": self._vehicle("police-car", ("police",)),
        }
        self.door_car = self._vehicle("door-car", ("hatchback",))
        self._build_door()
        self._build_people(seed)
        self.cabin: Cabin = build_cabin(root)
        self._build_rain(seed)
        # State.
        self.car_x = 0.0
        self.car_v = float(self.value("speed")) * KMH
        self._car_want = self.car_v
        self._dip = 0.0
        self._next_spawn = [0.0, 0.0]
        self.cues: dict[str, _Cue] = {}
        self._light_key: tuple[object, ...] = ()
        self._view = ""
        self._frame = 0
        self._lamps_set = False
        self._seed_traffic()
        self._load_sounds(seed)

    def _make_lights(self) -> None:
        # People (the shared skinned shader) read Panda's lights; the street
        # reads the same colours from its own uniforms.
        self.ambient = AmbientLight("road-ambient")
        self.sun = DirectionalLight("road-sun")
        self._amb_np = self.root.attachNewNode(self.ambient)
        self._sun_np = self.root.attachNewNode(self.sun)
        self.root.setLight(self._amb_np)
        self.root.setLight(self._sun_np)

    def _build_sky(self) -> None:
        b = GeomBuilder()
        b.add_ellipsoid((0.0, 0.0, 0.0), (1.0, 1.0, 1.0), rings=12, segments=20)
        sky = self.root.attachNewNode(b.node("sky-dome"))
        sky.setScale(450.0)
        sky.setTwoSided(True)
        sky.setShader(sky_shader(), 2)
        sky.setBin("background", 0)
        sky.setDepthWrite(False)
        sky.setLightOff(1)
        self.sky = sky

    def _model_nodes(self, kind: str) -> dict[str, NodePath | None]:
        """One node per part of a kind, instanced under every vehicle of it
        (held as unparented paths: instancing needs a path, not the node)."""
        out: dict[str, NodePath | None] = {}
        for part, geom in vehicles.geoms(kind).items():
            if geom is None:
                out[part] = None
                continue
            node = GeomNode(f"{kind}-{part}")
            node.addGeom(geom)
            out[part] = NodePath(node)
        return out

    def _vehicle(self, name: str, kinds: tuple[str, ...]) -> _Vehicle:
        root = self.world.attachNewNode(name)
        parts: dict[str, _Parts] = {}
        for kind in kinds:
            nodes = self._kind_nodes[kind]
            body_np, trim_np, front_np, rear_np = (
                nodes[k] for k in ("body", "trim", "front", "rear")
            )
            assert body_np and trim_np and front_np and rear_np
            holder = root.attachNewNode(kind)
            paint = holder.attachNewNode("paint")
            body_np.instanceTo(paint)
            trim_np.instanceTo(holder)
            front = holder.attachNewNode("front-lamps")
            front_np.instanceTo(front)
            rear = holder.attachNewNode("rear-lamps")
            rear_np.instanceTo(rear)
            for lamp in (front, rear):
                lamp.setShader(glow_shader_attr(), 1)
            beacon = None
            beacon_np = nodes["beacon"]
            if beacon_np is not None:
                beacon = holder.attachNewNode("beacons")
                beacon_np.instanceTo(beacon)
                beacon.setShader(glow_shader_attr(), 1)
                beacon.hide()
            holder.hide()
            parts[kind] = _Parts(holder, paint, front, rear, beacon, vehicles.model(kind))
        root.hide()
        return _Vehicle(root, parts)

    def _make_rider(self, seed: int) -> Person:
        """A helmeted rider, parked hidden until a motorbike needs one."""
        look = PersonLook.from_seed(seed)
        rider = Person(
            look, self.world, pose="seated", seat_height=0.86, detail="far", name="rider"
        )
        rider.root.setH(-90.0)  # people face their +Y; the bike goes +X
        rider.root.hide()
        hb = GeomBuilder()
        head = rider.point("head", (0.0, 0.0, 0.08))
        hb.add_ellipsoid(
            (0.0, 0.0, 0.0), (0.15, 0.16, 0.15), rings=8, segments=12, color=(0.1, 0.1, 0.12, 1.0)
        )
        helmet = rider.root.attachNewNode(hb.node("helmet"))
        helmet.setPos(head[0], head[1], head[2])
        return rider

    def _release(self, v: _Vehicle) -> None:
        """Take a vehicle off the street (and give back its rider)."""
        v.active = False
        v.root.hide()
        if v.rider is not None:
            v.rider.root.hide()
            v.rider.root.reparentTo(self.world)
            self.riders.append(v.rider)
            v.rider = None

    def _build_door(self) -> None:
        """The door car's driver's door (on its left, the road side), hinged
        at its front edge; the car itself is an ordinary parked hatchback."""
        m = vehicles.model("hatchback")
        b = GeomBuilder()
        hw = m.width / 2
        b.add_box((-0.5, 0.0, 0.62), (1.0, 0.05, 0.66), color=(1.0, 1.0, 1.0, 1.0))
        b.add_box((-0.45, 0.0, 1.15), (0.85, 0.03, 0.38), color=(0.07, 0.09, 0.11, 1.0))
        hinge = self.door_car.root.attachNewNode("door-hinge")
        hinge.setPos(0.55, hw + 0.03, 0.0)
        self.door = hinge.attachNewNode(b.node("door"))
        self.door_hinge = hinge
        paint = (0.20, 0.35, 0.30)
        self.door.setColorScale(*paint, 1.0)
        self.door_car.parts["hatchback"].paint.setColorScale(*paint, 1.0)

    def _build_people(self, seed: int) -> None:
        """Pedestrians on both pavements: two waiting at the far side of the
        crossing, walkers going both ways."""
        spots = (
            (-0.8, FAR_KERB + 0.9, 0.0, 0.0, "near"),
            (1.0, FAR_KERB + 1.3, 0.0, 0.0, "near"),
            (-20.0, FAR_KERB + 2.4, 1.0, 1.3, "far"),
            (12.0, FAR_KERB + 2.0, -1.0, 1.2, "far"),
            (-8.0, -3.4, -1.0, 1.25, "near"),
        )
        self.walkers: list[_Walker] = []
        for k, (x, y, d, v, detail) in enumerate(spots):
            look = PersonLook.from_seed(seed * 100 + 11 + k)
            p = Person(
                look,
                self.world,
                detail="near" if detail == "near" else "far",
                name=f"pedestrian-{k}",
            )
            w = _Walker(p, x, y, d, v, waiting=d == 0.0, x=x)
            p.root.setPos(x, y, KERB_Z)
            p.root.setH(180.0 if y > LANE_B else (-90.0 if d > 0 else 90.0))
            if w.waiting:
                p.root.setH(180.0)
            self.walkers.append(w)
        self.walkers[1].person.phone(1.0)
        self.walkers[1].person.phone_node.show()

    def _build_rain(self, seed: int) -> None:
        node = GeomNode("rain")
        node.addGeom(rain_geom(seed))
        rain = self.root.attachNewNode(node)
        rain.setShader(glow_shader_attr(), 1)
        rain.setTextureOff(1)
        rain.setTransparency(TransparencyAttrib.MAlpha)
        rain.setDepthWrite(False)
        rain.setTwoSided(True)
        rain.setBin("transparent", 20)
        rain.hide()
        self.rain = rain

    def _load_sounds(self, seed: int) -> None:
        self.snd: dict[str, AudioSound] = {}
        mgr = self.ctx.audio
        if mgr is None:
            return
        try:
            bed = mgr.getSound(sound.ram_wav(f"road-bed-{seed}.wav", sounds.traffic_bed(seed)))
            rain = mgr.getSound(sound.ram_wav(f"road-rain-{seed}.wav", sounds.rain_loop(seed)))
            for key, loop in (("bed", bed), ("rain", rain)):
                loop.setLoop(True)
                loop.setVolume(0.0)
                loop.play()
                self.snd[key] = self.add_sound(loop)
            engine_wav = sound.ram_wav(f"road-engine-{seed}.wav", sounds.engine_loop(seed))
            for v in self.traffic:
                snd = mgr.getSound(engine_wav, True)
                snd.setLoop(True)
                snd.setVolume(0.0)
                snd.play()
                v.engine = self.add_sound(snd)
            clips = {
                "horn": ("road-horn.wav", sounds.horn()),
                "screech": (f"road-screech-{seed}.wav", sounds.screech(seed)),
                "crash": (f"road-crash-{seed}.wav", sounds.crash(seed)),
                "siren": ("road-siren.wav", sounds.siren_loop()),
                "door": (f"road-door-{seed}.wav", sounds.door_slam(seed)),
            }
            for key, (name, samples) in clips.items():
                self.snd[key] = self.add_sound(mgr.getSound(sound.ram_wav(name, samples), True))
            self.snd["siren"].setLoop(True)
        except OSError as exc:  # the scene still works silent
            log.warning("road: no sound (%s)", exc)

    def on_teardown(self) -> None:
        self.snd = {}
        self.traffic = []
        self.walkers = []
        self.actors = {}
        self.riders = []

    # -- helpers ----------------------------------------------------------------------------------
    def _pavement(self) -> bool:
        return str(self.target("viewpoint")) == "pavement"

    def _viewer_x(self) -> float:
        return 0.0 if self._pavement() else self.car_x

    def _tile_base(self) -> float:
        return 0.0 if self._pavement() else math.floor(self.car_x / TILE) * TILE

    def _pick_kind(self) -> str:
        mix = MIX_KINDS[str(self.target("vehicles"))]
        kinds = [k for k, _ in mix if k != "motorbike" or self.riders]
        weights = np.array([w for k, w in mix if k in kinds])
        return str(self._rng.choice(kinds, p=weights / weights.sum()))

    def _spawn(self, i: int, lane: int, x: float, kind: str = "") -> None:
        v = self.traffic[i]
        self._release(v)
        kind = kind or self._pick_kind()
        v.show_kind(kind)
        if kind == "motorbike":
            v.rider = self.riders.pop()
            v.rider.root.reparentTo(v.root)
            v.rider.root.setPos(-0.25, 0.0, 0.0)
            v.rider.root.show()
        paint = PAINTS[int(self._rng.integers(len(PAINTS)))]
        v.parts[kind].paint.setColorScale(*paint, 1.0)
        v.lane = lane
        v.x = x
        v.y = LANE_A if lane == 0 else LANE_B
        v.heading = 0.0 if lane == 0 else 180.0
        base = float(self.value("speed")) * KMH
        v.want = base * float(self._rng.uniform(0.9, 1.1)) * (1.1 if kind == "motorbike" else 1.0)
        v.want *= 0.9 if kind == "lorry" else 1.0
        v.speed = v.want
        v.active = True
        v._lamp_key = (-1.0, -1.0, -1.0)
        v.root.show()
        if v.engine is not None:
            rate = {"lorry": 0.62, "motorbike": 1.6, "van": 0.85}.get(kind, 1.0)
            v.engine.setPlayRate(rate)

    def _seed_traffic(self) -> None:
        """Start with the street already in use (not empty, filling up)."""
        rate = float(self.value("traffic")) / 60.0
        v = float(self.value("speed")) * KMH
        n = min(SLOTS - 2, round(rate * 2.0 * WINDOW / max(v, 1.0)))
        for i in range(n):
            # In the car only the other lane's traffic is seeded: the car's own
            # lane holds the car ahead (``_lead_car``) and nothing behind.
            lane = i % 2 if self._pavement() else 1
            x = self._rng.uniform(-WINDOW + 5.0, WINDOW - 5.0) + self._viewer_x()
            if not self._pavement() and abs(x - self._viewer_x()) < 6.0:
                continue
            self._spawn(self._free_slot(), lane, float(x))
        # The next arrivals, as if the street had been running all along.
        lane_rate = rate / 2.0 if self._pavement() else rate
        for lane in (0, 1):
            self._next_spawn[lane] = self.time + float(self._rng.exponential(1.0 / lane_rate))

    def _free_slot(self) -> int:
        for i, v in enumerate(self.traffic):
            if not v.active:
                return i
        return -1

    # -- events ---------------------------------------------------------------------------------
    def on_event(self, name: str, **options: Any) -> None:
        side = str(options.get("side", "left"))
        cue = _Cue(
            name,
            self.time,
            side,
            float(options.get("distance", 0.0)),
            1.0 if side == "left" else -1.0,
            self._viewer_x(),
            max(float(self.value("speed")) * KMH, 8.0),
        )
        self.cues[name] = cue
        if name == "near_miss" and not self._pavement():
            # Where the patient's car will stop (reaction, then hard braking).
            v = self.car_v
            cue.extra["stop"] = self.car_x + 0.6 * v + v * v / (2.0 * 8.0) + 0.5
        if name in ("brakes", "near_miss", "crash_sound", "horn", "door_slam"):
            cue.extra["played"] = 0.0

    def _cue(self, name: str) -> tuple[_Cue, float] | None:
        cue = self.cues.get(name)
        if cue is None:
            return None
        lt = self.time - cue.t0
        if lt > DECLARATION.event(name).duration_s or lt < 0.0:
            del self.cues[name]
            return None
        return cue, lt

    def _play(self, key: str, at: NodePath | None, volume: float, rate: float = 1.0) -> None:
        snd = self.snd.get(key)
        if snd is None:
            return
        snd.setVolume(volume * float(self.value("sound_level")))
        snd.setPlayRate(rate)
        if at is not None:
            sound.place(snd, at, self.ctx.head, min_distance=4.0)
        snd.play()

    # -- frame -----------------------------------------------------------------------------------
    def on_update(self, t: float, dt: float) -> None:
        self._frame += 1
        self._update_view()
        self._update_light()
        self._update_car(dt)
        self._update_world()
        self._update_traffic(t, dt)
        self._update_actors(t, dt)
        self._update_people(t, dt)
        self._update_rain(t)
        self._update_lamps()
        self._update_sound()

    def _update_view(self) -> None:
        view = str(self.target("viewpoint"))
        if view != self._view:
            self._view = view
            if view == "pavement":
                self.cabin.root.hide()
                self.world.setHpr(0.0, 0.0, 0.0)
            else:
                self.cabin.root.show()
                self.world.setHpr(90.0, 0.0, 0.0)
            # Traffic starts again round the new place.
            for v in self.traffic:
                self._release(v)
            self.cues.clear()
            for a in self.actors.values():
                a.root.hide()
            self.door_car.root.hide()
            self._seed_traffic()

    def _update_world(self) -> None:
        if self._pavement():
            kd = float(self.value("kerb_distance"))
            self.world.setPos(0.0, -(KERB_Y - kd), -KERB_Z)
            self.motion.setP(0.0)
        else:
            base = self._tile_base()
            self.world.setPos(SEAT_Y, -(self.car_x - base), 0.0)
            self.motion.setP(self._dip)

    def _update_car(self, dt: float) -> None:
        """The patient's car: cruising at ``speed``, braking for the cues."""
        if self._pavement():
            return
        want = float(self.value("speed")) * KMH
        decel = 2.5
        hit = self._cue("near_miss")
        if hit is not None:
            cue, lt = hit
            stop = cue.extra["stop"]
            if lt < 5.0:
                want, decel = 0.0, 8.0
                gap = stop - self.car_x
                if lt > 0.6 and self.car_v > 0.0:
                    need = self.car_v * self.car_v / (2.0 * max(gap, 0.2))
                    decel = min(9.5, max(need, 2.0))
        brakes = self._cue("brakes")
        if brakes is not None and brakes[0].side == "right" and 1.0 < brakes[1] < 4.5:
            want, decel = 0.0, BRAKE * 0.8
        for slow in ("crash_sound", "emergency_lights"):
            if self._cue(slow) is not None:
                want = min(want, 15.0 * KMH if slow == "emergency_lights" else want * 0.5)
        if self._cue("siren") is not None:
            want = min(want, 10.0 * KMH)
        if self.car_v > want:
            self.car_v = max(want, self.car_v - decel * dt)
            braking = min(1.0, decel / 8.0) if self.car_v > 0.3 else 0.0
        else:
            self.car_v = min(want, self.car_v + 2.0 * dt)
            braking = -0.15 if want - self.car_v > 0.5 else 0.0
        self.car_x += self.car_v * dt
        self._dip += (2.2 * braking - self._dip) * min(1.0, dt * 6.0)

    def _update_traffic(self, t: float, dt: float) -> None:
        pavement = self._pavement()
        vx = self._viewer_x()
        base = self._tile_base()
        rate = float(self.value("traffic")) / 60.0
        night = self._headlights
        slow = 1.0
        crash = self._cue("crash_sound")
        if crash is not None:
            slow = 0.35 if crash[1] > 1.0 else 1.0
        siren = self._cue("siren")
        siren_x = self.actors["siren"].x if siren is not None else None
        # Lanes: ahead-of-each-car order for following.
        lanes: list[list[_Vehicle]] = [[], []]
        for v in self.traffic:
            if v.active:
                lanes[v.lane].append(v)
        lanes[0].sort(key=lambda v: -v.x)
        lanes[1].sort(key=lambda v: v.x)
        for lane_i, lane in enumerate(lanes):
            sign = 1.0 if lane_i == 0 else -1.0
            ahead_x: float | None = None
            ahead_v = 0.0
            for v in lane:
                want = v.want * slow
                give_way = 0.0
                if siren_x is not None:
                    d = (siren_x - v.x) * -sign  # > 0: the ambulance is behind this car
                    if 0.0 < d < 70.0 or (-8.0 < d <= 0.0):
                        want, give_way = 0.0, 1.0
                if ahead_x is not None:
                    gap = (ahead_x - v.x) * sign - 7.0
                    want = min(want, max(0.0, gap / 1.4), ahead_v + max(0.0, gap) * 0.5)
                accel = 2.0 if want > v.speed else 6.0
                step = accel * dt
                v.speed += max(-step, min(step, want - v.speed))
                v.x += sign * v.speed * dt
                v.brake = 1.0 if want < v.speed - 0.5 or (v.speed < 0.5 and want < 0.5) else 0.0
                y_target = (LANE_A if lane_i == 0 else LANE_B) + give_way * (
                    -0.9 if lane_i == 0 else 0.9
                )
                v.y += (y_target - v.y) * min(1.0, dt * 1.5)
                ahead_x, ahead_v = v.x, v.speed
                rel = (v.x - vx) * sign
                if rel > WINDOW:
                    self._release(v)
                    continue
                v.root.setPosHpr(
                    v.x - base, v.y, 0.0, v.heading, -1.2 * v.brake * min(1.0, v.speed), 0.0
                )
                v.lamps(night, max(night * 0.5, v.brake))
        # Arrivals: a random gap (mean from the rate) at each lane's far end.
        lane_rate = rate / 2.0
        if not pavement:
            lane_rate = rate  # in the car, the other lane's traffic is what passes
        for lane_i in (0, 1) if pavement else (1,):
            if t < self._next_spawn[lane_i]:
                continue
            sign = 1.0 if lane_i == 0 else -1.0
            entry = vx - sign * WINDOW
            last = lanes[lane_i][-1] if lanes[lane_i] else None
            if last is not None and abs(last.x - entry) < 14.0:
                continue  # the queue reaches the lane's end: wait
            i = self._free_slot()
            if i < 0:
                continue
            self._spawn(i, lane_i, entry)
            gap = float(self._rng.exponential(1.0 / max(lane_rate, 1e-3)))
            self._next_spawn[lane_i] = t + max(1.2, gap)
        if not pavement:
            self._lead_car(base, night)

    def _lead_car(self, base: float, night: float) -> None:
        """In the car: the car ahead in the same lane (slot 0), at a gap
        that shrinks as the traffic grows; it brakes for the brakes cue."""
        v = self.traffic[0]
        if v.lane != 0 or not v.active:
            self._spawn(
                0, 0, self.car_x + 30.0, "saloon" if self._rng.random() < 0.5 else "hatchback"
            )
        density = (float(self.value("traffic")) - 2.0) / 38.0
        gap = _lerp(38.0, 13.0, density)
        x = self.car_x + gap
        brake = 0.0
        hit = self._cue("brakes")
        if hit is not None and hit[0].side == "right":
            cue, lt = hit
            if "lead" not in cue.extra:
                cue.extra["lead"] = v.x
            if lt < 1.0:
                x = cue.extra["lead"] = cue.extra["lead"] + self.car_v * (1.0 / 60.0)
            else:
                x = cue.extra["lead"]
                brake = 1.0 if lt < 4.8 else 0.0
            x = max(x, self.car_x + 5.0)
        v.x += (x - v.x) * 0.2
        v.y = LANE_A
        v.root.setPosHpr(v.x - base, LANE_A, 0.0, 0.0, -1.2 * brake, 0.0)
        v.lamps(night, max(night * 0.5, brake))

    # -- the cues' vehicles -------------------------------------------------------------------
    def _actor_at(
        self, a: _Vehicle, kind: str, x: float, y: float, h: float, pitch: float = 0.0
    ) -> None:
        a.show_kind(kind)
        a.root.show()
        a.x, a.y, a.heading = x, y, h
        a.root.setPosHpr(x - self._tile_base(), y, 0.0, h, pitch, 0.0)

    def _drive(
        self, lt: float, x0: float, sign: float, v: float, t_brake: float, stop: float, decel: float
    ) -> tuple[float, float]:
        """Position along the road (and how hard it brakes) of a vehicle that
        drives at v from x0, brakes at t_brake to a stop at ``stop`` (a
        distance travelled), then waits and pulls away."""
        if lt < t_brake:
            return x0 + sign * v * lt, 0.0
        tb = v / decel
        if lt < t_brake + tb:
            u = lt - t_brake
            return x0 + sign * (v * t_brake + v * u - 0.5 * decel * u * u), 1.0
        return x0 + sign * stop, 1.0

    def _update_actors(self, t: float, dt: float) -> None:
        night = self._headlights
        pavement = self._pavement()
        vx = self._viewer_x()
        flash_strength = 0.0
        flash_at = (0.0, 0.0, 0.0)
        # Horn: a car coming level with the patient sounds its horn and flashes.
        a = self.actors["horn"]
        hit = self._cue("horn")
        if hit is None:
            a.root.hide()
        else:
            cue, lt = hit
            v = max(cue.speed, 9.0)
            if pavement:
                sign = cue.dir
                x = cue.origin - sign * v * 1.6 + sign * v * lt
                y, h = (LANE_A, 0.0) if sign > 0 else (LANE_B, 180.0)
            elif cue.side == "left":
                x = cue.origin + (v + self.car_v) * 1.6 - v * lt
                y, h = LANE_B, 180.0
            else:
                x = cue.origin + self.car_v * 1.6 + 6.0
                y, h = PARK_Y + 0.4, 8.0
            self._actor_at(a, "hatchback", x, y, h)
            flashing = 0.2 < lt < 0.45 or 0.75 < lt < 1.0 or 1.3 < lt < 2.2
            a.lamps(1.4 if flashing else night, night * 0.5)
            if cue.extra["played"] == 0.0 and lt > 0.3:
                cue.extra["played"] = 1.0
                self._play("horn", a.root, 1.0)
        self._update_brakes(night, pavement)
        self._update_near_miss(night, pavement)
        # Siren: the ambulance comes from the chosen side, passes and goes.
        a = self.actors["siren"]
        hit = self._cue("siren")
        siren = self.snd.get("siren")
        if hit is None:
            a.root.hide()
            if siren is not None and siren.status() == AudioSound.PLAYING:
                siren.stop()
        else:
            cue, lt = hit
            v = 15.0
            if pavement:
                sign = cue.dir
                x = cue.origin - sign * 150.0 + sign * v * lt
                y, h = (LANE_A, 0.0) if sign > 0 else (LANE_B, 180.0)
            elif cue.side == "left":
                x = cue.origin + 200.0 - (v + 3.0) * lt
                y, h = LANE_B, 180.0
                sign = -1.0
            else:
                x = (
                    cue.origin
                    - 60.0
                    + (self.car_v + v) * lt * 0.9
                    + (self.car_x - cue.origin) * 0.1
                )
                y, h = LANE_B - 0.3, 0.0
                sign = 1.0
            self._actor_at(a, "ambulance", x, y, h)
            a.lamps(max(night, 0.5), night * 0.5)
            on = self._beacon(a, "ambulance", t)
            flash_strength, flash_at = on, (x, y, 2.4)
            if siren is not None:
                if siren.status() != AudioSound.PLAYING:
                    siren.setVolume(0.9 * float(self.value("sound_level")))
                    siren.play()
                sound.place(siren, a.root, self.ctx.head, min_distance=8.0)
                # Doppler: the pitch falls as it goes past.
                radial = (vx - x) * sign
                siren.setPlayRate(343.0 / (343.0 - math.copysign(v, radial)))
        # Flashing lights: a police car pulls in across the road, flashes, leaves.
        a = self.actors["emergency_lights"]
        hit = self._cue("emergency_lights")
        if hit is None:
            a.root.hide()
        else:
            cue, lt = hit
            total = DECLARATION.event("emergency_lights").duration_s
            arrive = smoothstep(lt / 4.0)
            leave = smoothstep((lt - (total - 3.0)) / 3.0)
            if pavement:
                stop_x = -cue.dir * 14.0
                x = stop_x + cue.dir * 50.0 * (1.0 - arrive) - cue.dir * 60.0 * leave
                y, h = FAR_KERB - 0.7, 180.0
            else:
                x = cue.origin + 90.0 + 40.0 * leave
                y, h = (PARK_Y, 0.0) if cue.side == "right" else (FAR_KERB - 0.7, 180.0)
            self._actor_at(a, "police", x, y, h)
            a.lamps(max(night, 0.4), night * 0.5)
            if lt < total - 2.0:
                on = self._beacon(a, "police", t)
                if on > flash_strength:
                    flash_strength, flash_at = on, (x, y, 1.6)
            else:
                self._beacon_off(a, "police")
        self._update_door(night, pavement)
        # The beacons' light on what is near (one source: the brightest).
        if flash_strength > 0.0:
            p = self.world.getRelativePoint(self.root.getTop(), (0, 0, 0))
            del p
            wp = self.root.getTop().getRelativePoint(
                self.world, (flash_at[0] - self._tile_base(), flash_at[1], flash_at[2])
            )
            self._flash_pos[0] = LVecBase4f(wp.x, wp.y, wp.z, 2.5 * flash_strength)
            self._flash_col[0] = LVecBase3f(0.15, 0.3, 1.0)
        else:
            self._flash_pos[0] = LVecBase4f(0.0, 0.0, 0.0, 0.0)

    def _beacon(self, a: _Vehicle, kind: str, t: float) -> float:
        """Blue flashes, double pulses twice a second; returns the light now."""
        beacon = a.parts[kind].beacon
        phase = (t * 2.0) % 1.0
        on = 1.0 if (phase < 0.12 or 0.22 < phase < 0.34) else 0.0
        if beacon is not None:
            beacon.show()
            beacon.setColorScale(0.6 + 3.0 * on, 0.6 + 3.0 * on, 0.6 + 3.0 * on, 1.0)
        return on

    def _beacon_off(self, a: _Vehicle, kind: str) -> None:
        beacon = a.parts[kind].beacon
        if beacon is not None:
            beacon.setColorScale(0.6, 0.6, 0.6, 1.0)

    def _update_brakes(self, night: float, pavement: bool) -> None:
        a = self.actors["brakes"]
        hit = self._cue("brakes")
        if hit is None or (not pavement and hit[0].side == "right"):
            a.root.hide()
            if hit is not None:
                cue, lt = hit
                if cue.extra["played"] == 0.0 and lt > 1.0:
                    cue.extra["played"] = 1.0
                    self._play("screech", self.traffic[0].root, 1.0)
            return
        cue, lt = hit
        v = max(cue.speed * 1.15, 9.0)
        bd = v * v / (2.0 * BRAKE)
        t_brake = 1.2
        if pavement:
            sign = cue.dir
            stop_x = -sign * cue.distance
            x0 = stop_x - sign * (bd + v * t_brake)
            y, h = (LANE_A, 0.0) if sign > 0 else (LANE_B, 180.0)
        else:  # an oncoming car brakes hard ahead
            sign = -1.0
            x0 = self.car_x + cue.distance + bd + v * t_brake - self.car_v * 0.0
            x0 = cue.extra.setdefault("x0", x0)
            y, h = LANE_B, 180.0
        x, braking = self._drive(lt, x0, sign, v, t_brake, bd + v * t_brake, BRAKE)
        stopped_for = lt - (t_brake + v / BRAKE)
        if stopped_for > 1.5:  # pull away again
            u = stopped_for - 1.5
            x += sign * 1.0 * u * u
            braking = 0.0
        self._actor_at(a, "saloon", x, y, h, -2.0 * braking if stopped_for < 0 else 0.0)
        a.lamps(night, max(night * 0.5, braking))
        if cue.extra["played"] == 0.0 and lt > t_brake:
            cue.extra["played"] = 1.0
            self._play("screech", a.root, 1.0)

    def _update_near_miss(self, night: float, pavement: bool) -> None:
        a = self.actors["near_miss"]
        hit = self._cue("near_miss")
        if hit is None:
            a.root.hide()
            return
        cue, lt = hit
        length = vehicles.model("saloon").length
        if pavement:
            # Too fast, brakes late and hard, stops with its bumper short of the zebra.
            sign = cue.dir
            v = max(cue.speed * 1.3 + 3.0, 12.0)
            decel = 9.0
            bd = v * v / (2.0 * decel)
            t_brake = 1.6
            stop_x = -sign * (CROSS_X + 0.8 + length / 2)
            x0 = stop_x - sign * (bd + v * t_brake)
            y, h = (LANE_A, 0.0) if sign > 0 else (LANE_B, 180.0)
            x, braking = self._drive(lt, x0, sign, v, t_brake, bd + v * t_brake, decel)
            stopped_for = lt - (t_brake + v / decel)
            pitch = (
                -3.0 * braking
                if stopped_for < 0.0
                else 1.2 * math.exp(-4.0 * stopped_for) * math.sin(12.0 * stopped_for)
            )
            if stopped_for > 3.0:  # the driver moves off slowly over the crossing
                u = stopped_for - 3.0
                x += sign * 0.8 * u * u
                braking = 0.0
            self._actor_at(a, "saloon", x, y, h, pitch)
            a.lamps(night, max(night * 0.5, braking))
            if cue.extra["played"] == 0.0 and lt > t_brake - 0.1:
                cue.extra["played"] = 1.0
                self._play("screech", a.root, 1.0)
            return
        # In the car: a car pulls out across the lane ahead; the car stops short.
        stop = cue.extra["stop"]
        ax = stop + 3.0 + length / 2
        f = smoothstep(min(1.0, lt / 1.6))
        y0 = PARK_Y if cue.side == "right" else LANE_B
        if lt > 5.0:  # it drives off ahead
            u = lt - 5.0
            ax += 1.2 * u * u
            y, h = LANE_A, 0.0
        else:
            y = _lerp(y0, LANE_A + (0.4 if cue.side == "right" else -0.4), f)
            h = (
                (35.0 if cue.side == "right" else -145.0 + 180.0 * smoothstep((lt - 1.6) / 3.0))
                * (1.0 - smoothstep((lt - 1.6) / 3.0))
                if cue.side == "right"
                else -145.0 * (1.0 - f * 0.3)
            )
        self._actor_at(a, "saloon", ax, y, h)
        a.lamps(night, night * 0.5)
        if cue.extra["played"] == 0.0 and lt > 0.6:
            cue.extra["played"] = 1.0
            self._play("screech", self.cabin.root, 1.0)
            self._play("horn", a.root, 0.8)

    def _update_door(self, night: float, pavement: bool) -> None:
        a = self.door_car
        hit = self._cue("door_slam")
        if pavement:
            side = hit[0].side if hit is not None else "right"
            x = -9.5 if side == "left" else 9.5
            self._actor_at(a, "hatchback", x, PARK_Y, 0.0)
        elif hit is None:
            a.root.hide()
            return
        else:
            cue = hit[0]
            x = cue.extra.setdefault("x", cue.origin + self.car_v * 2.0 + 12.0)
            if cue.side == "right":
                self._actor_at(a, "hatchback", x, PARK_Y, 0.0)
            else:
                self._actor_at(a, "hatchback", x, FAR_KERB - 1.0, 180.0)
        a.lamps(0.0, 0.0)
        angle = 0.0
        roll = 0.0
        if hit is not None:
            cue, lt = hit
            if lt < 0.8:
                angle = 62.0 * smoothstep(lt / 0.8)
            elif lt < 1.5:
                angle = 62.0
            elif lt < 1.65:
                angle = 62.0 * (1.0 - (lt - 1.5) / 0.15)
            else:
                roll = 0.8 * math.exp(-6.0 * (lt - 1.65)) * math.sin(25.0 * (lt - 1.65))
                if cue.extra["played"] == 0.0:
                    cue.extra["played"] = 1.0
                    self._play("door", a.root, 1.0)
        self.door_hinge.setH(angle)
        a.root.setR(roll)

    # -- people, rain, light ------------------------------------------------------------------
    def _update_people(self, t: float, dt: float) -> None:
        base = self._tile_base()
        vx = self._viewer_x()
        crash = self._cue("crash_sound")
        look: tuple[float, float, float] | None = None
        if crash is not None and crash[1] > 0.5:
            cue = crash[0]
            look = (cue.origin - cue.dir * cue.distance - base, LANE_A, 1.5)
        else:
            for name in ("near_miss", "brakes", "horn", "door_slam", "siren"):
                a = self.actors.get(name) if name != "door_slam" else self.door_car
                if self._cue(name) is not None and a is not None and not a.root.isHidden():
                    look = (a.x - base, a.y, 1.2)
                    break
        # People are posed in turn, a third of them a frame (the face and the
        # joints are most of a person's cost; at street distance 20 poses a
        # second read as smooth); their places move every frame.
        turn = self._frame % 3
        span = 2.0 * 60.0
        for k, w in enumerate(self.walkers):
            p = w.person
            posed = k % 3 == turn
            if w.waiting:
                x = w.x0 + (vx - ((vx + 60.0) % TILE) + 60.0 if not self._pavement() else 0.0)
                p.root.setPos(x - base, w.y, KERB_Z)
            else:
                stopped = look is not None
                if not stopped:
                    w.x += w.direction * w.speed * dt
                rel = (w.x - vx + 60.0) % span - 60.0
                p.root.setPos(vx + rel - base, w.y, KERB_Z)
            if not posed:
                continue
            if w.waiting:
                p.breathe(t)
            elif look is None:
                p.walk(w.x / p.stride())
            else:
                p.walk(None)
            if look is not None:
                p.look_at(look, 3.0 * dt)
            elif w.waiting:
                p.look_at((w.x0 - base - 20.0 * (1 if k == 0 else -1), LANE_A, 1.2), 3.0 * dt)
            p.apply()

    def _update_rain(self, t: float) -> None:
        rain = float(self.value("rain"))
        self._pta_f["u_rain"][0] = rain
        self._pta_f["u_wet"][0] = min(1.0, rain * 1.6)
        if rain < 0.05:
            if not self.rain.isHidden():
                self.rain.hide()
            self.cabin.glass.hide()
            return
        self.cabin.glass.show()
        self.rain.show()
        fall = (t * 9.0) % 8.0
        if self._pavement():
            self.rain.setPos(0.0, 0.0, -8.0 + 8.0 - fall)
        else:
            self.rain.setPos(0.0, 10.0, -fall)
        self.rain.setAlphaScale(min(1.0, 0.25 + rain))
        self.cabin.glass.setAlphaScale(0.3 + 0.7 * rain)
        sweep = math.sin(t * 2.2) ** 2 if rain > 0.15 else 0.0
        for w in self.cabin.wipers:
            w.setH(80.0 - 95.0 * sweep)

    def _update_light(self) -> None:
        a, b, p = self.transition("time_of_day")
        key = (str(a), str(b), round(p, 3), round(float(self.value("rain")), 2))
        if key == self._light_key:
            return
        self._light_key = key
        la, lb = LIGHTING[str(a)], LIGHTING[str(b)]
        rain = float(self.value("rain"))
        for name, pta in self._pta_v.items():
            va, vb = la[name], lb[name]
            vec = LVecBase3f(*(va[i] + (vb[i] - va[i]) * p for i in range(3)))
            if name == "u_sun_dir":
                vec.normalize()
            elif name == "u_sun_col":
                vec *= 1.0 - 0.6 * rain  # overcast
            elif name in ("u_zenith", "u_horizon"):
                vec = vec * (1.0 - 0.35 * rain) + LVecBase3f(0.5, 0.5, 0.52) * 0.35 * rain * (
                    1.0 - lb["night"] * p - la["night"] * (1 - p)
                )
            pta[0] = vec
        self._pta_f["u_fog_density"][0] = _lerp(la["fog"], lb["fog"], p) * (1.0 + 1.5 * rain)
        night = _lerp(la["night"], lb["night"], p)
        self._pta_f["u_night"][0] = night
        self._headlights = _lerp(la["headlights"], lb["headlights"], p)
        self._lamp_glow = _lerp(la["lamps"], lb["lamps"], p)
        g = 0.5 + 2.5 * self._lamp_glow
        self.street.lamp_heads.setColorScale(g, g * 0.97, g * 0.9, 1.0)
        sky = self._pta_v["u_sky_amb"][0]
        gnd = self._pta_v["u_ground_amb"][0]
        amb = (sky + gnd) * 0.5 + LVecBase3f(0.10, 0.08, 0.05) * self._lamp_glow
        self.ambient.setColor((amb.x, amb.y, amb.z, 1.0))
        sun = self._pta_v["u_sun_col"][0]
        self.sun.setColor((sun.x, sun.y, sun.z, 1.0))
        d = self._pta_v["u_sun_dir"][0]
        self._sun_np.lookAt(-d.x, -d.y, -d.z)
        self.cabin.instruments.setColorScale(
            0.4 + 1.6 * night, 0.4 + 1.6 * night, 0.4 + 1.6 * night, 1.0
        )
        self.street.signals["car_green"].setColorScale(
            1.2 + 1.5 * night, 1.2 + 1.5 * night, 1.2 + 1.5 * night, 1.0
        )
        self.street.signals["walk_red"].setColorScale(
            1.2 + 1.5 * night, 1.2 + 1.5 * night, 1.2 + 1.5 * night, 1.0
        )
        for off in ("car_red", "car_amber", "walk_green"):
            self.street.signals[off].setColorScale(0.18, 0.18, 0.18, 1.0)

    def _update_lamps(self) -> None:
        if self._frame % 2 and self._lamps_set:
            return  # every other frame: the lights move a few centimetres a frame
        self._lamps_set = True
        self._place_lamps()

    def _place_lamps(self) -> None:
        """The lamps that light the street and that a wet road mirrors: the nearest street lamps
        (at dusk and night) and the vehicles' lamps, by strength."""
        top = self.root.getTop()
        base = self._tile_base()
        vx = self._viewer_x()
        cands: list[tuple[float, float, float, float, float, float, float]] = []
        glow = self._lamp_glow
        if glow > 0.01:
            for lx in LAMP_XS:
                for k in (-1.0, 0.0, 1.0):
                    x = lx + k * TILE + base
                    if abs(x - vx) < 45.0:
                        for ly in (0.7, FAR_KERB - 0.8):
                            cands.append((1.2 * glow, x, ly, LAMP_HEAD_Z, 1.0, 0.95, 0.85))
        head = self._headlights
        for v in self.traffic + list(self.actors.values()):
            if not v.active and v.root.isHidden():
                continue
            if v.root.isHidden() or not v.kind:
                continue
            m = v.parts[v.kind].model
            fwd = 1.0 if v.heading < 90.0 or v.heading > 270.0 else -1.0
            if head > 0.05:
                cands.append((1.6 * head, v.x + fwd * m.length / 2, v.y, m.lamp_z, 1.0, 0.95, 0.85))
            if head > 0.05 or v.brake > 0.0:
                cands.append(
                    (
                        -0.7 * max(head, v.brake),  # mirrored, lights nothing
                        v.x - fwd * m.length / 2,
                        v.y,
                        m.lamp_z,
                        1.0,
                        0.1,
                        0.05,
                    )
                )
        if not self._pavement() and head > 0.05:
            # The patient's own car's headlights, as two lamps on the road ahead.
            for dy in (-0.55, 0.55):
                cands.append((1.2 * head, vx + 5.0, SEAT_Y + 0.37 + dy, 0.7, 1.0, 0.95, 0.85))
        cands.sort(key=lambda c: -abs(c[0]) / (1.0 + 0.002 * (c[1] - vx) ** 2))
        for i in range(MAX_LAMPS):
            if i < len(cands):
                s, x, y, z, r, g, b = cands[i]
                p = top.getRelativePoint(self.world, (x - base, y, z))
                self._lamp_pos[i] = LVecBase4f(p.x, p.y, p.z, s)
                self._lamp_col[i] = LVecBase3f(r, g, b)
            else:
                self._lamp_pos[i] = LVecBase4f(0.0, 0.0, 0.0, 0.0)

    def _update_sound(self) -> None:
        level = float(self.value("sound_level"))
        density = (float(self.value("traffic")) - 2.0) / 38.0
        bed = self.snd.get("bed")
        if bed is not None:
            inside = 0.0 if self._pavement() else 0.5
            bed.setVolume(level * (0.15 + 0.5 * density) * (1.0 - inside))
        rain = self.snd.get("rain")
        if rain is not None:
            rain.setVolume(level * 0.7 * float(self.value("rain")))
        head = self.ctx.head
        for v in self.traffic:
            if v.engine is None:
                continue
            if not v.active:
                v.engine.setVolume(0.0)
                continue
            v.engine.setVolume(level * (0.5 + 0.5 * min(1.0, v.speed / 14.0)))
            sound.place(v.engine, v.root, head, min_distance=3.0)

    # -- for still cameras and tests ------------------------------------------------------------
    def focus_point(self) -> tuple[float, float, float] | None:
        if self._pavement():
            p = self.root.getRelativePoint(self.world, (0.5, FAR_KERB + 1.0, 1.0))
            return p.x, p.y, p.z
        return 0.0, 25.0, 1.0

    def active_vehicles(self) -> int:
        return sum(1 for v in self.traffic if v.active)


@lru_cache(maxsize=2)
def rain_geom(seed: int, n: int = 1400) -> Geom:
    """Rain streaks in an 18 x 18 x 16 m box, all in one add: thin vertical
    quads (the scene slides the box down and wraps it every 8 m)."""
    rng = np.random.default_rng(seed + 9)
    base = rng.uniform((-9.0, -9.0, 0.0), (9.0, 9.0, 16.0), (n, 3))
    length = rng.uniform(0.35, 0.7, n)
    corners = np.array(
        [[-0.004, 0.0, 0.0], [0.004, 0.0, 0.0], [0.004, 0.0, 1.0], [-0.004, 0.0, 1.0]]
    )
    pts = base[:, None, :] + corners[None, :, :] * np.array([1.0, 1.0, 0.0])
    pts[:, 2:, 2] += length[:, None]
    nrm = np.tile(np.array([0.0, -1.0, 0.0]), (n * 4, 1))
    uv = np.full((n * 4, 2), UNTEXTURED_UV)
    tris = (np.array([[0, 1, 2], [0, 2, 3]])[None] + 4 * np.arange(n)[:, None, None]).reshape(-1, 3)
    b = GeomBuilder()
    b.add_mesh(pts.reshape(-1, 3), nrm, uv, tris, (0.75, 0.78, 0.82, 0.35))
    return b.geom()


def glow_shader_attr() -> Any:
    from palier.scenes.road.shaders import glow_shader

    return glow_shader()


__all__ = ["RoadScene"]
