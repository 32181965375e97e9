"""The safe place: a meadow in warm low sunlight, with a breathing guide.

Lighting is a set of uniforms shared by the meadow's two shaders (see
``shaders``); a time-of-day change cross-fades them over the parameter's ramp.
Grass, flowers and tree crowns sway in the vertex shader, so a frame costs a
few float writes: time, wind, cloud drift and the guide's size and glow.

The breathing guide is an orb 1.8 m in front of the patient, a little below
eye level. Its phase is integrated from the pace (breaths a minute), so a
change of pace never makes it jump; each breath is 40 % growing (breathe in)
and 60 % shrinking (breathe out), eased at both ends like a real breath.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
from panda3d.core import (
    AudioSound,
    ColorBlendAttrib,
    GeomNode,
    LVecBase3f,
    LVecBase4f,
    NodePath,
    PTA_float,
    PTA_LVecBase3f,
    PTA_LVecBase4f,
    RenderState,
    TextureAttrib,
    TransparencyAttrib,
)

from palier.scenes import sound
from palier.scenes.api import smoothstep
from palier.scenes.base import Scene
from palier.scenes.procedural import GeomBuilder
from palier.scenes.safe_place import audio
from palier.scenes.safe_place.declaration import DECLARATION, INHALE_FRACTION
from palier.scenes.safe_place.meadow import meadow_geoms
from palier.scenes.safe_place.shaders import nature_shader, sky_shader

log = logging.getLogger(__name__)

ORB_POS = (0.0, 1.8, 1.05)
ORB_MIN, ORB_MAX = 0.07, 0.13  # core radius (m) fully out, fully in
FOCUS = (0.0, 14.0, 0.8)  # on the meadow ahead, just below the horizon
SKY_RADIUS = 300.0


def breath_level(phase: float) -> float:
    """Guide size 0..1 at ``phase`` (breaths, any real): eased rise over the
    first 40 % of a breath, eased fall over the rest."""
    f = phase % 1.0
    if f < INHALE_FRACTION:
        return 0.5 - 0.5 * math.cos(math.pi * f / INHALE_FRACTION)
    return 0.5 + 0.5 * math.cos(math.pi * (f - INHALE_FRACTION) / (1.0 - INHALE_FRACTION))


def _sun(azimuth: float, elevation: float) -> tuple[float, float, float]:
    """Unit vector toward the sun; azimuth in degrees left of straight ahead."""
    a, e = math.radians(azimuth), math.radians(elevation)
    return (-math.sin(a) * math.cos(e), math.cos(a) * math.cos(e), math.sin(e))


Rgb = tuple[float, float, float]

# Per time of day: each uniform's value (vec3 unless noted).
LIGHTING: dict[str, dict[str, Any]] = {
    "sunset": {
        "u_sun_dir": _sun(24.0, 3.0),
        "u_sun_col": (1.25, 0.66, 0.36),
        "u_sky_amb": (0.30, 0.27, 0.36),
        "u_ground_amb": (0.16, 0.10, 0.07),
        "u_fog_col": (0.66, 0.48, 0.45),
        "u_fog_sun": (1.05, 0.62, 0.32),
        "u_zenith": (0.20, 0.26, 0.46),
        "u_horizon": (0.90, 0.58, 0.42),
        "u_cloud_lit": (0.98, 0.60, 0.46),
        "u_cloud_shade": (0.46, 0.34, 0.40),
        "fog_density": 0.0045,
        "cover": 0.50,
        "disc": 2.2,
    },
    "afternoon": {
        "u_sun_dir": _sun(32.0, 13.0),
        "u_sun_col": (1.30, 1.00, 0.70),
        "u_sky_amb": (0.40, 0.45, 0.56),
        "u_ground_amb": (0.20, 0.17, 0.10),
        "u_fog_col": (0.80, 0.80, 0.78),
        "u_fog_sun": (1.02, 0.88, 0.66),
        "u_zenith": (0.26, 0.43, 0.74),
        "u_horizon": (0.86, 0.84, 0.78),
        "u_cloud_lit": (1.00, 0.94, 0.84),
        "u_cloud_shade": (0.62, 0.62, 0.68),
        "fog_density": 0.0040,
        "cover": 0.52,
        "disc": 1.6,
    },
    "morning": {
        "u_sun_dir": _sun(-42.0, 24.0),
        "u_sun_col": (1.35, 1.25, 1.08),
        "u_sky_amb": (0.50, 0.58, 0.72),
        "u_ground_amb": (0.22, 0.22, 0.16),
        "u_fog_col": (0.80, 0.86, 0.92),
        "u_fog_sun": (1.00, 0.97, 0.90),
        "u_zenith": (0.30, 0.52, 0.88),
        "u_horizon": (0.80, 0.88, 0.96),
        "u_cloud_lit": (1.02, 1.02, 1.02),
        "u_cloud_shade": (0.70, 0.74, 0.82),
        "fog_density": 0.0050,
        "cover": 0.56,
        "disc": 1.5,
    },
}
_VEC3 = (
    "u_sun_dir",
    "u_sun_col",
    "u_sky_amb",
    "u_ground_amb",
    "u_fog_col",
    "u_fog_sun",
    "u_zenith",
    "u_horizon",
    "u_cloud_lit",
    "u_cloud_shade",
)


def _glow_state(tex: Any) -> RenderState:
    """Additive, unlit, no depth write: light added to what is behind."""
    return RenderState.make(
        TextureAttrib.make(tex),
        ColorBlendAttrib.make(
            ColorBlendAttrib.MAdd, ColorBlendAttrib.OIncomingAlpha, ColorBlendAttrib.OOne
        ),
    )


class SafePlaceScene(Scene):
    declaration = DECLARATION

    # -- build / teardown -------------------------------------------------------------
    def on_build(self) -> None:
        geoms = meadow_geoms(self.ctx.seed)
        self._local_t = 0.0
        self._breath_phase = 0.0
        self._drift_x = self._drift_y = 0.0
        self._light_key: tuple[str, str, float] | None = None
        self._volume_key: tuple[float, float] | None = None
        self._chime_t0: float | None = None

        # Shared uniforms: arrays written in place each frame (no state change).
        self._time = PTA_float([0.0])
        self._wind = PTA_float([0.0])
        self._fog_density = PTA_float([0.004])
        self._sky = PTA_LVecBase4f.emptyArray(1)
        self._vec3 = {name: PTA_LVecBase3f.emptyArray(1) for name in _VEC3}

        world = self.root.attachNewNode("meadow")
        world.setShader(nature_shader())
        world.setShaderInput("u_time", self._time)
        world.setShaderInput("u_wind", self._wind)
        world.setShaderInput("u_fog_density", self._fog_density)
        for name, pta in self._vec3.items():
            world.setShaderInput(name, pta)
        world.setShaderInput("u_sky", self._sky)
        gn = GeomNode("meadow-geometry")
        tex_state = RenderState.make(TextureAttrib.make(geoms.grass_tex))
        gn.addGeom(geoms.ground, tex_state)
        gn.addGeom(geoms.trees, tex_state)
        world.attachNewNode(gn)
        plants = GeomNode("meadow-grass-flowers")
        plants.addGeom(geoms.grass, tex_state)
        plants.addGeom(geoms.flowers, tex_state)
        plants_np = world.attachNewNode(plants)
        plants_np.setTwoSided(True)

        sky_gn = GeomNode("sky-dome")
        sky_gn.addGeom(geoms.sky, RenderState.make(TextureAttrib.make(geoms.cloud_tex)))
        sky = world.attachNewNode(sky_gn)
        sky.setShader(sky_shader(), 1)
        sky.setPos(0.0, 0.0, self.ctx.eye_height)
        sky.setScale(SKY_RADIUS)
        sky.setTwoSided(True)
        sky.setBin("background", 0)
        sky.setDepthWrite(False)
        sky.setDepthTest(False)
        self.sky = sky

        # The breathing guide: a glowing core and a wide soft halo (billboards).
        self.guide = self.root.attachNewNode("breathing-guide")
        self.guide.setPos(*ORB_POS)
        self.guide.setLightOff(1)
        self.guide.setShaderOff(1)
        self.guide.setDepthWrite(False)
        self.guide.setBin("fixed", 10)
        self.guide.setTransparency(TransparencyAttrib.MAlpha)
        self.halo = self._card("guide-halo", _glow_state(geoms.glow_tex))
        # The core is blended, not added, so it reads as a pale sphere even
        # against a bright sky.
        self.core = self._card("guide-core", RenderState.make(TextureAttrib.make(geoms.orb_tex)))
        self.ring = self._card("chime-ring", _glow_state(geoms.ring_tex))
        self.ring.hide()

        self._sounds_ready = False
        self.wind_sound: AudioSound | None = None
        self.birds_sound: AudioSound | None = None
        self.chime_sound: AudioSound | None = None
        self._load_sounds()

    def _card(self, name: str, state: RenderState) -> NodePath:
        b = GeomBuilder()
        b.add_quad(_square())
        gn = GeomNode(name)
        gn.addGeom(b.geom(), state)
        card = self.guide.attachNewNode(gn)
        card.setBillboardPointEye()
        return card

    def _load_sounds(self) -> None:
        mgr = self.ctx.audio
        if mgr is None:
            return
        seed = self.ctx.seed
        try:
            wind = mgr.getSound(sound.ram_wav(f"safe-place-wind-{seed}.wav", audio.wind_loop(seed)))
            birds = mgr.getSound(
                sound.ram_wav(f"safe-place-birds-{seed}.wav", audio.birds_loop(seed))
            )
            bell = mgr.getSound(sound.ram_wav("safe-place-chime.wav", audio.chime()))
        except OSError as exc:  # the meadow still works silent
            log.warning("safe place: no ambient sound (%s)", exc)
            return
        for loop in (wind, birds):
            loop.setLoop(True)
            loop.setVolume(0.0)
            loop.play()
        self.wind_sound = self.add_sound(wind)
        self.birds_sound = self.add_sound(birds)
        self.chime_sound = self.add_sound(bell)

    def on_teardown(self) -> None:
        self.wind_sound = self.birds_sound = self.chime_sound = None

    # -- events ---------------------------------------------------------------------------
    def on_event(self, name: str, **options: Any) -> None:
        if name == "chime":
            self._chime_t0 = self._local_t
            self.ring.show()
            if self.chime_sound is not None:
                self.chime_sound.setVolume(0.4 + 0.6 * float(self.value("volume")))
                self.chime_sound.play()

    # -- state read by tests and the console --------------------------------------------------
    @property
    def breath(self) -> float:
        """Current guide level 0 (breathed out) .. 1 (breathed in)."""
        return breath_level(self._breath_phase)

    def focus_point(self) -> tuple[float, float, float]:
        return FOCUS

    # -- frame ------------------------------------------------------------------------------
    def on_update(self, t: float, dt: float) -> None:
        # Scene-local time: a rebuilt safe place always starts the same way.
        self._local_t += dt
        lt = self._local_t
        wind = float(self.value("wind"))
        self._time[0] = lt
        self._wind[0] = wind
        # Clouds drift with the breeze; integrated so a wind change never jumps.
        speed = 0.0008 + 0.004 * wind
        self._drift_x += dt * speed
        self._drift_y += dt * speed * 0.35
        self._update_light()
        self._update_guide(dt)
        self._update_chime(lt)
        self._update_sound(wind)

    def _update_light(self) -> None:
        a, b, p = self.transition("light")
        key = (str(a), str(b), p)
        sky = self._sky
        if key != self._light_key:
            self._light_key = key
            la, lb = LIGHTING[str(a)], LIGHTING[str(b)]
            for name, pta in self._vec3.items():
                va, vb = la[name], lb[name]
                v = LVecBase3f(
                    va[0] + (vb[0] - va[0]) * p,
                    va[1] + (vb[1] - va[1]) * p,
                    va[2] + (vb[2] - va[2]) * p,
                )
                if name == "u_sun_dir":
                    v.normalize()
                pta[0] = v
            self._fog_density[0] = la["fog_density"] + (lb["fog_density"] - la["fog_density"]) * p
            self._cover = la["cover"] + (lb["cover"] - la["cover"]) * p
            self._disc = la["disc"] + (lb["disc"] - la["disc"]) * p
        sky[0] = LVecBase4f(self._cover, self._drift_x, self._drift_y, self._disc)

    def _update_guide(self, dt: float) -> None:
        self._breath_phase += dt * float(self.value("breaths_per_minute")) / 60.0
        level = breath_level(self._breath_phase)
        a, b, p = self.transition("breathing_guide")
        shown = (
            (1.0 if b else 0.0)
            if p >= 1.0
            else (1.0 if a else 0.0) + ((1.0 if b else 0.0) - (1.0 if a else 0.0)) * p
        )
        if shown <= 0.0:
            if not self.halo.isHidden():
                self.halo.hide()
                self.core.hide()
            return
        if self.halo.isHidden():
            self.halo.show()
            self.core.show()
        radius = ORB_MIN + (ORB_MAX - ORB_MIN) * level
        self.core.setScale(radius * 2.0)
        self.halo.setScale(radius * 6.0)
        glow = 0.7 + 0.3 * level
        self.core.setColorScale(1.0, 0.98, 0.92, shown * (0.75 + 0.25 * level))
        self.halo.setColorScale(1.0, 0.88, 0.66, shown * glow * 0.55)

    def _update_chime(self, lt: float) -> None:
        if self._chime_t0 is None:
            return
        f = (lt - self._chime_t0) / DECLARATION.event("chime").duration_s
        if f >= 1.0:
            self._chime_t0 = None
            self.ring.hide()
            return
        # A ring of warm light spreading out and fading, twice, like the bell.
        grow = 1.0 - (1.0 - min(f * 1.6, 1.0)) ** 2
        self.ring.setScale(0.4 + 3.6 * grow)
        fade = smoothstep(f / 0.08) * (1.0 - smoothstep((f - 0.3) / 0.7))
        self.ring.setColorScale(1.0, 0.85, 0.55, 0.55 * fade)

    def _update_sound(self, wind: float) -> None:
        if self.wind_sound is None or self.birds_sound is None:
            return
        volume = float(self.value("volume"))
        key = (volume, wind)
        if key == self._volume_key:
            return
        self._volume_key = key
        self.wind_sound.setVolume(volume * (0.25 + 0.75 * wind))
        self.birds_sound.setVolume(volume * 0.7)


def _square() -> Any:
    return np.array([[-0.5, 0.0, -0.5], [0.5, 0.0, -0.5], [0.5, 0.0, 0.5], [-0.5, 0.0, 0.5]])
