"""The heights scene's textures, painted with numpy at build time.

Arrays are cached per seed (``functools.lru_cache``): a scene loaded again
with the same seed only wraps them in new ``Texture`` objects, which go with
its nodes. Facade textures are RGBA: alpha below 1 marks a window lit at
night (see ``shaders``); the ground is RGB (never glows).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from palier.scenes.procedural import value_noise

GROUND_TILE_M = 80.0
"""The street grid's period: a 64 m block and a 16 m road."""
ROAD_M = 16.0
PAVEMENT_M = 4.0
BAY_M = 3.0
FACADE_TILE_M = 12.0  # four bays by four storeys
TOWER_TILE = (6.0, 3.0)  # two bays wide, one storey high


def _noise(h: int, w: int, cells: int, seed: int) -> np.ndarray:
    return value_noise(h, w, (cells, cells), np.random.default_rng(seed))


@lru_cache(maxsize=4)
def ground_image(seed: int, size: int = 512) -> np.ndarray:
    """One tile of the street grid, (size, size, 3) uint8, first row at the
    tile's far edge (+v). Tile metres: the road along x is ty in [0, 16),
    the road along y is tx in [0, 16); pavements 4 m round each block."""
    m = (np.arange(size) + 0.5) * GROUND_TILE_M / size
    tx = m[None, :]
    ty = m[:, None]
    road_x = ty < ROAD_M  # the road running along x (across the image)
    road_y = tx < ROAD_M
    road = road_x | road_y
    in_x = (tx >= ROAD_M + PAVEMENT_M) & (tx < GROUND_TILE_M - PAVEMENT_M)
    in_y = (ty >= ROAD_M + PAVEMENT_M) & (ty < GROUND_TILE_M - PAVEMENT_M)
    inner = in_x & in_y
    # Noise made at a quarter of the size and repeated: fine enough at 16 cm a texel.
    q = size // 4
    grain = np.kron(_noise(q, q, 64, seed + 1), np.ones((4, 4)))
    blotch = np.kron(_noise(q, q, 8, seed + 2), np.ones((4, 4)))
    joint = ((tx % 1.5) < 0.08) | ((ty % 1.5) < 0.08)
    kerb = (
        ((ty >= ROAD_M) & (ty < ROAD_M + 0.3))
        | (ty >= GROUND_TILE_M - 0.3)
        | ((tx >= ROAD_M) & (tx < ROAD_M + 0.3))
        | (tx >= GROUND_TILE_M - 0.3)
    )
    asphalt = 0.20 + 0.06 * grain + 0.05 * blotch
    slab = 0.56 + 0.06 * grain + 0.04 * blotch - 0.10 * joint
    court = 0.30 + 0.15 * blotch + 0.05 * grain
    lum = np.where(road, asphalt, np.where(inner, court, np.where(kerb, 0.73, slab)))
    tint = np.where(
        road[..., None],
        np.array([1.0, 1.0, 1.04]),
        np.where(inner[..., None], np.array([0.78, 1.0, 0.62]), np.array([1.0, 0.98, 0.94])),
    )
    img = lum[..., None] * tint
    # Lane markings (not across the junctions), zebra crossings by every junction.
    seg_x = road_x & (tx >= ROAD_M)
    dash = ((tx - ROAD_M) % 6.0) < 3.0
    seg_y = road_y & (ty >= ROAD_M)
    dash_y = ((ty - ROAD_M) % 6.0) < 3.0
    centre = (np.abs(ty - ROAD_M / 2) < 0.2) & (np.abs(ty - ROAD_M / 2) > 0.05)
    lanes = (np.abs(ty - 4.0) < 0.08) | (np.abs(ty - 12.0) < 0.08)
    near_jx = ((tx >= ROAD_M + 1.0) & (tx < ROAD_M + 4.0)) | ((tx >= 76.0) & (tx < 79.0))
    near_jy = ((ty >= ROAD_M + 1.0) & (ty < ROAD_M + 4.0)) | ((ty >= 76.0) & (ty < 79.0))
    paint = seg_x & (centre | (lanes & dash))
    paint |= seg_y & (np.abs(tx - ROAD_M / 2) < 0.08) & dash_y
    paint |= road_x & near_jx & ((ty % 1.0) < 0.5)
    paint |= road_y & near_jy & ((tx % 1.0) < 0.5)
    img[paint] = (0.86, 0.86, 0.82)
    out: np.ndarray = (np.clip(img[::-1], 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return out


FACADE_STYLES = ("concrete", "glass", "brick")


@lru_cache(maxsize=8)
def facade_image(style: str, seed: int, size: int = 256) -> np.ndarray:
    """A 12 m x 12 m facade (four bays, four storeys), RGBA uint8."""
    px = size / FACADE_TILE_M
    m = (np.arange(size) + 0.5) / px
    x = m[None, :]
    z = (FACADE_TILE_M - m)[:, None]  # first row is the top
    bx, bz = x % BAY_M, z % BAY_M
    rng = np.random.default_rng(seed * 7 + FACADE_STYLES.index(style))
    lit = rng.random((4, 4)) < 0.28
    col_i = np.minimum((x // BAY_M).astype(int), 3)
    row_i = np.minimum((z // BAY_M).astype(int), 3)
    lit_px = lit[row_i, col_i]
    grain = _noise(size, size, 32, seed + 7)
    img = np.empty((size, size, 4))
    img[:, :, 3] = 1.0
    if style == "glass":
        base = np.array([0.30, 0.42, 0.48])
        sky = 0.55 + 0.35 * (bz / BAY_M)  # the sky reflected, brighter up each pane
        img[:, :, :3] = base * sky[:, :, None] * (0.92 + 0.1 * grain[:, :, None])
        spandrel = bz < 0.7
        img[np.broadcast_to(spandrel, (size, size))] = [0.16, 0.19, 0.21, 1.0]
        mull = (x % 1.5) < 0.07
        img[np.broadcast_to(mull, (size, size))] = [0.55, 0.57, 0.58, 1.0]
        glass = ~spandrel & ~mull
    else:
        wall = np.array([0.74, 0.70, 0.62]) if style == "concrete" else np.array([0.55, 0.30, 0.22])
        img[:, :, :3] = wall * (0.88 + 0.2 * grain[:, :, None])
        if style == "brick":
            course = (z % 0.075) < 0.012
            img[np.broadcast_to(course, (size, size)), :3] *= 0.8
        w0, w1 = (0.55, 2.45) if style == "concrete" else (0.8, 2.2)
        win = (bx > w0) & (bx < w1) & (bz > 0.9) & (bz < 2.55)
        frame = (bx > w0 - 0.08) & (bx < w1 + 0.08) & (bz > 0.82) & (bz < 2.63) & ~win
        img[np.broadcast_to(frame, (size, size)), :3] = [0.85, 0.85, 0.83]
        sill = (bx > w0 - 0.12) & (bx < w1 + 0.12) & (bz > 0.74) & (bz < 0.82)
        img[np.broadcast_to(sill, (size, size)), :3] = [0.55, 0.54, 0.52]
        glass = np.broadcast_to(win, (size, size))
        shade = 0.65 + 0.45 * ((bz - 0.9) / 1.65)
        pane = np.array([0.20, 0.26, 0.32]) * np.broadcast_to(shade, (size, size))[:, :, None]
        img[glass, :3] = pane[glass]
    glass = np.broadcast_to(glass, (size, size))
    lit_b = np.broadcast_to(lit_px, (size, size)) & glass
    img[lit_b, 3] = 0.45
    out: np.ndarray = (np.clip(img, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return out


@lru_cache(maxsize=4)
def tower_image(seed: int, w: int = 256, h: int = 128) -> np.ndarray:
    """The patient's tower: floor-to-ceiling dark glass, 6 m by one storey,
    with curtains and lamps behind some panes. RGBA uint8."""
    u = (np.arange(w) + 0.5) / w * TOWER_TILE[0]
    v = (np.arange(h) + 0.5) / h * TOWER_TILE[1]
    x = u[None, :]
    z = v[::-1][:, None]
    grain = _noise(h, w, 16, seed + 11)
    img = np.empty((h, w, 4))
    img[:, :, 3] = 1.0
    refl = 0.55 + 0.4 * (z / TOWER_TILE[1]) + 0.1 * np.sin(x * 1.3)
    img[:, :, :3] = (
        np.array([0.20, 0.27, 0.33]) * refl[:, :, None] * (0.9 + 0.15 * grain)[:, :, None]
    )
    curtain = ((x % 3.0) < 0.5) & (z > 0.3)
    img[np.broadcast_to(curtain, (h, w)), :3] *= np.array([1.25, 1.15, 1.0])
    lit = (x > 3.0) & (z > 0.2) & (z < 2.7)
    img[np.broadcast_to(lit, (h, w)), 3] = 0.4
    out: np.ndarray = (np.clip(img, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return out


@lru_cache(maxsize=4)
def deck_image(seed: int, size: int = 128) -> np.ndarray:
    """Wooden decking boards (12 cm wide) running across the balcony, RGB."""
    m = (np.arange(size) + 0.5) / size  # one metre
    x = m[None, :]
    y = m[:, None]
    grain = _noise(size, size, 24, seed + 21)
    streak = _noise(size, size, 64, seed + 22)
    board = (np.floor(y / 0.125)).astype(int)
    tone = 0.85 + 0.15 * np.sin(board * 2.7)
    gap = (y % 0.125) < 0.012
    base = np.array([0.47, 0.38, 0.29]) * (tone * (0.85 + 0.2 * grain + 0.1 * streak))[:, :, None]
    base = np.broadcast_to(base, (size, size, 3)).copy()
    base[np.broadcast_to(gap, (size, size))] = [0.12, 0.09, 0.07]
    _ = x
    out: np.ndarray = (np.clip(base, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return out
