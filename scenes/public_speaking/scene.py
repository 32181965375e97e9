"""The public speaking scene: the patient at a lectern facing an audience.

Audience model. Fifty seated people are built at load (the first thirty,
the three front rows, in near detail; the back two rows in far detail, with
heads, faces and arms still posable), and shown as the ``audience`` count
reaches their seat (front row first, middle first). Each has a seeded
*role* (0..1) and *kind*: at a given ``attention`` the people whose role is
below its share of distracted listeners look at their phone, whisper to a
neighbour or look away (at the window, the slide, their notes); the others
look at the patient's head, wherever it moves, every frame. ``attitude``
sets everyone's face (a smile, nothing, a frown) and what the restless do
(nods; or crossed arms, yawns and looks at the watch). Changes ease in per
person (heads turn, phones come out), so a ramp never snaps.

Per frame: the listeners due this frame (each row every few frames,
``ROW_STRIDES``; the one coughing, ringing or asking every frame), a few
float operations each (:class:`_Member`), then :meth:`Person.apply`, which
writes only joints that changed; faces are written only when an
expression changes.
"""

from __future__ import annotations

import itertools
import logging
import math
from typing import Any

import numpy as np
from panda3d.core import (
    AmbientLight,
    AudioSound,
    DirectionalLight,
    Filename,
    PointLight,
)

from palier.scenes import sound
from palier.scenes.api import smoothstep
from palier.scenes.base import Scene
from palier.scenes.people import LEGS, Person, PersonLook
from palier.scenes.procedural import lit_shader
from palier.scenes.public_speaking import sounds
from palier.scenes.public_speaking.declaration import (
    ATTENTIONS,
    DECLARATION,
    MAX_AUDIENCE,
    QUESTIONS,
)
from palier.scenes.public_speaking.room import (
    FILL_ORDER,
    LAYOUTS,
    PER_ROW,
    SEAT_HEIGHT,
    Layout,
    Props,
    RoomNodes,
    build_props,
    build_room,
)
from palier.scenes.public_speaking.speech import LINES

log = logging.getLogger(__name__)

NEAR_SEATS = 30  # the three front rows; the back two are 5.5 m and more away
ROW_STRIDES = (3, 4, 4, 8, 8)
"""Frames between two poses of a listener, by row: 30 Hz (at 90) in the
front row, 2.3 m away or more; 22 Hz in the next two; 11 Hz at the back,
6 m and more away, where one step of a head turning 30 degrees a second
moves the nose 5 mm: about a pixel at headset density."""
WALKER_SEATS = (0, 1, 9)  # seats whose sitter can walk out (a standing twin each)
DISTRACTED_SHARE = {"distracted": 0.75, "mixed": 0.3, "attentive": 0.0}
EASE = 2.0  # per second: how fast a person's behaviour blends to a new one
WALK_SPEED = 1.15  # m/s
HAND_UP_S = 2.2  # question: the hand is up this long before the question


