"""The contamination scene: a public washroom or a kitchen, soiled by degrees,
for exposure with response prevention.

Soiling is one shader uniform (``u_dirt`` on the root; see ``textures``) plus
litter nodes shown at thresholds: nothing is generated on a frame. The
surface the patient is asked to touch glows faintly (``u_glow`` on its node);
revealed residue is ``u_reveal`` on the touched surface's node.

Contacts. Each declared surface of the current place has a box (``rooms``);
every frame both hand anchors are tested against all boxes at once (numpy).
A touch starts when a hand enters a box and ends when it leaves the box grown
by :data:`HYSTERESIS_M`, so a hand resting on an edge, trembling by a few
millimetres, makes one contact, not a flurry. The contact is reported when the
hand leaves (or the place changes, or the scene is torn down).
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
from panda3d.core import AudioSound, GeomNode, NodePath, TransparencyAttrib

from palier.scenes import sound
from palier.scenes.api import Hand, smoothstep
from palier.scenes.base import Scene
from palier.scenes.contamination import sounds
from palier.scenes.contamination.declaration import (
    DECLARATION,
    MAX_FLIES,
    PLACES,
    TARGET_SURFACE,
    _,
)
from palier.scenes.contamination.rooms import Place, instantiate, templates
from palier.scenes.contamination.textures import grime_shader, scene_textures
from palier.scenes.people import Person, PersonLook
from palier.scenes.procedural import GeomBuilder, material

log = logging.getLogger(__name__)

HYSTERESIS_M = 0.02
"""How far past a surface's box a touching hand may go before the touch ends."""
GLOW = (0.09, 0.085, 0.06)
"""The highlight's added light at its brightest (a faint warm sheen)."""
COUGH_S = 1.8
DRIP_EVERY_S = 0.9
HANDS: tuple[Hand, Hand] = ("left", "right")


def _fly_builder() -> GeomBuilder:
    """A house fly about 9 mm long: dark body, reddish eyes, two pale wings."""
    b = GeomBuilder()
    b.add_ellipsoid(
        (0.0, 0.0, 0.0),
        (0.0022, 0.0045, 0.0020),
        rings=5,
        segments=8,
        color=(0.08, 0.08, 0.09, 1.0),
    )
    b.add_ellipsoid(
        (0.0, 0.0048, 0.0004),
        (0.0022, 0.0016, 0.0018),
        rings=4,
        segments=8,
        color=(0.35, 0.10, 0.08, 1.0),
    )
    for sx in (-1.0, 1.0):
        b.add_quad(
            np.array(
                [
                    [0.0, 0.001, 0.0019],
                    [sx * 0.0065, -0.004, 0.0022],
                    [sx * 0.0055, -0.0065, 0.0021],
                    [0.0, -0.002, 0.0019],
                ]
            ),
            color=(0.55, 0.58, 0.62, 1.0),
        )
    return b


