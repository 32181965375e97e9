"""The spiders scene: house spiders on the floor, on the table or coming to
the patient's hand, graded by distance, size, number and movement.

Motion model. Each spider's place is a pure function of the (ramped)
parameters and of integrated phases (wander, gait), so every change is
continuous: a distance ramp slides the place, a location change moves it
along a walkable path (across the floor, up a table leg, over the top), a
count change walks extra spiders in from further away while they grow from
nothing. The legs then follow the resulting velocity (see ``model``), so
whatever moves a spider also makes it walk.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from panda3d.core import (
    Geom,
    GeomLines,
    GeomNode,
    GeomVertexData,
    GeomVertexFormat,
    GeomVertexWriter,
    NodePath,
    TransparencyAttrib,
)

from palier.scenes.api import smoothstep
from palier.scenes.base import Scene
from palier.scenes.procedural import hand_node, lit_shader
from palier.scenes.spiders.declaration import ACTIVITIES, DECLARATION, LOCATIONS
from palier.scenes.spiders.model import SpiderProto, SpiderRig, build_proto
from palier.scenes.spiders.room import (
    CEILING,
    LEG_SIZE,
    TABLE_BACK,
    TABLE_FRONT,
    TABLE_TOP,
    TABLE_X,
    Room,
    build_room,
)

log = logging.getLogger(__name__)

MAX_SPIDERS = 10
FLOOR_REF = (0.0, 0.15)  # in front of the chair, between the patient's feet
TABLE_REF_X = -0.08  # table spiders sit a little left of the right hand
CLIMB_POST = (-TABLE_X - 0.004, TABLE_FRONT + LEG_SIZE / 2)  # outer face of a table leg
TELEPORT_M = 0.6  # a frame step longer than this is a ramp-0 jump: no gait from it
DROP_AHEAD = 0.35  # the dropping spider hangs this far in front of the eyes ...
DROP_BELOW_EYES = 0.08  # ... and this far below them: in front of the face
HAND_REST = 0.02  # the hand's origin above the surface it lies on (hand_node)


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


SEPARATION = 1.1
"""Least distance between two spiders' centres, in leg spans: they never overlap."""


def _keep_on(value: float, moved: float, lo: float, hi: float) -> float:
    """``moved`` (a pushed ``value``), not pushed past ``lo``..``hi`` (a
    value already outside stays where it is): continuous in both."""
    return min(max(value, hi), max(min(value, lo), moved))


def _separate(placed: list[list[Any]], min_d: float, table: tuple[float, ...]) -> None:
    """Push each spider (in x, y) away from the ones before it, the nearest
    first, when closer than ``min_d``: a smooth function of the places, so
    motion stays continuous, and the nearest spider (the one a step grades)
    is never moved. A spider on the table is not pushed off it (``table``:
    x and y limits)."""
    x_lo, x_hi, y_lo, y_hi = table
    for b in range(1, len(placed)):
        pb = placed[b]
        for a in range(b):
            pa = placed[a]
            # Fades out over 5 cm of height: spiders on another level (or
            # one climbing a table leg past another) need no room.
            level = 1.0 - abs(pa[3] - pb[3]) / 0.05
            if level <= 0.0:
                continue
            dx, dy = pb[1] - pa[1], pb[2] - pa[2]
            d = math.hypot(dx, dy)
            if d >= min_d:
                continue
            if d < 1e-6:
                dx, dy, d = 1.0, 0.0, 1.0
            push = level * (min_d - d) / d
            if pb[3] > 0.1:  # on the table top
                pb[1] = _keep_on(pb[1], pb[1] + dx * push, x_lo, x_hi)
                pb[2] = _keep_on(pb[2], pb[2] + dy * push, y_lo, y_hi)
            else:
                pb[1] += dx * push
                pb[2] += dy * push


def _angle_diff(a: float, b: float) -> float:
    """b - a wrapped to -pi..pi."""
    return (b - a + math.pi) % (2.0 * math.pi) - math.pi


