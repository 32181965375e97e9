"""The enclosed spaces' surfaces, painted with numpy once per seed.

Every image tiles (value noise wraps), is small (256 px: walls a metre or two
away never need more) and is cached per seed, so a scene loaded again reuses
the textures already made (see ``spiders.room.room_textures``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from panda3d.core import Texture

from palier.scenes.procedural import fractal_noise, texture_from_array, value_noise

SIZE = 256


def _rgb(color: tuple[float, float, float], shade: np.ndarray) -> np.ndarray:
    return np.clip(np.asarray(color)[None, None, :] * shade[..., None], 0.0, 1.0)


def brushed_steel(rng: np.random.Generator) -> np.ndarray:
    """Satin stainless steel: fine vertical grain, a faint sheen band."""
    grain = value_noise(SIZE, SIZE, (2, 128), rng)
    fine = value_noise(SIZE, SIZE, (4, 256), rng)
    broad = fractal_noise(SIZE, SIZE, (2, 2), rng, octaves=2)
    shade = 0.78 + 0.10 * grain + 0.06 * fine + 0.10 * broad
    return _rgb((0.70, 0.71, 0.72), shade)


def old_panels(rng: np.random.Generator) -> np.ndarray:
    """Worn painted steel of an old lift: a tired green-grey, scuffed and
    grimy toward the bottom, scratched, a seam and a row of rivets at each
    tile's edge (one tile is one metre)."""
    n = fractal_noise(SIZE, SIZE, (6, 6), rng, octaves=5)
    blot = fractal_noise(SIZE, SIZE, (3, 5), rng, octaves=3)
    shade = 0.80 + 0.16 * n - 0.22 * np.clip(blot - 0.55, 0.0, 1.0) * 3.0
    img = _rgb((0.56, 0.58, 0.49), shade)
    # Scratches: short thin strokes, mostly diagonal, lighter (bare metal).
    for _ in range(22):
        y, x = rng.integers(0, SIZE, 2)
        length = int(rng.integers(6, 24))
        slope = rng.uniform(-0.8, 0.8)
        for k in range(length):
            px = (y + int(k * slope)) % SIZE, (x + k) % SIZE
            img[px] = img[px] * 0.6 + 0.4 * np.array((0.68, 0.68, 0.64))
    seam = np.zeros((SIZE, SIZE), bool)
    seam[:, :3] = True
    img[seam] *= 0.45
    rivets = np.zeros((SIZE, SIZE), bool)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    for cy in range(8, SIZE, 32):
        rivets |= (yy - cy) ** 2 + (xx - 9) ** 2 < 5
    img[rivets] = img[rivets] * 0.6 + 0.25
    return np.clip(img, 0.0, 1.0)


def terrazzo(rng: np.random.Generator) -> np.ndarray:
    """Pale polished stone floor with fine speckles."""
    n = fractal_noise(SIZE, SIZE, (8, 8), rng, octaves=4)
    img = _rgb((0.78, 0.76, 0.72), 0.9 + 0.1 * n)
    chips = rng.random((SIZE, SIZE))
    img[chips > 0.985] *= 0.55
    img[chips < 0.01] = (0.92, 0.90, 0.86)
    return img


def studded_rubber(rng: np.random.Generator) -> np.ndarray:
    """Black studded rubber flooring, worn grey where feet stand."""
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    cell = 16
    dy = (yy % cell) - cell / 2
    dx = (xx % cell) - cell / 2
    stud = np.clip(1.0 - np.sqrt(dx * dx + dy * dy) / 5.0, 0.0, 1.0)
    wear = fractal_noise(SIZE, SIZE, (4, 4), rng, octaves=4)
    shade = 0.16 + 0.10 * stud + 0.12 * wear
    return _rgb((1.0, 1.0, 1.0), shade)


def ceiling_panel(rng: np.random.Generator, color: tuple[float, float, float]) -> np.ndarray:
    n = fractal_noise(SIZE, SIZE, (8, 8), rng, octaves=3)
    img = _rgb(color, 0.92 + 0.08 * n)
    img[:2, :] *= 0.7
    img[:, :2] *= 0.7
    return img


