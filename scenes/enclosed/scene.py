"""Enclosed spaces: a lift or a small windowless room, graded by how close
the walls are, the door, the light, the people standing close and the air.

Everything is built once (both places, five people, every glyph of the floor
display); a frame moves nodes and sets colours. The patient's head anchor is
never touched: the jolt of a lift stopping between floors moves ``world``
(the cabin and all around it), and travelling moves what is outside the
cabin (the shaft's landings, the atrium seen through the glass).

The lift's travel is a small state machine on a float ``level`` (storeys
above the ground floor): it runs between the ground and the top floor while
``moving``, else it settles at the nearest floor ahead and opens its doors if
the door is to be open; the two between-floors events hold it half a storey
from a landing (``stuck``), with the doors closed, or opened onto the shaft's
concrete for ``doors_open_onto_wall``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from panda3d.core import (
    AmbientLight,
    AudioSound,
    DirectionalLight,
    Filename,
    NodePath,
    PointLight,
    TransparencyAttrib,
)

from palier.scenes import sound
from palier.scenes.api import smoothstep
from palier.scenes.base import Scene
from palier.scenes.enclosed import sounds
from palier.scenes.enclosed.cabins import Lift, Room, build_lift, build_room
from palier.scenes.enclosed.declaration import DECLARATION, LIGHTS, MAX_PEOPLE
from palier.scenes.enclosed.places import FLOOR_H, TOP_FLOOR, Dims, dims, transparent
from palier.scenes.enclosed.speech import INTERCOM, LINES
from palier.scenes.enclosed.textures import textures
from palier.scenes.people import Person, PersonLook
from palier.scenes.procedural import lit_shader

log = logging.getLogger(__name__)

SPEED = 1.0 / 3.2  # storeys a second (about 1 m/s)
ACCEL = 0.25  # storeys per second squared
DOOR_S = 2.0  # seconds for the doors to open or close
PERSON_RADIUS = 0.22  # a standing adult, as a cylinder, for the free-volume figure
LIGHT_LEVEL = {"steady": 1.0, "dim": 0.38, "flickering": 1.0}
WARM = (1.0, 0.95, 0.86)
JOLT_S = 1.6
INTERCOM_DELAY_S = 3.4  # bell, a pause, then the voice
INTERCOM_S = 10.0  # the longest recording (French) is 9.6 s

# Where each person stands (x, y, heading) in a roomy and a cramped place;
# the scene blends them with ``space``. All face the door (+Y), as people in
# a lift do; two stand beside the patient, three in front.
SLOTS: dict[str, tuple[tuple[tuple[float, float, float], ...], ...]] = {
    "lift": (
        (
            (0.40, 0.80, 6.0),
            (-0.45, 0.55, -8.0),
            (0.72, 0.0, -25.0),
            (-0.70, -0.2, 25.0),
            (0.02, 1.12, 0.0),
        ),
        (
            (0.27, 0.56, 10.0),
            (-0.29, 0.58, -10.0),
            (0.33, -0.04, -45.0),
            (-0.33, -0.06, 45.0),
            (0.0, 0.82, 0.0),
        ),
    ),
    "small_room": (
        (
            (0.60, 1.10, 8.0),
            (-0.85, 0.80, -12.0),
            (1.05, -0.10, -30.0),
            (-1.00, -0.40, 30.0),
            (0.10, 1.65, 0.0),
        ),
        (
            (0.28, 0.52, 10.0),
            (-0.30, 0.54, -10.0),
            (0.36, -0.02, -45.0),
            (-0.36, -0.04, 45.0),
            (0.02, 0.74, 0.0),
        ),
    ),
}


def flicker_pattern(seed: int, seconds: float = 40.0, rate: int = 30) -> np.ndarray:
    """A failing tube's light level, ``rate`` samples a second: long spells
    on, stutters of fast blinks, now and then a dark gap and a re-strike."""
    rng = np.random.default_rng(seed + 5501)
    n = int(seconds * rate)
    out = np.ones(n)
    i = int(rng.integers(10, 40))
    while i < n:
        kind = rng.random()
        if kind < 0.55:  # a stutter
            length = int(rng.integers(4, 28))
            blink = rng.random(length) < 0.5
            out[i : i + length] = np.where(blink, 0.12, 0.95)[: max(0, min(length, n - i))]
        elif kind < 0.8:  # a dark gap then a re-strike
            length = int(rng.integers(8, 22))
            seg = np.full(length, 0.05)
            seg[-3:] = (0.8, 0.2, 1.0)
            out[i : i + length] = seg[: max(0, min(length, n - i))]
        else:  # a dip
            length = int(rng.integers(5, 15))
            out[i : i + length] = 0.55
        i += length + int(rng.integers(int(0.6 * rate), int(3.5 * rate)))
    out *= 0.92 + 0.08 * rng.random(n)
    return out


class EnclosedScene(Scene):
    declaration = DECLARATION

    # -- build --------------------------------------------------------------------------------
    def on_build(self) -> None:
        seed = self.ctx.seed
        self.root.setShader(lit_shader())
        self.world = self.root.attachNewNode("world")  # jolts; the head never does
        tex = textures(seed)
        self.lift: Lift = build_lift(self.world, tex)
        self.room: Room = build_room(self.world, tex)
        self.people = [
            Person(PersonLook.from_seed(seed * 100 + 31 + i), self.world, name=f"person-{i}")
            for i in range(MAX_PEOPLE)
        ]
        for p in self.people:
            p.root.hide()
        self._shown = [False] * MAX_PEOPLE
        self._people_key: tuple[str, float] | None = None
        self._slots: list[tuple[float, float]] = []
        self._make_lights()
        self._flicker = flicker_pattern(seed)
        self._breath_src = self.world.attachNewNode("breath-source")
        # State.
        self._place = ""
        self._dims_key: tuple[str, float] | None = None
        self.dims: Dims = dims("lift", 0.0)
        self._layer_key = -1.0
        self._old = 0.0  # how far the glass lift has turned into the old one
        self.level = 0.0
        self.velocity = 0.0
        self._goal: float | None = None  # the floor the lift is stopping at
        self._dir = 1
        self.stuck = False
        self._jolt_t0: float | None = None
        self._opening = 0.0  # the door: 0 closed .. 1 open
        self._landing = -1.0  # how far the landing doors stand open
        self._light_key: tuple[object, ...] = ()
        self._atrium_level = -1.0
        self._door_moving = 0
        self._alarm_t0: float | None = None
        self._light = 1.0
        self._fan_angle = 0.0
        self._load_sounds()

    def _make_lights(self) -> None:
        amb = AmbientLight("enclosed-ambient")
        self.ambient = amb
        self.cabin_light = PointLight("enclosed-ceiling-light")
        self.cabin_light.setAttenuation((1.0, 0.0, 0.12))
        self.fill = DirectionalLight("enclosed-fill")
        self.door_light = PointLight("enclosed-through-the-door")
        self.door_light.setAttenuation((1.0, 0.0, 0.25))
        self.emergency_light = PointLight("enclosed-emergency-light")
        self.emergency_light.setAttenuation((1.0, 0.0, 0.6))
        self._light_np: dict[str, NodePath] = {}
        for key, light in (
            ("ambient", amb),
            ("cabin", self.cabin_light),
            ("fill", self.fill),
            ("door", self.door_light),
            ("emergency", self.emergency_light),
        ):
            path = self.world.attachNewNode(light)
            self.world.setLight(path)
            self._light_np[key] = path
        self._light_np["fill"].setHpr(20.0, -50.0, 0.0)

    def _load_sounds(self) -> None:
        self.snd: dict[str, AudioSound] = {}
        mgr = self.ctx.audio
        if mgr is None:
            return
        seed = self.ctx.seed
        clips: dict[str, tuple[str, Callable[[], np.ndarray], bool]] = {
            "vent": (f"enclosed-vent-{seed}.wav", lambda: sounds.ventilation_loop(seed), True),
            "hum": (f"enclosed-hum-{seed}.wav", lambda: sounds.hum_loop(seed), True),
            "buzz": ("enclosed-buzz.wav", sounds.buzz_loop, True),
            "breath": (f"enclosed-breath-{seed}.wav", lambda: sounds.breathing_loop(seed), True),
            "thud": ("enclosed-thud.wav", sounds.thud, False),
            "bell": ("enclosed-bell.wav", sounds.bell, False),
            "door": ("enclosed-door.wav", sounds.door_motor, False),
        }
        try:
            for key, (name, make, loop) in clips.items():
                positional = key == "breath"
                snd = mgr.getSound(sound.ram_wav(name, make()), positional)
                if loop:
                    snd.setLoop(True)
                    snd.setVolume(0.0)
                    snd.play()
                self.snd[key] = self.add_sound(snd)
            path = LINES.recording(INTERCOM, self.ctx.language)
            voice = mgr.getSound(Filename.fromOsSpecific(str(path)), True)
            self.snd["intercom"] = self.add_sound(voice)
        except OSError as exc:  # the scene still works silent
            log.warning("enclosed: no sound (%s)", exc)
        self._volumes: dict[str, float] = {}

    def on_teardown(self) -> None:
        self.snd = {}
        self.people = []

    # -- events -------------------------------------------------------------------------------
    def on_event(self, name: str, **options: Any) -> None:
        if name == "alarm":
            self._alarm_t0 = self.time
            self._play("bell", 0.8)
        elif name in ("stops_between_floors", "doors_open_onto_wall") and self._place != "lift":
            if name == "stops_between_floors":
                self._jolt_t0 = None
                self._play("thud", 0.35)  # the building's power dips: a distant clunk
        elif name == "lights_out":
            self._play("thud", 0.15)

    def _play(self, key: str, volume: float) -> None:
        snd = self.snd.get(key)
        if snd is not None:
            snd.setVolume(volume)
            snd.play()

    # -- the lift's travel ----------------------------------------------------------------------
    def _holding(self) -> bool:
        return (
            self.event_progress("stops_between_floors") is not None
            or self.event_progress("doors_open_onto_wall") is not None
        )

    def _travel(self, t: float, dt: float, moving: bool) -> None:
        hold = self._holding()
        frac = self.level - round(self.level)
        target_v = 0.0
        if hold or moving:
            self._goal = None
        if hold and not self.stuck:
            if self._opening <= 0.0:
                if abs(self.velocity) < 1e-3 and (self.level >= TOP_FLOOR - 0.5):
                    self._dir = -1
                elif abs(self.velocity) < 1e-3 and self.level <= 0.5:
                    self._dir = 1
                target_v = self._dir * SPEED
                if abs(abs(frac) - 0.5) < 0.18 and abs(self.velocity) > 0.05:
                    self.stuck = True
                    self.velocity = 0.0
                    if self.event_progress("stops_between_floors") is not None:
                        self._jolt(t)
                    return
        elif self.stuck:
            if not hold:
                self.stuck = False
            self.velocity = 0.0
            return
        elif moving and self._opening <= 0.0:
            goal = float(TOP_FLOOR) if self._dir > 0 else 0.0
            dist = goal - self.level
            if abs(dist) < 0.02 and abs(self.velocity) < 0.05:
                self._dir = -self._dir
            target_v = math.copysign(min(SPEED, math.sqrt(2.0 * ACCEL * abs(dist))), dist)
        elif not moving:
            if self._goal is None:  # the floor to stop at, chosen once
                if abs(self.velocity) < 0.02:
                    self._goal = float(round(self.level))
                else:
                    brake = self.velocity**2 / (2.0 * ACCEL)
                    ahead = self.level + math.copysign(brake, self.velocity)
                    self._goal = float(math.ceil(ahead) if self.velocity > 0 else math.floor(ahead))
                    self._goal = min(float(TOP_FLOOR), max(0.0, self._goal))
            dist = self._goal - self.level
            if abs(dist) < 2e-3 and abs(self.velocity) < 0.03:
                self.level, self.velocity = self._goal, 0.0
                return
            target_v = math.copysign(min(SPEED, math.sqrt(2.0 * ACCEL * abs(dist))), dist)
        step = ACCEL * dt
        self.velocity += max(-step, min(step, target_v - self.velocity))
        self.level = min(float(TOP_FLOOR), max(0.0, self.level + self.velocity * dt))
        if self.velocity:
            self._dir = 1 if self.velocity > 0 else -1

    def _jolt(self, t: float) -> None:
        self._jolt_t0 = t
        self._play("thud", 0.9)

    def at_floor(self) -> bool:
        return abs(self.level - round(self.level)) < 0.004 and abs(self.velocity) < 0.01

    def _door_target(self, place: str, moving: bool) -> float:
        door_open = self.target("door") == "open"
        wall = self.event_progress("doors_open_onto_wall")
        spec_s = DECLARATION.event("doors_open_onto_wall").duration_s
        if place == "lift":
            if self._holding():
                if wall is not None and self.stuck:
                    remaining = (1.0 - wall) * spec_s
                    return 1.0 if remaining > DOOR_S + 0.3 else 0.0
                return 0.0
            if moving or not self.at_floor():
                return 0.0
            return 1.0 if door_open else 0.0
        if wall is not None:
            remaining = (1.0 - wall) * spec_s
            return 1.0 if 0.1 * spec_s < wall * spec_s and remaining > DOOR_S + 0.3 else 0.0
        return 1.0 if door_open else 0.0

    # -- frame --------------------------------------------------------------------------------
    def on_update(self, t: float, dt: float) -> None:
        p_from, p_to, p_prog = self.transition("place")
        place = str(p_to if p_prog >= 0.5 else p_from)
        blink = abs(2.0 * p_prog - 1.0) if p_from != p_to else 1.0
        if place != self._place:
            self._switch(place)
        space = float(self.value("space"))
        self._fit(place, space)
        moving = bool(self.value("moving")) and place == "lift"
        if place == "lift":
            self._travel(t, dt, moving)
        # Doors.
        goal = self._door_target(place, moving)
        before = self._opening
        if dt > 0.0:
            step = dt / DOOR_S
            self._opening += max(-step, min(step, goal - self._opening))
        else:
            self._opening = goal
        motion = (self._opening > before) - (self._opening < before)
        if motion and motion != self._door_moving and place == "lift":
            self._play("door", 0.5)
        self._door_moving = motion
        eased = smoothstep(self._opening)
        if place == "lift":
            self._update_lift(t, eased)
        else:
            self._update_room(eased)
        self._update_alarm(t)
        level = self._light_level(t) * blink
        self._apply_light(place, level, eased)
        self._update_jolt(t, moving)
        self._update_people(place, space, t, dt)
        self._update_vent(dt, place)
        self._update_sound(place, level, moving)

    def _switch(self, place: str) -> None:
        self._place = place
        if place == "lift":
            self.lift.root.show()
            self.room.root.hide()
        else:
            self.room.root.show()
            self.lift.root.hide()
        self._dims_key = None
        self._people_key = None
        self._opening = 1.0 if self.target("door") == "open" else 0.0

    def _fit(self, place: str, space: float) -> None:
        key = (place, round(space, 4))
        if key == self._dims_key:
            return
        self._dims_key = key
        self.dims = dims(place, space)
        if place == "lift":
            self.lift.fit(self.dims)
            self._layers(space)
        else:
            self.room.fit(self.dims)
        d = self.dims
        self._light_np["cabin"].setPos(0.0, d.back + d.depth * 0.45, d.height - 0.15)
        self._light_np["door"].setPos(0.0, d.front + 1.2, 1.9)
        self._light_np["emergency"].setPos(0.0, d.front - 0.3, d.height - 0.2)

    def _layers(self, space: float) -> None:
        """Cross-fade the glass lift into the old one as the walls close in."""
        old = smoothstep((space - 0.35) / 0.3)
        if old == self._layer_key:
            return
        self._layer_key = old
        self._old = old
        transparent(self.lift.old, old)
        if old >= 0.999:
            self.lift.modern.hide()
        else:
            self.lift.modern.show()

    def _update_lift(self, t: float, opening: float) -> None:
        lift = self.lift
        lift.doors(opening)
        base = round(self.level)
        frac = self.level - base
        shaft = lift.shaft
        shaft.root.setZ(-frac * FLOOR_H)
        at = abs(frac) < 0.004
        landing = opening if at else 0.0
        if landing != self._landing:  # only the landing the cabin stands at opens
            self._landing = landing
            left, right = shaft.leaves[1]
            left.setX(-landing * 0.39)
            right.setX(landing * 0.39)
        lobby_on = at and opening > 0.0
        if lobby_on == shaft.lobby.isHidden():
            if lobby_on:
                shaft.lobby.show()
            else:
                shaft.lobby.hide()
        if not lift.modern.isHidden() and self.level != self._atrium_level:
            self._atrium_level = self.level
            atrium = lift.atrium
            atrium.storeys.setZ(-frac * FLOOR_H)
            atrium.ground.setZ(-self.level * FLOOR_H - 0.02)
            atrium.roof.setZ((TOP_FLOOR - self.level) * FLOOR_H + FLOOR_H + 1.0)
        if self.stuck or (self._holding() and not at):
            lift.display.show("--", 0)
        else:
            moving = abs(self.velocity) > 0.01
            lift.display.show(str(base), self._dir if moving else 0)

    def _update_room(self, opening: float) -> None:
        room = self.room
        room.swing(opening)
        wall = self.event_progress("doors_open_onto_wall") is not None
        if wall == room.bricks.isHidden():
            if wall:
                room.bricks.show()
                room.corridor.hide()
            else:
                room.bricks.hide()
                room.corridor.show()

    def _update_alarm(self, t: float) -> None:
        """The alarm button's lamp (lit, then blinking while the call is
        held) and the intercom's LED (green while the voice answers)."""
        if self._alarm_t0 is None:
            return
        e = t - self._alarm_t0
        if e > DECLARATION.event("alarm").duration_s:
            self._alarm_t0 = None
            lamp, led = 1.0, (0.1, 0.25, 0.1)
        else:
            lamp = 2.2 if e < 3.0 or (e % 1.0) < 0.6 else 1.4
            on = INTERCOM_DELAY_S <= e < INTERCOM_DELAY_S + INTERCOM_S
            led = (0.3, 1.6, 0.4) if on else (0.1, 0.25, 0.1)
        for panel in (self.lift.panel, self.room.panel):
            panel.alarm_light.setColorScale(lamp, lamp, lamp * 0.8, 1.0)
            panel.intercom_led.setColorScale(led[0], led[1], led[2], 1.0)

    # -- light --------------------------------------------------------------------------------
    def _light_level(self, t: float) -> float:
        l_from, l_to, l_prog = self.transition("lights")
        flick = float(self._flicker[int(t * 30.0) % len(self._flicker)])
        a = flick if l_from == "flickering" else LIGHT_LEVEL[str(l_from)]
        b = flick if l_to == "flickering" else LIGHT_LEVEL[str(l_to)]
        level = a + (b - a) * l_prog
        self._flickering = (
            1.0
            - abs((1.0 if l_to == "flickering" else 0.0) - (1.0 if l_from == "flickering" else 0.0))
            * (1.0 - l_prog)
            if "flickering" in (l_from, l_to)
            else 0.0
        )
        if l_from == l_to == "flickering":
            self._flickering = 1.0
        stop = self.event_progress("stops_between_floors")
        if stop is not None:
            e = (t - self._jolt_t0) if self._jolt_t0 is not None else None
            if self._place != "lift":
                e = stop * DECLARATION.event("stops_between_floors").duration_s
            if e is not None and e >= 0.0:
                if e < 0.35:
                    dip = 0.1
                elif e < 1.6:
                    dip = 0.1 + 0.6 * smoothstep((e - 0.35) / 1.25) * (0.7 + 0.3 * flick)
                else:
                    dip = 0.75
                level *= dip
        out = self.event_progress("lights_out")
        if out is not None:
            s = out * DECLARATION.event("lights_out").duration_s
            if 0.1 < s < 5.2:
                level *= 0.0
            elif s >= 5.2:
                level *= (0.6, 0.0, 1.0, 0.3, 1.0)[min(4, int((s - 5.2) * 8.0))]
        self._light = level
        return level

    def _apply_light(self, place: str, level: float, opening: float) -> None:
        at = self.at_floor()
        wall = self.event_progress("doors_open_onto_wall") is not None
        key = (place, round(level, 3), round(opening, 3), self._old, at, wall)
        if key == self._light_key:
            return
        self._light_key = key
        old = self._old if place == "lift" else 0.0
        k = (0.9 - 0.15 * old) if place == "lift" else 0.8
        c = (0.04 + 0.96 * level) * k
        tint = (1.0, 1.0 - 0.06 * old, 1.0 - 0.22 * old)  # an old lamp's yellower light
        self.cabin_light.setColor(
            (WARM[0] * c * tint[0], WARM[1] * c * tint[1], WARM[2] * c * tint[2], 1.0)
        )
        a = 0.015 + 0.30 * level
        self.ambient.setColor((a, a, a * 1.02, 1.0))
        f = 0.12 * level
        self.fill.setColor((f, f, f, 1.0))
        emergency = level < 0.2
        e = 0.22 if emergency else 0.0
        self.emergency_light.setColor((e, e * 0.97, e * 0.9, 1.0))
        face_k = 1.6 if emergency else 0.35
        # Through the door: the landing's or the corridor's light, not the
        # shaft's dark (between floors) nor the bricks'.
        outside = 0.55
        if place == "lift" and not at:
            outside = 0.03
        if place != "lift" and wall:
            outside = 0.05
        d = outside * opening
        self.door_light.setColor((d, d, d * 0.96, 1.0))
        glow = 0.12 + 0.95 * level
        if place == "lift":
            lift = self.lift
            lift.light_panel.setColorScale(glow, glow * tint[1], glow * tint[2], 1.0)
            lift.emergency_face.setColorScale(face_k, face_k, face_k * 0.9, 1.0)
            shade = 0.18 + 0.55 * level
            lift.shaft.shade.setColorScale(shade, shade, shade, 1.0)
        else:
            self.room.diffuser.setColorScale(glow, glow, glow * 1.02, 1.0)
            self.room.emergency_face.setColorScale(face_k, face_k, face_k * 0.9, 1.0)

    def _update_jolt(self, t: float, moving: bool) -> None:
        z = r = 0.0
        if self._jolt_t0 is not None:
            e = t - self._jolt_t0
            if e < 0.0 or e > JOLT_S:
                self._jolt_t0 = None if e > JOLT_S else self._jolt_t0
            else:
                decay = math.exp(-e * 3.2)
                z = -0.045 * decay * math.cos(2.0 * math.pi * 2.6 * e)
                r = 0.7 * decay * math.sin(2.0 * math.pi * 1.9 * e)
        if moving and abs(self.velocity) > 0.05:
            z += 0.0012 * math.sin(t * 37.0) * abs(self.velocity) / SPEED
        self.world.setPos(0.0, 0.0, z)
        self.world.setR(r)

    # -- people -------------------------------------------------------------------------------
    def _update_people(self, place: str, space: float, t: float, dt: float) -> None:
        count = float(self.value("people"))
        key = (place, round(space, 4))
        if key != self._people_key:  # they move only when the walls do
            self._people_key = key
            roomy, cramped = SLOTS[place]
            self._slots = []
            for i, person in enumerate(self.people):
                (x0, y0, h0), (x1, y1, h1) = roomy[i], cramped[i]
                x, y = x0 + (x1 - x0) * space, y0 + (y1 - y0) * space
                person.root.setPosHpr(x, y, 0.0, h0 + (h1 - h0) * space, 0.0, 0.0)
                self._slots.append((x, y))
        head = self.ctx.head.getPos(self.world)
        head_pt = (head.x, head.y, head.z)
        d = self.dims
        display = (0.0, d.front, 2.1) if place == "lift" else (0.0, d.front + 0.5, 1.5)
        alarm = self._alarm_t0 is not None
        panel_pt = head_pt
        if alarm:
            panel = self.lift.panel.root if place == "lift" else self.room.panel.root
            pp = panel.getPos(self.world)
            panel_pt = (pp.x, pp.y, pp.z)
        jolted = self._jolt_t0 is not None or self.stuck
        nearest = -1
        nearest_d = math.inf
        step = dt if dt > 0.0 else None
        for i, person in enumerate(self.people):
            appear = min(1.0, max(0.0, count - i))
            if appear <= 0.0:
                if self._shown[i]:
                    person.root.hide()
                    self._shown[i] = False
                continue
            if not self._shown[i]:
                person.root.show()
                self._shown[i] = True
            if appear < 1.0:  # fading in or out during a ramp of the count
                person.root.setTransparency(TransparencyAttrib.MAlpha)
                person.root.setAlphaScale(appear)
            elif person.root.hasTransparency():
                person.root.clearTransparency()
                person.root.clearColorScale()
            person.breathe(t, 0.22 + 0.03 * i + 0.05 * space)
            u = ((t + 3.7 * i) / (10.0 + 1.7 * i)) % 1.0
            target: tuple[float, float, float] | None = None
            if alarm:
                target = panel_pt
            elif jolted:
                target = display if i % 2 == 0 else head_pt
            elif 0.42 < u < 0.52:
                target = head_pt  # a glance at the patient
            elif u < 0.22 and i != 2:
                target = display
            person.look_at(target, step)
            if i == 2:
                phone_on = not (alarm or jolted)
                person.phone(1.0 if phone_on else 0.0)
                if phone_on == person.phone_node.isHidden():
                    if phone_on:
                        person.phone_node.show()
                    else:
                        person.phone_node.hide()
            elif i == 4:
                person.arms_crossed(0.8)
            person.apply()
            x, y = self._slots[i]
            dist = math.hypot(x - head_pt[0], y - head_pt[1])
            if dist < nearest_d:
                nearest, nearest_d = i, dist
        if nearest >= 0:  # the breathing heard is the nearest person's, at their mouth
            x, y = self._slots[nearest]
            self._breath_src.setPos(x, y, self.people[nearest].body.h * 0.92)

    def _update_vent(self, dt: float, place: str) -> None:
        rate = self._air() * 14.0
        self._fan_angle = (self._fan_angle + rate * dt * 360.0 / (2 * math.pi)) % 360.0
        vent = self.lift.vent if place == "lift" else self.room.vent
        vent.fan.setH(self._fan_angle)

    def _air(self) -> float:
        """The fan's speed 0..1: the setting, stopped by a power dip or a cut."""
        air = float(self.value("ventilation"))
        if self.event_progress("stops_between_floors") is not None or self._light < 0.05:
            air = 0.0
        return air

    # -- sound --------------------------------------------------------------------------------
    def _set_volume(self, key: str, volume: float) -> None:
        snd = self.snd.get(key)
        if snd is None:
            return
        v = round(volume, 3)
        if self._volumes.get(key) != v:
            self._volumes[key] = v
            snd.setVolume(v)

    def _update_sound(self, place: str, level: float, moving: bool) -> None:
        if not self.snd:
            return
        self._set_volume("vent", 0.45 * self._air())
        hum = abs(self.velocity) / SPEED if place == "lift" and not self.stuck else 0.0
        self._set_volume("hum", 0.5 * min(1.0, hum))
        flicker = getattr(self, "_flickering", 0.0)
        self._set_volume("buzz", 0.22 * flicker * (0.3 + 0.7 * level))
        shown = sum(self._shown)
        self._set_volume("breath", 0.6 if shown else 0.0)
        breath = self.snd.get("breath")
        if breath is not None and shown:
            sound.place(breath, self._breath_src, self.ctx.head, min_distance=0.3)
        voice = self.snd.get("intercom")
        if voice is not None and self._alarm_t0 is not None:
            e = self.time - self._alarm_t0
            panel = self.lift.panel if place == "lift" else self.room.panel
            if (
                e >= INTERCOM_DELAY_S
                and voice.status() != AudioSound.PLAYING
                and e < INTERCOM_DELAY_S + 0.5
            ):
                voice.setVolume(0.9)
                voice.play()
            if voice.status() == AudioSound.PLAYING:
                sound.place(voice, panel.speaker, self.ctx.head, min_distance=0.5)

    # -- for still cameras, tests and telemetry --------------------------------------------------
    def focus_point(self) -> tuple[float, float, float] | None:
        d = self.dims
        return (0.0, d.front, 1.45)

    def free_volume(self) -> float:
        """The air around the patient (m^3): the box the walls enclose, read
        from the wall nodes, less a cylinder for each person shown."""
        shell = self.lift.shells[0] if self._place == "lift" else self.room.shell
        x0, x1, y0, y1, z0, z1 = shell.inner_box()
        box = (x1 - x0) * (y1 - y0) * (z1 - z0)
        people = sum(
            math.pi * PERSON_RADIUS**2 * p.body.h
            for p, shown in zip(self.people, self._shown, strict=True)
            if shown
        )
        return box - people

    def visible_people(self) -> int:
        return sum(self._shown)

    def light_level(self) -> float:
        return self._light

    def display_text(self) -> str:
        return self.lift.display.shown

    def door_opening(self) -> float:
        return self._opening


__all__ = ["LIGHTS", "EnclosedScene"]