class _State:
    """Per-spider motion state (plain floats; updated in place)."""

    __slots__ = (
        "along",
        "burst_off",
        "burst_period",
        "heading",
        "lat",
        "pitch",
        "seen",
        "wander",
        "x",
        "y",
        "z",
    )

    def __init__(self, index: int) -> None:
        # Spread behind the nearest spider (away from the patient), the
        # bearing from a golden-ratio sequence so neighbours alternate sides.
        if index == 0:
            self.along, self.lat = 0.0, 0.0
        else:
            r = math.sqrt(index) * 0.95
            ang = math.radians(150.0 * ((index * 0.6180339887) % 1.0) - 75.0)
            self.along = 0.35 + r * math.cos(ang)
            self.lat = r * math.sin(ang) * 1.25
        self.wander = (index * 0.37) % 1.0
        self.burst_period = 1.7 + 0.23 * (index % 4)
        self.burst_off = 0.61 * index
        self.heading = 0.0
        self.pitch = 0.0
        self.x = self.y = self.z = 0.0
        self.seen = False


class SpiderScene(Scene):
    declaration = DECLARATION

    # -- build / teardown -----------------------------------------------------------
    def on_build(self) -> None:
        seed = self.ctx.seed
        self.root.setShader(lit_shader())
        self.room: Room = build_room(self.root, seed)
        self.proto: SpiderProto = build_proto(seed)
        self.rigs = [SpiderRig(self.proto, self.root, f"spider-{i}", i) for i in range(MAX_SPIDERS)]
        self.states = [_State(i) for i in range(MAX_SPIDERS)]
        for rig in self.rigs:
            rig.root.hide()  # shown by _move once a spider is in the count
        self.dropper = SpiderRig(self.proto, self.root, "spider-drop", MAX_SPIDERS)
        self.dropper.hanging = 1.0
        self.dropper.shadow.hide()
        self.dropper.cast.hide()
        self.dropper.root.hide()
        self.thread = self._make_thread()
        self.hand: NodePath = hand_node("patient-hand", right=True)
        self.hand.reparentTo(self.root)
        self.hand.setTransparency(TransparencyAttrib.MAlpha)
        self.hand.hide()
        self._run_from = 0.0  # envelope value when run_toward was last fired
        self._run_env = 0.0
        self._twitch = 1.0
        self._drop_t0: float | None = None
        self._drop_at = (0.0, DROP_AHEAD, 1.2 - DROP_BELOW_EYES)
        self._drop_s = DECLARATION.event("drop_from_above").duration_s
        self._hand_x = self._hand_y = 0.0

    def _make_thread(self) -> NodePath:
        vdata = GeomVertexData("silk", GeomVertexFormat.getV3(), Geom.UHStatic)
        writer = GeomVertexWriter(vdata, "vertex")
        writer.addData3(0.0, 0.0, 0.0)
        writer.addData3(0.0, 0.0, 1.0)
        lines = GeomLines(Geom.UHStatic)
        lines.addVertices(0, 1)
        geom = Geom(vdata)
        geom.addPrimitive(lines)
        node = GeomNode("silk-thread")
        node.addGeom(geom)
        thread = self.root.attachNewNode(node)
        thread.setColor(0.72, 0.72, 0.70, 0.8)
        thread.setTransparency(TransparencyAttrib.MAlpha)
        thread.setRenderModeThickness(1.5)
        thread.setLightOff(1)
        thread.setShaderOff(1)
        thread.hide()
        return thread

    def on_teardown(self) -> None:
        # Nodes go with the root (base class); drop our references so the
        # textures and geometry are freed with them.
        self.rigs = []
        self.states = []

    # -- events ------------------------------------------------------------------------
    def on_event(self, name: str, **options: Any) -> None:
        if name == "run_toward":
            self._run_from = self._run_env  # a second run starts where the first is
        elif name == "drop_from_above" and self._drop_t0 is None:
            # A second drop while one is under way lets the first finish
            # (restarting would make the spider jump back to the ceiling).
            self._drop_t0 = self.time
            self._drop_at = self._in_front_of_face()
            self.dropper.root.show()
            self.thread.show()

    def _in_front_of_face(self) -> tuple[float, float, float]:
        """Where a drop hangs: ahead of the eyes where the head faces now
        (kept for the whole drop, so it does not follow the head)."""
        head = self.ctx.head.getPos(self.root)
        ahead = self.root.getRelativeVector(self.ctx.head, (0.0, 1.0, 0.0))
        flat = math.hypot(ahead.x, ahead.y)
        fx, fy = (ahead.x / flat, ahead.y / flat) if flat > 1e-6 else (0.0, 1.0)
        low = min(CEILING - 0.3, head.z - DROP_BELOW_EYES)
        return head.x + fx * DROP_AHEAD, head.y + fy * DROP_AHEAD, low

    # -- where things go -------------------------------------------------------------------
    def _hand_xy(self) -> tuple[float, float]:
        return self._hand_x, self._hand_y

    def _frame(self, location: str, distance: float) -> tuple[float, float, float, float, float]:
        """Place of the nearest spider for a location: x, y, z and the unit
        direction pointing away from the patient."""
        if location == "floor":
            ang = math.radians(min(82.0, max(50.0, 82.0 - 10.0 * distance)))
            dx, dy = -math.sin(ang), math.cos(ang)
            return FLOOR_REF[0] + dx * distance, FLOOR_REF[1] + dy * distance, 0.0, dx, dy
        if location == "table":
            return TABLE_REF_X, TABLE_FRONT + 0.02 + distance, TABLE_TOP, 0.0, 1.0
        hx, hy = self._hand_xy()
        dx, dy = -0.196, 0.981  # ahead of the fingers, toward the table's middle
        return hx + dx * distance, hy + dy * distance, TABLE_TOP, dx, dy

    def _ref(self, location: str) -> tuple[float, float, float]:
        """The point a spider faces when it has nowhere to go (the patient)."""
        if location == "floor":
            return FLOOR_REF[0], FLOOR_REF[1], 0.0
        if location == "table":
            return TABLE_REF_X, TABLE_FRONT, TABLE_TOP
        hx, hy = self._hand_xy()
        return hx, hy, TABLE_TOP

    @staticmethod
    def _clamp(location: str, x: float, y: float, margin: float) -> tuple[float, float]:
        if location == "floor":
            # Keep out from under the table: from its front edge on, push
            # spiders out to its left side, fading the push in over 10 cm in
            # front of the table so a spider walking past never jumps.
            edge = TABLE_FRONT - margin
            w = smoothstep((y - (edge - 0.1)) / 0.1)
            x -= w * max(0.0, x + TABLE_X + margin)
            return max(-3.2, min(2.2, x)), max(-1.3, min(4.2, y))
        # Across the table: identity in the middle, squeezed smoothly toward
        # the edges, so a group crowds in but never piles up on one edge.
        lim = TABLE_X - margin
        knee = 0.7 * lim
        ax = abs(x)
        if ax > knee:
            ax = knee + (lim - knee) * math.tanh((ax - knee) / (lim - knee))
            x = math.copysign(ax, x)
        return x, max(TABLE_FRONT + margin, min(TABLE_BACK - margin, y))

    def _place(
        self,
        location: str,
        st: _State,
        distance: float,
        spacing: float,
        amp: float,
        margin: float,
        entry: float,
    ) -> tuple[float, float, float]:
        x, y, z, dx, dy = self._frame(location, distance)
        along = st.along * spacing + entry
        lat = st.lat * spacing
        w = st.wander * 2.0 * math.pi
        lat += amp * math.sin(w)
        along += amp * 0.35 * math.sin(2.0 * w + 1.0)
        x += dx * along + dy * lat
        y += dy * along - dx * lat
        x, y = self._clamp(location, x, y, margin)
        return x, y, z

    def _location_path(
        self, a: tuple[float, float, float], b: tuple[float, float, float], t: float
    ) -> tuple[float, float, float, int]:
        """Position along the walk from ``a`` to ``b`` at fraction ``t``. If
        one end is on the floor and the other on the table, the walk goes
        to the table leg, up (or down) its outer face, then across. Returns
        x, y, z and the climb direction (+1 up, -1 down, 0 on a level)."""
        if (a[2] > 0.1) == (b[2] > 0.1):
            return _lerp(a[0], b[0], t), _lerp(a[1], b[1], t), _lerp(a[2], b[2], t), 0
        px, py = CLIMB_POST
        low = (px, py, 0.0)
        high = (px, py, TABLE_TOP)
        pts = (a, low, high, b) if a[2] < 0.1 else (a, high, low, b)
        lens = [math.dist(pts[i], pts[i + 1]) for i in range(3)]
        s = t * (lens[0] + lens[1] + lens[2])
        for i in range(3):
            if s <= lens[i] or i == 2:
                f = 0.0 if lens[i] <= 1e-9 else min(1.0, s / lens[i])
                p, q = pts[i], pts[i + 1]
                climb = 0 if i != 1 else (1 if q[2] > p[2] else -1)
                return (_lerp(p[0], q[0], f), _lerp(p[1], q[1], f), _lerp(p[2], q[2], f), climb)
            s -= lens[i]
        raise AssertionError("unreachable")

    # -- frame -------------------------------------------------------------------------------
    def on_update(self, t: float, dt: float) -> None:
        distance = float(self.value("distance"))
        size_m = float(self.value("size")) / 100.0
        count = float(self.value("count"))
        act_from, act_to, act_p = self.transition("activity")
        loc_from, loc_to, loc_p = self.transition("location")
        loc_from, loc_to = str(loc_from), str(loc_to)
        i_from, i_to = ACTIVITIES.index(str(act_from)), ACTIVITIES.index(str(act_to))
        hand = self.ctx.right_hand.getPos(self.root)  # once a frame, not per spider
        self._hand_x, self._hand_y = hand.x, hand.y

        spacing = max(size_m * 1.2, 0.04 + 0.10 * distance)
        margin = 0.02 + size_m * 0.35
        # Activity: wander amplitude (m), speed (m/s), twitchiness, blended.
        walk_v = min(0.10, max(0.015, 1.0 * size_m))
        dash_v = min(0.7, max(0.12, 5.0 * size_m))
        amps = (0.0, 0.4 * spacing + 0.02, 0.6 * spacing + 0.03)
        twitch = (1.0, 0.35, 0.6)
        amp = _lerp(amps[i_from], amps[i_to], act_p)
        self._twitch = _lerp(twitch[i_from], twitch[i_to], act_p)

        run_p = self.event_progress("run_toward")
        if run_p is None:
            self._run_env = 0.0
        else:
            rise = smoothstep(run_p / 0.18)
            fall = smoothstep((run_p - 0.6) / 0.4)
            self._run_env = (self._run_from + (1.0 - self._run_from) * rise) * (1.0 - fall)

        placed: list[list[Any]] = []  # [index, x, y, z, climb, location, appear]
        for i in range(MAX_SPIDERS):
            st = self.states[i]
            rig = self.rigs[i]
            appear = min(1.0, max(0.0, count - i))
            if appear <= 0.0:
                if st.seen:
                    rig.root.hide()
                    st.seen = False
                continue
            # Wander phase advances with this activity's speed (scuttle: dashes).
            if dt > 0.0 and amp > 1e-4:
                burst_x = ((t + st.burst_off) / st.burst_period) % 1.0
                burst = math.sin(math.pi * burst_x / 0.35) ** 2 if burst_x < 0.35 else 0.0
                speeds = (0.0, walk_v, dash_v * burst)
                v = _lerp(speeds[i_from], speeds[i_to], act_p)
                st.wander = (st.wander + v * dt / (4.4 * amp)) % 1.0
            entry = (1.0 - appear) * (0.35 + 3.0 * size_m)
            a = self._place(loc_from, st, distance, spacing, amp, margin, entry)
            tp = 1.0
            if loc_from == loc_to:
                x, y, z = a
                climb = 0
            else:
                b = self._place(loc_to, st, distance, spacing, amp, margin, entry)
                # Staggered so a group files along the path instead of piling up.
                stagger = 0.3 * min(1.0, i / 9.0)
                tp = min(1.0, max(0.0, (loc_p - stagger) / (1.0 - 0.3)))
                x, y, z, climb = self._location_path(a, b, tp)
            loc_now = loc_to if loc_p >= 0.5 else loc_from
            if i == 0 and self._run_env > 0.0:
                x, y = self._run(x, y, z, loc_from, loc_to, tp, size_m)
            placed.append([i, x, y, z, climb, loc_now, appear])

        lim = TABLE_X - margin
        _separate(
            placed, size_m * SEPARATION, (-lim, lim, TABLE_FRONT + margin, TABLE_BACK - margin)
        )
        for i, x, y, z, climb, loc_now, appear in placed:
            self._move(self.rigs[i], self.states[i], x, y, z, climb, loc_now, size_m, appear, t, dt)

        self._update_dropper(t, dt, size_m)
        self._update_hand(loc_from, loc_to, loc_p)

    def _run(
        self, x: float, y: float, z: float, loc_from: str, loc_to: str, tp: float, size_m: float
    ) -> tuple[float, float]:
        """Pull the nearest spider toward the patient by the run envelope.
        Every term is continuous: during a location change the target moves
        from the old place's to the new one's, and while the spider is off
        either surface (climbing a table leg) the pull fades out."""
        fx, fy, fz = self._run_target(loc_from, size_m)
        if loc_to != loc_from:
            gx, gy, gz = self._run_target(loc_to, size_m)
            if abs(gz - fz) < 0.1:
                fx, fy = _lerp(fx, gx, tp), _lerp(fy, gy, tp)
            elif abs(z - gz) < abs(z - fz):
                fx, fy, fz = gx, gy, gz
        e = self._run_env * max(0.0, 1.0 - abs(fz - z) / 0.1)
        return _lerp(x, fx, e), _lerp(y, fy, e)

    def _run_target(self, location: str, size_m: float) -> tuple[float, float, float]:
        """Where ``run_toward`` takes the nearest spider: right up to the
        patient's feet, the table edge, or the fingertips."""
        rx, ry, rz = self._ref(location)
        if location == "floor":
            return rx - 0.05 - 0.3 * size_m, ry + 0.02 + 0.3 * size_m, rz
        if location == "table":
            return rx, ry + 0.02 + 0.4 * size_m, rz
        return rx + 0.02, ry + 0.14 + 0.35 * size_m, rz

    def _move(
        self,
        rig: SpiderRig,
        st: _State,
        x: float,
        y: float,
        z: float,
        climb: int,
        location: str,
        size_m: float,
        appear: float,
        t: float,
        dt: float,
    ) -> None:
        grow = smoothstep(appear * 2.5)
        scale = size_m * grow
        if not st.seen:
            rig.root.show()
            st.seen = True
            fx, fy, _ = self._ref(location)
            st.heading = math.atan2(fy - y, fx - x)
            st.x, st.y, st.z = x, y, z
        vx = vy = vz = 0.0
        if dt > 0.0:
            ddx, ddy, ddz = x - st.x, y - st.y, z - st.z
            if ddx * ddx + ddy * ddy + ddz * ddz < TELEPORT_M * TELEPORT_M:
                vx, vy, vz = ddx / dt, ddy / dt, ddz / dt
        st.x, st.y, st.z = x, y, z
        speed_h = math.hypot(vx, vy)
        # Heading: along the motion when moving, else toward the patient;
        # into the table leg while climbing (the body turns over the edge).
        if climb:
            want = 0.0 if climb > 0 else math.pi  # +X into the leg going up
        elif speed_h > max(0.004, 0.12 * size_m):
            want = math.atan2(vy, vx)
        else:
            fx, fy, _ = self._ref(location)
            want = math.atan2(fy - y, fx - x) if math.hypot(fx - x, fy - y) > 1e-3 else st.heading
        omega = 0.0
        if dt > 0.0:
            rate = 2.5 + 8.0 * min(1.0, speed_h / max(size_m * 3.0, 0.05))
            diff = _angle_diff(st.heading, want)
            step = max(-rate * dt, min(rate * dt, diff))
            st.heading += step
            omega = step / dt
            target_pitch = 90.0 * climb
            st.pitch += (target_pitch - st.pitch) * min(1.0, dt * 12.0)
        heading_deg = math.degrees(st.heading) - 90.0
        size = max(scale, 1e-4)
        rig.root.setPosHprScale(x, y, z, heading_deg, st.pitch, 0.0, size, size, size)
        # Body-frame velocity in model units for the gait.
        ch, sh = math.cos(st.heading), math.sin(st.heading)
        cp = math.cos(math.radians(st.pitch))
        sp = math.sin(math.radians(st.pitch))
        fwd = vx * ch * cp + vy * sh * cp + vz * sp
        side = vx * sh - vy * ch  # to the spider's right
        unit = size * self.proto.norm
        rig.animate(t, dt, side / unit, fwd / unit, omega, self._twitch)

    def _update_dropper(self, t: float, dt: float, size_m: float) -> None:
        rig = self.dropper
        p = None
        if self._drop_t0 is not None:
            p = (t - self._drop_t0) / self._drop_s
            if p >= 1.0 or p < 0.0:
                p = None
                self._drop_t0 = None
        if p is None:
            if not rig.root.isHidden():
                rig.root.hide()
                self.thread.hide()
            return
        top = CEILING - 0.05
        drop_x, drop_y, low = self._drop_at
        if p < 0.2:  # fall, braking near the end with a little bounce
            f = p / 0.2
            ease = 1.0 - (1.0 - f) ** 3
            z = top + (low - top) * ease
        elif p < 0.75:
            f = (p - 0.2) / 0.55
            z = low + 0.03 * math.sin(f * 9.0) * math.exp(-4.0 * f)
        else:
            f = smoothstep((p - 0.75) / 0.25)
            z = low + (top - low) * f
        spin = 180.0 + 40.0 * math.sin(t * 0.8)
        sway = 0.01 * math.sin(t * 1.7)
        rig.root.setPosHpr(drop_x + sway, drop_y, z, spin, -90.0, 0.0)
        rig.root.setScale(size_m)
        rig.animate(t, dt, 0.0, 0.0, 0.0, 1.0)
        # Silk from the spinnerets (now on top) up to the ceiling.
        attach = z + 0.16 * size_m
        self.thread.setPos(drop_x + sway, drop_y, attach)
        self.thread.setSz(max(1e-3, CEILING - attach))

    def _update_hand(self, loc_from: str, loc_to: str, loc_p: float) -> None:
        w_from = 1.0 if loc_from == "hand" else 0.0
        w_to = 1.0 if loc_to == "hand" else 0.0
        w = _lerp(w_from, w_to, loc_p)
        if w <= 0.0:
            if not self.hand.isHidden():
                self.hand.hide()
            return
        if self.hand.isHidden():
            self.hand.show()
        self.hand.setMat(self.ctx.right_hand.getMat(self.root))
        pos = self.hand.getPos()
        rest = TABLE_TOP + HAND_REST
        over_table = abs(pos.x) < TABLE_X and TABLE_FRONT - 0.05 < pos.y < TABLE_BACK
        if over_table and abs(pos.z - rest) < 0.15:
            # The step says the hand rests on the table: lay it flat, palm
            # down, on the top (a held controller is tilted and higher).
            self.hand.setPosHpr(pos.x, pos.y, rest, self.hand.getH(), 0.0, 0.0)
        self.hand.setAlphaScale(w)

    # -- for still cameras -----------------------------------------------------------------------
    def focus_point(self) -> tuple[float, float, float] | None:
        size_m = float(self.value("size")) / 100.0
        if not self.dropper.root.isHidden():
            p = self.dropper.root.getPos(self.root)
            return p.x, p.y, p.z
        head = self.ctx.head.getPos(self.root)
        best: tuple[float, float, float] | None = None
        best_d = math.inf
        for st, rig in zip(self.states, self.rigs, strict=True):
            if not st.seen or rig.root.isHidden():
                continue
            d = math.dist((st.x, st.y, st.z), (head.x, head.y, head.z))
            if d < best_d:
                best_d = d
                best = (st.x, st.y, st.z + 0.06 * size_m)
        return best

    # -- for tests and telemetry ---------------------------------------------------------------
    def visible_spiders(self) -> int:
        """Spiders on screen now (walking in counts once they show)."""
        return sum(1 for st in self.states if st.seen)

    def spider_position(self, index: int = 0) -> tuple[float, float, float]:
        st = self.states[index]
        return st.x, st.y, st.z


__all__ = ["LOCATIONS", "SpiderScene"]