def concrete(rng: np.random.Generator) -> np.ndarray:
    """Bare shaft concrete: mottled grey, formwork joints, pores, a damp streak."""
    n = fractal_noise(SIZE, SIZE, (6, 6), rng, octaves=5)
    streak = value_noise(SIZE, SIZE, (1, 12), rng)
    shade = 0.72 + 0.22 * n - 0.12 * np.clip(streak - 0.6, 0.0, 1.0) * 2.5
    img = _rgb((0.55, 0.54, 0.51), shade)
    pores = rng.random((SIZE, SIZE)) > 0.992
    img[pores] *= 0.4
    img[SIZE // 2 - 1 : SIZE // 2 + 1, :] *= 0.75  # formwork joints (1.2 m boards)
    img[:, :2] *= 0.8
    return img


def plaster(
    rng: np.random.Generator, color: tuple[float, float, float], grime: float = 0.0
) -> np.ndarray:
    """Matt painted wall; with ``grime``, darker blotches and a dirty band low down."""
    n = fractal_noise(SIZE, SIZE, (6, 6), rng, octaves=5)
    blot = fractal_noise(SIZE, SIZE, (4, 4), rng, octaves=3)
    shade = 0.92 + 0.08 * n - grime * np.clip(blot - 0.5, 0.0, 1.0) * 0.9
    return _rgb(color, shade)


def brick(rng: np.random.Generator) -> np.ndarray:
    """Rough red brick with grey mortar (a bricked-up doorway): one tile is
    four courses (0.3 m) by two bricks (0.44 m)."""
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    course = yy // (SIZE // 4)
    offset = (course % 2) * (SIZE // 4)
    mortar = ((yy % (SIZE // 4)) < 6) | (((xx + offset) % (SIZE // 2)) < 6)
    n = fractal_noise(SIZE, SIZE, (8, 8), rng, octaves=4)
    tint = rng.uniform(0.8, 1.15, (4, 4))
    per_brick = tint[course % 4, ((xx + offset) // (SIZE // 2)) % 4]
    img = _rgb((0.52, 0.25, 0.18), (0.8 + 0.25 * n) * per_brick)
    img[mortar] = _rgb((0.55, 0.54, 0.50), 0.8 + 0.2 * n)[mortar]
    return img


def linoleum(rng: np.random.Generator) -> np.ndarray:
    """Grey-beige vinyl floor tiles (0.5 m), scuffed."""
    n = fractal_noise(SIZE, SIZE, (8, 8), rng, octaves=4)
    img = _rgb((0.52, 0.50, 0.46), 0.85 + 0.15 * n)
    half = SIZE // 2
    img[(np.arange(SIZE) % half) < 2, :] *= 0.7
    img[:, (np.arange(SIZE) % half) < 2] *= 0.7
    return img


def facade(rng: np.random.Generator) -> np.ndarray:
    """One storey of an atrium's inner facade (unlit, so its light is baked):
    a white slab edge, a glass balustrade, then lit office glazing with
    mullions. The image's height is one storey; its width two bays."""
    h, w = SIZE, SIZE
    img = np.zeros((h, w, 3))
    v = np.arange(h)[:, None] / h  # 0 at the top of the storey, 1 at its floor
    n = fractal_noise(h, w, (4, 8), rng, octaves=3)
    glaze = _rgb((0.62, 0.70, 0.76), 0.85 + 0.2 * n)
    warm = value_noise(h, w, (1, 6), rng)
    glaze[..., 0] += 0.10 * warm
    img[:] = glaze
    img[(np.arange(w) % (w // 4)) < 5] = (0.30, 0.32, 0.34)  # mullions
    img[(v[:, 0] > 0.80)] = (0.90, 0.90, 0.88)  # slab edge
    rail = (v[:, 0] > 0.62) & (v[:, 0] <= 0.80)
    img[rail] = img[rail] * 0.6 + 0.3  # glass balustrade, greyer
    img[(v[:, 0] > 0.615) & (v[:, 0] < 0.63)] = (0.55, 0.56, 0.58)  # handrail
    return np.clip(img, 0.0, 1.0)


def led_glow(rng: np.random.Generator) -> np.ndarray:
    """Soft light panel: bright in the middle, a little falloff at the edges."""
    ax = np.linspace(-1.0, 1.0, 64)
    r = np.maximum(np.abs(ax)[None, :], np.abs(ax)[:, None])
    shade = 0.85 + 0.15 * np.clip(1.0 - r, 0.0, 1.0)
    return _rgb((1.0, 0.98, 0.93), shade)


@dataclass(frozen=True)
class Textures:
    steel: Texture
    old: Texture
    terrazzo: Texture
    rubber: Texture
    ceiling_new: Texture
    ceiling_old: Texture
    concrete: Texture
    wall_room: Texture
    wall_corridor: Texture
    brick: Texture
    linoleum: Texture
    facade: Texture
    glow: Texture


@functools.lru_cache(maxsize=2)
def textures(seed: int) -> Textures:
    rng = np.random.default_rng(seed + 4401)
    t = texture_from_array
    return Textures(
        steel=t("enclosed-steel", brushed_steel(rng)),
        old=t("enclosed-old-panels", old_panels(rng)),
        terrazzo=t("enclosed-terrazzo", terrazzo(rng)),
        rubber=t("enclosed-rubber", studded_rubber(rng)),
        ceiling_new=t("enclosed-ceiling-new", ceiling_panel(rng, (0.92, 0.92, 0.90))),
        ceiling_old=t("enclosed-ceiling-old", ceiling_panel(rng, (0.74, 0.70, 0.58))),
        concrete=t("enclosed-concrete", concrete(rng)),
        wall_room=t("enclosed-wall-room", plaster(rng, (0.80, 0.78, 0.70), grime=0.18)),
        wall_corridor=t("enclosed-wall-corridor", plaster(rng, (0.86, 0.85, 0.80))),
        brick=t("enclosed-brick", brick(rng)),
        linoleum=t("enclosed-linoleum", linoleum(rng)),
        facade=t("enclosed-facade", facade(rng)),
        glow=t("enclosed-glow", led_glow(rng)),
    )