def _stride(seat: int) -> int:
    """Frames between two poses of the listener in ``seat``."""
    return ROW_STRIDES[seat // PER_ROW]


def _ease(current: float, target: float, k: float) -> float:
    return current + (target - current) * k


class _Member:
    """One seat's person and their behaviour (plain floats, updated in place)."""

    __slots__ = (
        "clap",
        "cross",
        "eye",
        "index",
        "kind",
        "look",
        "neighbour",
        "person",
        "phase",
        "phone",
        "restless",
        "role",
        "seat",
        "shown",
        "whisper",
    )

    def __init__(self, index: int, person: Person, rng: np.random.Generator) -> None:
        self.index = index
        self.person = person
        self.role = float(rng.random())  # below the distracted share: distracted
        kind = float(rng.random())
        self.kind = "phone" if kind < 0.5 else "whisper" if kind < 0.75 else "away"
        self.restless = float(rng.random())  # cold: crossed arms, yawns, the watch
        self.phase = float(rng.random()) * 40.0
        self.phone = self.whisper = self.cross = self.clap = 0.0
        self.look: tuple[float, float, float] = (0.0, 0.0, 0.0)  # somewhere away
        self.seat: tuple[float, float, float] = (0.0, 0.0, 0.0)
        self.eye: tuple[float, float, float] = (0.0, 0.0, 0.0)
        self.neighbour = -1
        self.shown = False


class PublicSpeakingScene(Scene):
    declaration = DECLARATION

    # -- build ------------------------------------------------------------------------
    def on_build(self) -> None:
        seed = self.ctx.seed
        self.root.setShader(lit_shader())
        self.rooms: dict[str, RoomNodes] = {
            name: build_room(self.root, layout, seed) for name, layout in LAYOUTS.items()
        }
        self.props: Props = build_props(self.root, seed, self.ctx.eye_height)
        self._build_lights()
        rng = np.random.default_rng(seed + 11)
        self.members: list[_Member] = []
        for i in range(MAX_AUDIENCE):
            near = i < NEAR_SEATS
            person = Person(
                self._look(i),
                self.root,
                pose="seated",
                seat_height=SEAT_HEIGHT,
                detail="near" if near else "far",
                rigid=LEGS,
                name=f"listener-{i}",
            )
            person.root.setH(180.0)
            person.root.hide()
            self.members.append(_Member(i, person, rng))
        # Who is posed at each frame of the cycle (see _update_people).
        self._rota = [
            [m for m in self.members if (f + m.index) % _stride(m.index) == 0]
            for f in range(math.lcm(*ROW_STRIDES))
        ]
        self.walkers = {
            i: Person(self._look(i), self.root, pose="standing", name=f"walker-{i}")
            for i in WALKER_SEATS
        }
        for walker in self.walkers.values():
            walker.root.hide()
        for clock in self.props.clocks:
            clock.hide()
        self.voice = self.root.attachNewNode("voice")  # where a one-shot sound comes from
        self.layout: Layout | None = None
        self._count = -1
        self._attitude = ""
        self._spot = -1.0
        self._first = True
        self._frame = 0
        self._fired: dict[str, int] = {}
        self._who: dict[str, int] = {}  # event -> member index
        self._walk: tuple[int, list[tuple[float, float, float]], float] | None = None
        self._timer_on = False
        self._timer_t0: float | None = None  # None: starts at the next frame
        self._shown_digits: list[int] = [-1, -1, -1, -1]
        self._clock_state = ""
        self._playing: list[tuple[AudioSound, float]] = []
        self._question_sound: AudioSound | None = None
        self._load_sounds()

    def _look(self, index: int) -> PersonLook:
        return PersonLook.from_seed(self.ctx.seed * 1000 + 17 + index)

    def _build_lights(self) -> None:
        self.ambient = AmbientLight("speaking-ambient")
        self.ceiling = DirectionalLight("speaking-ceiling")
        self.daylight = DirectionalLight("speaking-daylight")
        self.stage = PointLight("speaking-stage")
        self.stage.setAttenuation((1.0, 0.0, 0.45))
        for light, hpr in (
            (self.ambient, None),
            (self.ceiling, (12.0, -58.0, 0.0)),
            (self.daylight, (-75.0, -25.0, 0.0)),
            (self.stage, None),
        ):
            np_light = self.root.attachNewNode(light)
            if hpr is not None:
                np_light.setHpr(*hpr)
            self.root.setLight(np_light)
        self.stage_np = self.root.find("speaking-stage")
        self.stage_np.setPos(0.0, 1.3, 2.5)

    def _load_sounds(self) -> None:
        self.sfx: dict[str, AudioSound] = {}
        self.speech: dict[str, AudioSound] = {}
        mgr = self.ctx.audio
        if mgr is None:
            return
        seed = self.ctx.seed
        clips = {
            "room": sounds.room_tone(seed),
            "cough": sounds.cough(seed),
            "phone_rings": sounds.ringtone(),
            "applause": sounds.applause(seed),
            "laughter": sounds.laughter(seed),
        }
        try:
            for name, samples in clips.items():
                wav = sound.ram_wav(f"public-speaking-{name}-{seed}.wav", samples)
                self.sfx[name] = self.add_sound(mgr.getSound(wav))
            for qid in QUESTIONS:
                path = LINES.recording(qid, self.ctx.language)
                self.speech[qid] = self.add_sound(mgr.getSound(Filename.fromOsSpecific(str(path))))
        except OSError as exc:  # the room still works silent
            log.warning("public speaking: no sound (%s)", exc)
            return
        room = self.sfx["room"]
        room.setLoop(True)
        room.setVolume(0.5)
        room.play()

    def on_teardown(self) -> None:
        self.members = []
        self._rota = []
        self.walkers = {}
        self.sfx = {}
        self.speech = {}
        self._playing = []

    # -- layout -----------------------------------------------------------------------------
    def _set_room(self, name: str) -> None:
        layout = LAYOUTS[name]
        self.layout = layout
        self._spot = -1.0  # relight: the daylight differs
        for room_name, room in self.rooms.items():
            if room_name == name:
                room.node.show()
            else:
                room.node.hide()
        seats = layout.seats()
        for m in self.members:
            x, y, z = seats[m.index]
            m.seat = (x, y, z)
            m.person.root.setPos(x, y, z)
            m.eye = (x, y - 0.05, z + SEAT_HEIGHT + 0.66)
            row, k = divmod(m.index, PER_ROW)
            col = FILL_ORDER[k]
            # Whisper to the neighbour filled first (the one more likely there).
            options = [
                row * PER_ROW + FILL_ORDER.index(c) for c in (col - 1, col + 1) if 0 <= c < PER_ROW
            ]
            m.neighbour = min(options)
            # Where someone looking away looks: the window (meeting room) or
            # the door, the ceiling, their own lap.
            away = (
                (-layout.half_width, y - 1.0, 1.6)
                if m.kind == "away" and m.role < 0.5
                else (layout.door[1], layout.door[0], 1.4)
                if m.kind == "away"
                else (x, y - 0.6, z + 0.2)
            )
            m.look = away
        dy = 4.6 if name == "meeting_room" else 6.0
        dz = min(layout.ceiling - 0.35, 2.5 if name == "meeting_room" else 3.2)
        self.props.stage_lamp.setPos(0.0, dy, dz)
        self.props.stage_lamp.setHpr(0.0, -math.degrees(math.atan2(dz - 1.3, dy)) + 20.0, 0.0)
        self.props.camera.setPos(
            -layout.aisle_x + 0.2 if name == "lecture_hall" else -3.4, layout.first_row - 0.4, 0.0
        )
        self.props.camera.setH(-math.degrees(math.atan2(3.4, layout.first_row)) * 0.0 - 35.0)
        bx, by, bz = layout.back_clock()
        self.props.clocks[1].setPos(bx + 1.6, by, bz)

    def _set_count(self, count: int) -> None:
        for m in self.members:
            show = m.index < count
            if show != m.shown:
                m.shown = show
                if show:
                    m.person.root.show()
                else:
                    m.person.root.hide()
                    m.person.phone_node.hide()
        self._count = count

    # -- events ------------------------------------------------------------------------------
    def on_event(self, name: str, **options: Any) -> None:
        shown = [m.index for m in self.members if m.shown]
        n = self._fired.get(name, 0)
        self._fired[name] = n + 1
        if not shown:
            log.info("public speaking: %s with nobody in the room", name)
            self._who[name] = -1
            return
        rng = np.random.default_rng(self.ctx.seed * 31 + n * 7 + len(name))
        front = [i for i in shown if i < NEAR_SEATS] or shown
        if name == "walk_out":
            self._start_walk(len(shown))
            return
        if name in ("cough", "phone_rings", "question"):
            taken = {self._who.get(e, -1) for e in ("cough", "phone_rings", "question")}
            pool = [i for i in front if i not in taken] or front
            self._who[name] = int(pool[int(rng.integers(len(pool)))])
        snd = self.sfx.get(name)
        if name == "question":
            snd = self.speech.get(QUESTIONS[n % len(QUESTIONS)])
            self._question_sound = snd
            return  # spoken once the hand is up (on_update)
        if snd is not None:
            self._play(snd, name, self.event_spec_s(name))

    def event_spec_s(self, name: str) -> float:
        return DECLARATION.event(name).duration_s

    def _play(self, snd: AudioSound, name: str, seconds: float) -> None:
        who = self._who.get(name, -1)
        if who >= 0:
            self._place_voice(who)
        else:  # the whole audience: from the middle of the rows
            assert self.layout is not None
            self.voice.setPos(0.0, self.layout.first_row + 1.5, 1.2)
        snd.stop()
        snd.play()
        self._playing.append((snd, self.time + seconds))

    def _place_voice(self, who: int) -> None:
        self.voice.setPos(*self.members[who].eye)

    def _start_walk(self, count: int) -> None:
        assert self.layout is not None
        seat = max(i for i in WALKER_SEATS if i < count)
        layout = self.layout
        x, y, z = self.members[seat].seat
        lane = y - 0.32
        door_y, door_x = layout.door
        path = [
            (x, lane, z),
            (layout.aisle_x, lane, z),
            (layout.aisle_x, door_y, 0.0),
            (door_x + 0.8, door_y, 0.0),
        ]
        length = sum(math.dist(path[i], path[i + 1]) for i in range(3))
        self._walk = (seat, path, length)

    # -- frame ---------------------------------------------------------------------------------
    def on_update(self, t: float, dt: float) -> None:
        room = str(self.target("room"))
        if self.layout is None or self.layout.name != room:
            self._set_room(room)
        count = round(float(self.value("audience")))
        if count != self._count:
            self._set_count(count)
        self._update_light(float(self.value("spotlight")))
        self._update_camera(t)
        self._update_timer(t, building=dt == 0.0 and t == 0.0)
        self._update_people(t, dt)
        self._update_sounds()

    def _update_light(self, spot: float) -> None:
        if abs(spot - self._spot) < 0.005:
            return
        self._spot = spot
        room = 1.0 - 0.65 * spot
        self.ambient.setColor((0.46 * room, 0.46 * room, 0.47 * room, 1.0))
        self.ceiling.setColor((0.62 * room, 0.61 * room, 0.57 * room, 1.0))
        day = 0.38 * room if self.layout is not None and self.layout.rise == 0.0 else 0.16 * room
        self.daylight.setColor((day * 0.95, day, day * 1.05, 1.0))
        s = 2.4 * spot
        self.stage.setColor((s, s * 0.95, s * 0.82, 1.0))
        p = self.props
        if spot > 0.02:
            p.stage_lamp.show()
            p.light_pool.show()
            p.light_pool.setAlphaScale(spot)
            p.stage_lamp.setAlphaScale(spot)
        else:
            p.stage_lamp.hide()
            p.light_pool.hide()

    def _update_camera(self, t: float) -> None:
        cam = self.props.camera
        if not self.target("camera"):
            if not cam.isHidden():
                cam.hide()
            return
        if cam.isHidden():
            cam.show()
        blink = (t % 1.0) < 0.7
        light = self.props.camera_light
        if blink and light.isHidden():
            light.show()
        elif not blink and not light.isHidden():
            light.hide()

    def _update_timer(self, t: float, building: bool = False) -> None:
        """The countdown. At build the clock is not the engine's yet (the
        first update comes with t = 0): it starts at the next frame."""
        on = bool(self.target("timer"))
        clocks = self.props.clocks
        if on != self._timer_on:
            self._timer_on = on
            self._timer_t0 = None if building else t
            for c in clocks:
                if on:
                    c.show()
                else:
                    c.hide()
        if not on:
            return
        if self._timer_t0 is None and not building:
            self._timer_t0 = t
        start = t if self._timer_t0 is None else self._timer_t0
        total = round(float(self.value("timer_minutes"))) * 60
        left = max(0, math.ceil(total - (t - start)))
        minutes, seconds = divmod(left, 60)
        digits = [minutes // 10, minutes % 10, seconds // 10, seconds % 10]
        state = "red" if left <= 60 else "white"
        if left == 0 and (t % 0.8) < 0.4:
            state = "off"
        if state != self._clock_state:
            self._clock_state = state
            colour = (1.0, 0.18, 0.12, 1.0) if state != "white" else (0.95, 0.93, 0.85, 1.0)
            for c in clocks:
                c.setColorScale(colour)
        if state == "off":
            digits = [-2, -2, -2, -2]
        for place, d in enumerate(digits):
            if d == self._shown_digits[place]:
                continue
            for places in self.props.digits:
                cards = places[place]
                old = self._shown_digits[place]
                if old >= 0:
                    cards[old].hide()
                if d >= 0:
                    cards[d].show()
            self._shown_digits[place] = d

    def _update_sounds(self) -> None:
        if not self._playing:
            return
        head = self.ctx.head
        keep = []
        for snd, until in self._playing:
            if self.time < until:
                sound.place(snd, self.voice, head, min_distance=1.5)
                keep.append((snd, until))
        self._playing = keep

    # -- the audience ----------------------------------------------------------------------------
    def _update_people(self, t: float, dt: float) -> None:
        head = self.ctx.head.getPos(self.root)
        target = (head.x, head.y, head.z)
        first = self._first
        self._first = False
        # Each listener is posed every few frames, the back rows less often
        # (ROW_STRIDES; staggered: about 11 of 50 a frame, whatever the room
        # does, so the frame's cost does not follow an event); the one
        # coughing, ringing or asking is posed every frame.
        frame = self._frame
        self._frame += 1
        eases = {n: 1.0 if first else 1.0 - math.exp(-EASE * dt * n) for n in (1, *ROW_STRIDES)}
        attention = str(self.target("attention"))
        share = DISTRACTED_SHARE[attention]
        attitude = str(self.target("attitude"))
        if attitude != self._attitude:
            self._attitude = attitude
            smile = {"warm": 0.85, "neutral": 0.0, "cold": -0.85}[attitude]
            for m in self.members:
                m.person.expression(smile if attitude != "warm" or m.role < 0.8 else 0.3)
        warm, cold = attitude == "warm", attitude == "cold"
        members = self.members

        def env(name: str, rise: float, fall: float) -> tuple[float, float]:
            p = self.event_progress(name)
            if p is None:
                return 0.0, -1.0
            dur = DECLARATION.event(name).duration_s
            s = p * dur
            return min(1.0, s / rise, max(0.0, (dur - s) / fall)), s

        clap_env, _ = env("applause", 0.3, 0.8)
        laugh_env, _ = env("laughter", 0.2, 1.0)
        cough_p = self.event_progress("cough")
        _ring_env, ring_s = env("phone_rings", 0.6, 1.0)
        q_env, q_s = env("question", 0.5, 0.8)
        cougher = self._who.get("cough", -1) if cough_p is not None else -1
        ringer = self._who.get("phone_rings", -1) if ring_s >= 0 else -1
        asker = self._who.get("question", -1) if q_s >= 0 else -1
        if asker >= 0 and q_s >= HAND_UP_S and self._question_sound is not None:
            self._play(self._question_sound, "question", 6.0)
            self._question_sound = None
        walker_seat = self._update_walk(t)
        walker_eye: tuple[float, float, float] | None = None
        if walker_seat >= 0 and not self.walkers[walker_seat].root.isHidden():
            head = self.walkers[walker_seat].point("head", (0.0, 0.0, 0.08), self.root)
            walker_eye = (head.x, head.y, head.z)
        busy = [i for i in (cougher, ringer, asker) if i >= 0]
        due = (
            members
            if first
            else [
                *(members[i] for i in busy),
                *(m for m in self._rota[frame % len(self._rota)] if m.index not in busy),
            ]
        )
        for m in due:
            if not m.shown or m.index == walker_seat:
                continue
            i = m.index
            n = 1 if first or i in busy else _stride(i)
            k = eases[n]
            step = None if first else dt * n
            p = m.person
            p.breathe(t)
            distracted = m.role < share
            look: tuple[float, float, float] | None = target
            phone_t = whisper_t = 0.0
            if distracted:
                if m.kind == "phone":
                    phone_t, look = 1.0, None
                elif m.kind == "whisper" and members[m.neighbour].shown:
                    whisper_t, look = 1.0, members[m.neighbour].eye
                else:
                    look = m.look
            if i == ringer:
                phone_t, look = 1.0 if ring_s < 4.5 else 0.0, None
            elif ringer >= 0 and ring_s < 3.0 and abs(i - ringer) <= 3:
                look = members[ringer].eye  # neighbours turn toward the ringing
            elif walker_eye is not None and abs(i - walker_seat) <= 4:
                look = walker_eye  # and glance at someone getting up to leave
            if asker >= 0:
                if i == asker:
                    p.raise_hand(q_env if q_s < HAND_UP_S + 0.6 else 0.0)
                    speaking = HAND_UP_S < q_s < HAND_UP_S + 4.8
                    p.mouth_open(0.35 * abs(math.sin(q_s * 9.0)) if speaking else 0.0)
                elif distracted or m.role > 0.6:
                    look = members[asker].eye  # people turn to the one asking
            elif p.state.hand:
                p.raise_hand(0.0)
                p.mouth_open(0.0)
            m.phone = _ease(m.phone, phone_t, k)
            if abs(m.phone - p.state.phone) > 0.01:
                p.phone(m.phone)
                if m.phone > 0.35:
                    p.phone_node.show()
                else:
                    p.phone_node.hide()
            m.whisper = _ease(m.whisper, whisper_t, k)
            if m.whisper < 0.01 and not whisper_t:
                m.whisper = 0.0
            if m.whisper or p.state.lean:
                side = 1.0 if members[m.neighbour].seat[0] < m.seat[0] else -1.0
                p.whisper(m.whisper * side)
                p.mouth_open(0.2 * m.whisper * abs(math.sin(t * 7.0 + m.phase)))
            # Attitude: nods for the warm, arms, yawns and the watch for the cold.
            phase = t + m.phase
            cross_t = 1.0 if cold and m.restless < 0.45 and not distracted else 0.0
            m.cross = _ease(m.cross, cross_t, k)
            if abs(m.cross - p.state.crossed) > 0.01:
                p.arms_crossed(m.cross)
            if warm and not distracted:
                p.nod(t, 1.0 if phase % 11.0 < 1.3 else 0.0)
            elif p.state.nod:
                p.nod(t, 0.0)
            if cold and m.restless > 0.7 and not distracted:
                cycle = (phase % 24.0) / 4.5
                p.yawn(cycle if cycle < 1.0 else None)
                watch = (phase + 9.0) % 20.0
                p.check_time(smoothstep(min(watch, 3.0 - watch) / 0.6) if watch < 3.0 else 0.0)
            elif p.state.yawn or p.state.watch:
                p.yawn(None)
                p.check_time(0.0)
            if i == cougher or p.state.cough:
                p.cough((cough_p or 0.0) if i == cougher else None)
            if clap_env > 0.0 or p.state.clap:
                p.clap(t, clap_env)
            if (laugh_env > 0.0 and m.role > 0.3) or p.state.laugh:
                p.laugh(t, laugh_env if m.role > 0.3 else 0.0)
            if look is not None:
                # In the listener's own frame: at their seat, turned round
                # (H 180) to face the lectern (no scene-graph query a person).
                sx, sy, sz = m.seat
                look = (sx - look[0], sy - look[1], look[2] - sz)
            p.look_at(look, step, in_root=True)
            p.apply()

    def _update_walk(self, t: float) -> int:
        """Move the walker (if one is out); returns the seat they left, or -1."""
        p = self.event_progress("walk_out")
        if self._walk is None:
            return -1
        seat, path, length = self._walk
        walker = self.walkers[seat]
        sitter = self.members[seat]
        if p is None or not sitter.shown:
            walker.root.hide()
            if sitter.shown:
                sitter.person.root.show()
            self._walk = None
            return -1
        duration = DECLARATION.event("walk_out").duration_s
        s = p * duration
        out_s = length / WALK_SPEED
        away_s = max(0.0, duration - 2.0 * out_s - 0.6)
        if s < out_s:
            d, back = s * WALK_SPEED, False
        elif s < out_s + away_s:
            d, back = length + 1.0, False
        else:
            d, back = max(0.0, length - (s - out_s - away_s) * WALK_SPEED), True
        if s > 2.0 * out_s + away_s:  # home: sit down again
            walker.root.hide()
            sitter.person.root.show()
            return -1
        if not sitter.person.root.isHidden():
            sitter.person.root.hide()
            sitter.person.phone_node.hide()
        if d > length:
            walker.root.hide()
            return seat
        walker.root.show()
        rest = d
        for a, b in itertools.pairwise(path):
            seg = math.dist(a, b)
            if rest <= seg or b is path[-1]:
                f = min(1.0, rest / seg) if seg > 0 else 1.0
                x = a[0] + (b[0] - a[0]) * f
                y = a[1] + (b[1] - a[1]) * f
                z = a[2] + (b[2] - a[2]) * f
                dx, dy = (a[0] - b[0], a[1] - b[1]) if back else (b[0] - a[0], b[1] - a[1])
                walker.root.setPosHpr(x, y, z, math.degrees(math.atan2(-dx, dy)), 0.0, 0.0)
                break
            rest -= seg
        walker.walk(d / walker.stride())
        walker.breathe(t)
        walker.look_at(None)
        walker.apply()
        return seat

    # -- for still cameras and tests -------------------------------------------------------------
    def focus_point(self) -> tuple[float, float, float] | None:
        layout = self.layout or LAYOUTS[str(self.target("room"))]
        # The middle of the filled rows, at seated head height.
        rows = max(1, min(5, math.ceil(round(float(self.value("audience"))) / PER_ROW)))
        middle = (rows - 1) / 2
        return 0.0, layout.first_row + layout.row_pitch * middle, 0.95 + layout.rise * middle

    def audience_heads(self) -> list[tuple[Person, tuple[float, float, float]]]:
        """Every shown seated person and where their eyes are (scene root
        frame), for tests."""
        out = []
        for m in self.members:
            if m.shown and not m.person.root.isHidden():
                out.append((m.person, m.eye))
        return out


__all__ = ["ATTENTIONS", "PublicSpeakingScene"]