class ContaminationScene(Scene):
    declaration = DECLARATION

    # -- build ----------------------------------------------------------------------------
    def on_build(self) -> None:
        seed = self.ctx.seed
        tex = scene_textures(seed)
        root = self.root
        root.setShader(grime_shader())
        root.setShaderInput("u_dirt_map", tex["dirt"])
        root.setShaderInput("u_dirt", 0.0)
        root.setShaderInput("u_soil", 1.0)
        root.setShaderInput("u_reveal", 0.0)
        root.setShaderInput("u_stain", (0.7, 0.65, 0.55))
        root.setShaderInput("u_glow", (0.0, 0.0, 0.0))
        lang = self.ctx.language
        text = {"out_of_order": _("OUT OF ORDER\nPlease do not use").get(lang)}
        rng = np.random.default_rng(seed + 1321)
        self.places: dict[str, Place] = {
            name: instantiate(template, root)
            for name, template in templates(seed, text["out_of_order"]).items()
        }
        for place in self.places.values():
            place.node.hide()
        self.place: Place | None = None
        # Flies: one fly mesh, instanced.
        fly_node = GeomBuilder()
        fly_node.merge(_fly_builder(), untextured=True)
        proto = NodePath(fly_node.node("fly"))
        proto.setMaterial(material((1, 1, 1, 1), specular=0.5, shininess=40.0), 1)
        proto.setShaderInput("u_soil", 0.0)
        proto.setTwoSided(True)
        self.flies: list[NodePath] = []
        for i in range(MAX_FLIES):
            fly = root.attachNewNode(f"fly-{i}")
            proto.instanceTo(fly)
            fly.setScale(1.3)
            fly.hide()
            self.flies.append(fly)
        self._fly_seen = [False] * MAX_FLIES
        self._fly_phase = [(i * 0.6180339887) % 1.0 for i in range(MAX_FLIES)]
        # The other person (from the shared toolkit).
        look = PersonLook.from_seed(seed * 100 + 13)
        self.person = Person(look, root, name="other-person", pose="standing")
        self.person.root.hide()
        self._person_shown = False
        self.voice = root.attachNewNode("other-person-voice")
        # The sneeze's droplets: a small cloud, shown and spread while it lasts.
        spray = GeomBuilder()
        for _k in range(40):
            d = rng.normal(size=3)
            d[1] = abs(d[1]) + 1.0
            p = d / np.linalg.norm(d) * rng.uniform(0.05, 0.45)
            spray.add_ellipsoid(
                tuple(p), (0.004, 0.004, 0.004), rings=3, segments=4, color=(0.85, 0.88, 0.90, 1.0)
            )
        self.spray = attach_plain(root, "sneeze-spray", spray)
        self.spray.setTransparency(TransparencyAttrib.MAlpha)
        self.spray.setShaderInput("u_soil", 0.0)
        self.spray.hide()
        # The tap's drops: three in flight at most.
        drop = GeomBuilder()
        drop.add_ellipsoid(
            (0.0, 0.0, 0.0),
            (0.0035, 0.0035, 0.006),
            rings=4,
            segments=6,
            color=(0.75, 0.82, 0.88, 1.0),
        )
        drop_proto = NodePath(_plain_node(drop, "drop"))
        drop_proto.setMaterial(material((1, 1, 1, 1), specular=1.0, shininess=80.0), 1)
        drop_proto.setShaderInput("u_soil", 0.0)
        self.drops: list[NodePath] = []
        for i in range(3):
            d_np = root.attachNewNode(f"drop-{i}")
            drop_proto.instanceTo(d_np)
            d_np.hide()
            self.drops.append(d_np)
        # State.
        self._touch: dict[tuple[Hand, str], float] = {}
        self.last_touched: str | None = None
        self._reveal: dict[str, float] = {}
        self._reveal_surface: str | None = None
        self._reveal_from = 0.0
        self._glow_node: NodePath | None = None
        self._glowing: tuple[str | None, float] = (None, 0.0)
        self._dirt_written = -1.0
        self._washing_applied = ""
        self._cough_kind = "cough"
        self._cough_t0: float | None = None
        self._drip_t0: float | None = None
        self._drip_pool = 0.0
        self._last_drop = -1
        self._boxes_c = np.zeros((0, 3))
        self._boxes_h = np.zeros((0, 3))
        self._box_names: list[str] = []
        self._sounds_by_name: dict[str, AudioSound] = {}
        self._load_sounds(seed)
        self._enter(str(self.value("place")))

    def _load_sounds(self, seed: int) -> None:
        audio = self.ctx.audio
        if audio is None:
            return
        clips = {
            "extractor": (f"contamination-extractor-{seed}.wav", sounds.extractor_loop(seed), True),
            "fridge": (f"contamination-fridge-{seed}.wav", sounds.fridge_loop(seed), True),
            "buzz-0": (f"contamination-buzz-{seed}.wav", sounds.buzz_loop(seed), True),
            "buzz-1": (f"contamination-buzz-b-{seed}.wav", sounds.buzz_loop(seed + 1), True),
            "cough": (f"contamination-cough-{seed}.wav", sounds.cough(seed), False),
            "sneeze": (f"contamination-sneeze-{seed}.wav", sounds.sneeze(seed), False),
            "drip": ("contamination-drip.wav", sounds.drip(), False),
        }
        for name, (file, samples, loop) in clips.items():
            snd = audio.getSound(sound.ram_wav(file, samples), positional=True)
            if snd is None:
                continue
            snd.setLoop(loop)
            self._sounds_by_name[name] = self.add_sound(snd)

    def _play(self, name: str, volume: float = 1.0) -> None:
        snd = self._sounds_by_name.get(name)
        if snd is not None:
            snd.setVolume(volume)
            snd.play()

    def _stop(self, name: str) -> None:
        snd = self._sounds_by_name.get(name)
        if snd is not None and snd.status() == AudioSound.PLAYING:
            snd.stop()

    # -- places ---------------------------------------------------------------------------
    def _enter(self, name: str) -> None:
        """Show place ``name`` (hide the other), ending touches of the old one."""
        old = self.place
        if old is not None:
            self._end_touches()
            old.node.hide()
            self.root.clearLight()
            self._stop("extractor" if old.name == "washroom" else "fridge")
        place = self.places[name]
        place.node.show()
        for lp in place.lights:
            self.root.setLight(lp)
        self.place = place
        self._box_names = list(place.boxes)
        self._boxes_c = np.array([place.boxes[n].centre for n in self._box_names])
        self._boxes_h = np.array([place.boxes[n].half for n in self._box_names])
        if old is not None:
            for surface in self._reveal:  # the residue stays with the place left
                old.parts[surface].setShaderInput("u_reveal", 0.0)
        self._reveal.clear()
        self._reveal_surface = None
        self._set_glow(None)
        self._dirt_written = -1.0
        self._washing_applied = ""
        x, y, h = place.person_spot
        self.person.root.setPosHpr(x, y, 0.0, h, 0.0, 0.0)
        self._drip_pool = 0.0
        for pool in (place.puddle, place.floor_puddle):
            if pool is not None:
                pool.hide()
        self._play("extractor" if name == "washroom" else "fridge", 0.5)

    # -- events ---------------------------------------------------------------------------
    def on_event(self, name: str, **options: Any) -> None:
        if name == "cough":
            self._cough_kind = str(options.get("kind", "cough"))
            self._cough_t0 = self.time
            self._play(self._cough_kind)
        elif name == "residue_revealed":
            surface = self._reveal_target()
            self._reveal_surface = surface
            self._reveal_from = self._reveal.get(surface, 0.0)
        elif name == "tap_drips":
            self._drip_t0 = self.time
            self._last_drop = -1

    def _reveal_target(self) -> str:
        assert self.place is not None
        parts = self.place.parts
        if self.last_touched is not None and self.last_touched in parts:
            return self.last_touched
        target = TARGET_SURFACE[self.place.name].get(str(self.target("target")))
        if target is not None:
            return target
        return "tap" if self.place.name == "washroom" else "kitchen_tap"

    def _set_reveal(self, surface: str, v: float) -> None:
        assert self.place is not None
        self._reveal[surface] = v
        self.place.parts[surface].setShaderInput("u_reveal", v)

    def _set_glow(self, node: NodePath | None) -> None:
        if self._glow_node is not None and self._glow_node is not node:
            self._glow_node.setShaderInput("u_glow", (0.0, 0.0, 0.0))
        self._glow_node = node

    # -- frame ----------------------------------------------------------------------------
    def on_update(self, t: float, dt: float) -> None:
        name = str(self.value("place"))
        if self.place is None or name != self.place.name:
            self._enter(name)
        place = self.place
        assert place is not None
        self._update_dirt(place, float(self.value("dirt")))
        self._update_washing(place, str(self.value("washing")))
        self._update_glow(place, t)
        self._update_contacts(t)
        self._update_reveal()
        self._update_flies(place, t, dt, float(self.value("flies")))
        self._update_person(t, dt)
        self._update_drip(place, t)

    def _update_dirt(self, place: Place, dirt: float) -> None:
        if abs(dirt - self._dirt_written) < 1e-4:
            return
        self._dirt_written = dirt
        self.root.setShaderInput("u_dirt", dirt)
        for level, node in place.litter:
            if (dirt >= level) != (not node.isHidden()):
                node.show() if dirt >= level else node.hide()
        over = smoothstep((dirt - 0.75) / 0.1)
        if place.overflow is not None and place.bin_lid is not None:
            if over > 0.0:
                place.overflow.show()
            else:
                place.overflow.hide()
            place.bin_lid.setP(place.bin_lid_open * over)

    def _update_washing(self, place: Place, washing: str) -> None:
        if washing == self._washing_applied:
            return
        self._washing_applied = washing
        available = washing == "available"
        for node in (*place.soap, *place.towels):
            node.show() if available else node.hide()
        for node in place.removed_marks:
            node.hide() if available else node.show()
        for node in place.out_of_order:
            node.show() if washing == "out_of_order" else node.hide()

    def _update_glow(self, place: Place, t: float) -> None:
        surface = TARGET_SURFACE[place.name].get(str(self.value("target")))
        node = place.parts.get(surface) if surface is not None else None
        self._set_glow(node)
        self._glowing = (surface if node is not None else None, 0.0)
        if node is not None:
            k = 0.65 + 0.35 * math.sin(t * 2.2)
            node.setShaderInput("u_glow", (GLOW[0] * k, GLOW[1] * k, GLOW[2] * k))
            self._glowing = (surface, GLOW[0] * k)

    def _update_contacts(self, t: float) -> None:
        if not self._box_names:
            return
        for hand, anchor in ((HANDS[0], self.ctx.left_hand), (HANDS[1], self.ctx.right_hand)):
            p = anchor.getPos(self.root)
            off = np.abs(np.array((p.x, p.y, p.z)) - self._boxes_c)
            inside = np.all(off <= self._boxes_h, axis=1)
            near = np.all(off <= self._boxes_h + HYSTERESIS_M, axis=1)
            for i, surface in enumerate(self._box_names):
                key = (hand, surface)
                if key in self._touch:
                    if not near[i]:
                        t0 = self._touch.pop(key)
                        self.report_contact(surface, hand, t0, t - t0)
                elif inside[i]:
                    self._touch[key] = t
                    self.last_touched = surface

    def _end_touches(self) -> None:
        for (hand, surface), t0 in sorted(self._touch.items()):
            self.report_contact(surface, hand, t0, self.time - t0)
        self._touch.clear()

    def _update_reveal(self) -> None:
        surface = self._reveal_surface
        if surface is None:
            return
        p = self.event_progress("residue_revealed")
        if p is None:
            self._set_reveal(surface, 1.0)
            self._reveal_surface = None
            return
        v = self._reveal_from + (1.0 - self._reveal_from) * smoothstep(p / 0.5)
        self._set_reveal(surface, v)

    def _update_flies(self, place: Place, t: float, dt: float, count: float) -> None:
        spots = place.fly_spots
        for i, fly in enumerate(self.flies):
            if count <= i:
                if self._fly_seen[i]:
                    fly.hide()
                    self._fly_seen[i] = False
                continue
            if not self._fly_seen[i]:
                fly.show()
                self._fly_seen[i] = True
            sx, sy, sz = spots[i % len(spots)]
            ph = self._fly_phase[i]
            w = 1.3 + 0.37 * (i % 3)
            a = t * w + ph * 6.283
            r = 0.18 + 0.07 * (i % 4)
            # Darting loops with a pause near the middle (as flies settle and go).
            x = sx + r * math.sin(a) + 0.05 * math.sin(3.1 * a + ph)
            y = sy + r * 0.8 * math.sin(1.7 * a + 1.3 * ph)
            z = sz + 0.10 * math.sin(2.3 * a + ph) + 0.05 * math.cos(5.0 * a)
            vx = r * w * math.cos(a)
            vy = r * 0.8 * 1.7 * w * math.cos(1.7 * a + 1.3 * ph)
            fly.setPosHpr(x, y, z, math.degrees(math.atan2(-vx, vy)), 0.0, 0.0)
        for k in range(2):
            name = f"buzz-{k}"
            snd = self._sounds_by_name.get(name)
            if snd is None:
                continue
            if count > k:
                if snd.status() != AudioSound.PLAYING:
                    snd.setVolume(0.6)
                    snd.play()
                sound.place(snd, self.flies[k], self.ctx.head, min_distance=0.3)
            elif snd.status() == AudioSound.PLAYING:
                snd.stop()

    def _update_person(self, t: float, dt: float) -> None:
        person = self.person
        coughing = self._cough_t0 is not None
        show = bool(self.value("person")) or coughing
        if show != self._person_shown:
            person.root.show() if show else person.root.hide()
            self._person_shown = show
        if not show:
            return
        person.breathe(t)
        progress: float | None = None
        if self._cough_t0 is not None:
            if self.event_progress("cough") is None:
                self._cough_t0 = None
                self.spray.hide()
            else:
                progress = min(1.0, (t - self._cough_t0) / COUGH_S)
        person.cough(progress if progress is not None and progress < 1.0 else None)
        head = self.ctx.head.getPos(self.root)
        # They glance at the patient now and then, otherwise at the mirror / counter.
        glance = math.sin(t * 0.21 + 1.0) > 0.6 or progress is not None
        x, y, _h = self.place.person_spot if self.place is not None else (0.0, 0.0, 0.0)
        person.look_at((head.x, head.y, head.z) if glance else (x, y + 1.0, 1.3), dt)
        person.apply()
        mouth = person.point("head", (0.0, 0.10, 0.04))
        self.voice.setPos(mouth)
        for name in ("cough", "sneeze"):
            snd = self._sounds_by_name.get(name)
            if snd is not None and snd.status() == AudioSound.PLAYING:
                sound.place(snd, self.voice, self.ctx.head, min_distance=0.6)
        if progress is not None and self._cough_kind == "sneeze":
            burst = (t - self._cough_t0 - 0.62) / 1.2 if self._cough_t0 is not None else -1.0
            if 0.0 <= burst <= 1.0:
                self.spray.show()
                self.spray.setPos(mouth)
                self.spray.setH(person.root.getH(self.root) + person.state.yaw)
                self.spray.setScale(0.3 + 1.4 * smoothstep(burst * 2.0))
                self.spray.setAlphaScale(1.0 - smoothstep(burst))
            else:
                self.spray.hide()

    def _update_drip(self, place: Place, t: float) -> None:
        pool = place.puddle
        if self._drip_t0 is None:
            return
        p = self.event_progress("tap_drips")
        if p is None:
            self._drip_t0 = None
            for d in self.drops:
                d.hide()
            return
        since = t - self._drip_t0
        fx, fy, fz = place.drip_from
        fall_s = math.sqrt(2.0 * max(0.01, fz - place.drip_to) / 9.81)
        n = int(since / DRIP_EVERY_S)
        if n != self._last_drop:
            self._last_drop = n
            self._play("drip", 0.8)
        for k, drop in enumerate(self.drops):
            age = since - (n - k) * DRIP_EVERY_S
            swell = DRIP_EVERY_S * 0.6  # the drop swells at the spout, then falls
            if n - k < 0 or age > swell + fall_s:
                drop.hide()
                continue
            drop.show()
            if age < swell:
                drop.setPos(fx, fy, fz - 0.004)
                drop.setScale(0.4 + 0.6 * age / swell)
            else:
                f = age - swell
                drop.setScale(1.0)
                drop.setPos(fx, fy, fz - 0.5 * 9.81 * f * f)
        snd = self._sounds_by_name.get("drip")
        if snd is not None and snd.status() == AudioSound.PLAYING:
            sound.place(snd, self.drops[0], self.ctx.head, min_distance=0.4)
        # The water stands in the sink, then spreads on the floor below (it
        # stays after the event, until the place changes).
        self._drip_pool = max(self._drip_pool, smoothstep(p * 1.5))
        w = self._drip_pool
        if pool is not None:
            pool.show()
            pool.setAlphaScale(0.25 + 0.45 * w)
            base = 0.3 if place.name == "washroom" else 1.0
            pool.setSx(base * (0.4 + 0.6 * w))
            pool.setSy(base * (0.4 + 0.6 * w))
        floor = place.floor_puddle
        if floor is not None:
            spread = smoothstep((w - 0.1) / 0.9)
            if spread > 0.0:
                floor.show()
                floor.setScale(0.2 + 0.9 * spread)
                floor.setAlphaScale(0.55)

    # -- teardown --------------------------------------------------------------------------
    def on_teardown(self) -> None:
        self._end_touches()
        self.places = {}
        self.flies = []
        self.drops = []
        self._glow_node = None
        self.person.remove()

    # -- for still cameras, tests and telemetry ---------------------------------------------
    def focus_point(self) -> tuple[float, float, float] | None:
        if self.place is None:
            return None
        surface = TARGET_SURFACE[self.place.name].get(str(self.target("target")))
        if surface is not None:
            c = self.place.boxes[surface].centre
            fx, fy, fz = self.place.focus
            return (0.5 * (c[0] + fx), 0.5 * (c[1] + fy), 0.5 * (c[2] + fz))
        return self.place.focus

    def current_place(self) -> str:
        return self.place.name if self.place is not None else PLACES[0]

    def touching(self) -> list[tuple[Hand, str]]:
        """(hand, surface) pairs touching now."""
        return sorted(self._touch)

    def reveal_level(self, surface: str) -> float:
        return self._reveal.get(surface, 0.0)

    def glowing(self) -> tuple[str | None, float]:
        """The highlighted surface and its added light (red channel) now."""
        return self._glowing

    def visible_flies(self) -> int:
        return sum(self._fly_seen)


def _plain_node(b: GeomBuilder, name: str) -> GeomNode:
    out = GeomBuilder()
    out.merge(b, untextured=True)
    return out.node(name)


def attach_plain(parent: NodePath, name: str, b: GeomBuilder) -> NodePath:
    node = parent.attachNewNode(_plain_node(b, name))
    node.setMaterial(material((1, 1, 1, 1), specular=0.6, shininess=40.0), 1)
    return node


__all__ = ["ContaminationScene"]
