"""The meadow's geometry and textures, made with numpy once per seed.

Layout (metres; rig origin under the seated patient, eyes at 1.2 m, looking
+Y): a nearly level patch of meadow round the patient, ground rolling gently
further out and rising into hills from ~60 m; a few broad trees at 25-90 m,
tree lines on the hills, all fading into the haze toward a 480 m horizon.

Everything static is merged into a handful of ``Geom`` objects (ground,
grass, flowers, trees) built once per seed and cached: a rebuild of the scene
(every pause) only makes new nodes round the same geometry and textures, so
it is fast and leaves no GPU objects behind.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from panda3d.core import Geom, Texture

from palier.scenes.procedural import (
    UNTEXTURED_UV,
    GeomBuilder,
    fractal_noise,
    radial_falloff,
    texture_from_array,
    transform,
    value_noise,
)

GROUND_R = 480.0
GRASS_R = 26.0
CLEAR_R = 0.45  # no blades through the patient's own seat
GRASS_LOD_R = (4.0, 10.0)  # radii (m) where blades drop to 4, then 3 levels


@dataclass(frozen=True)
class MeadowGeoms:
    ground: Geom
    grass: Geom
    flowers: Geom
    trees: Geom
    sky: Geom
    grass_tex: Texture
    cloud_tex: Texture
    glow_tex: Texture
    orb_tex: Texture
    ring_tex: Texture


# -- the ground ------------------------------------------------------------------------
def ground_height(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Height of the ground (m) at world x, y: 0 at the patient, a gentle
    roll of a few decimetres nearby, hills of up to ~30 m far away."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    r = np.hypot(x, y)
    near = 0.35 * np.sin(0.13 * x + 0.7) * np.sin(0.10 * y + 1.3) + 0.2 * np.sin(
        0.21 * x - 0.31 * y + 2.0
    )
    near_w = np.clip((r - 2.0) / 14.0, 0.0, 1.0) ** 2
    hills = (
        np.sin(0.021 * x + 1.1) * np.cos(0.017 * y - 0.4) * 0.6
        + 0.5 * np.sin(0.011 * x - 0.013 * y + 0.8)
        + 0.25 * np.sin(0.043 * x + 0.037 * y + 2.4)
        + 0.55
    )
    t = np.clip((r - 45.0) / 230.0, 0.0, 1.0)
    hills_w = t * t * (3.0 - 2.0 * t) * 30.0
    # A slight dip ahead: the meadow slopes down a little before the hills.
    dip = -1.4 * np.exp(-(((y - 38.0) / 18.0) ** 2) - ((x / 40.0) ** 2))
    out: np.ndarray = near * near_w + hills * hills_w + dip * np.clip(r / 10.0, 0.0, 1.0)
    return out


def _ground_normals(x: np.ndarray, y: np.ndarray, eps: float = 0.05) -> np.ndarray:
    dx = (ground_height(x + eps, y) - ground_height(x - eps, y)) / (2 * eps)
    dy = (ground_height(x, y + eps) - ground_height(x, y - eps)) / (2 * eps)
    n = np.stack([-dx, -dy, np.ones_like(dx)], axis=-1)
    out: np.ndarray = n / np.linalg.norm(n, axis=-1, keepdims=True)
    return out


def _ground(rng: np.random.Generator) -> Geom:
    """A polar grid, fine near the patient and coarse toward the horizon,
    tinted by broad patches (lush, dry, clover) so the meadow is not one
    green."""
    rings = np.concatenate([[0.0], 0.35 * (1.058 ** np.arange(120) - 1.0) + 0.25])
    rings = rings[rings < GROUND_R]
    rings = np.append(rings, GROUND_R)
    seg = 200
    ang = np.linspace(0.0, 2.0 * math.pi, seg + 1)
    rr, aa = np.meshgrid(rings, ang, indexing="ij")
    x, y = rr * np.cos(aa), rr * np.sin(aa)
    z = ground_height(x, y)
    pts = np.stack([x, y, z], axis=-1)
    nrm = _ground_normals(x, y)
    uv = np.stack([x, y], axis=-1) / 2.2
    patch = (
        0.5 * np.sin(0.09 * x + 0.4) * np.sin(0.07 * y + 2.1)
        + 0.3 * np.sin(0.23 * x - 0.17 * y + 1.0)
        + 0.2 * np.sin(0.5 * x + 0.41 * y)
    )
    lush = np.array([0.62, 0.78, 0.42])
    dry = np.array([0.92, 0.86, 0.52])
    deep = np.array([0.45, 0.62, 0.36])
    w = np.clip(patch[..., None] * 0.8 + 0.5, 0.0, 1.0)
    col = lush * (1.0 - w) + dry * w
    far = np.clip((rr - 60.0) / 200.0, 0.0, 1.0)[..., None]
    col = col * (1.0 - 0.5 * far) + deep * 0.5 * far
    # Nearby ground sits under blades: darker, as in their shade.
    shade = np.clip((rr - 3.0) / 22.0, 0.0, 1.0)[..., None]
    col = col * (0.62 + 0.38 * shade)
    colors = np.concatenate([col, np.zeros_like(col[..., :1])], axis=-1)
    b = GeomBuilder()
    # Grid rows run along the angle; flip so the faces look up.
    b.add_grid(
        pts.transpose(1, 0, 2),
        uv.transpose(1, 0, 2),
        nrm.transpose(1, 0, 2),
        color=colors.transpose(1, 0, 2),
        flip=True,
    )
    return b.geom()


def _grass_image(rng: np.random.Generator, size: int = 512) -> np.ndarray:
    """Meadow seen from above: tufts of blades in several greens, a little
    straw, dark gaps between tufts; tileable."""
    base = fractal_noise(size, size, (8, 8), rng, octaves=5)
    strokes = np.zeros((size, size))
    n = size * size // 6
    ys = rng.integers(0, size, n)
    xs = rng.integers(0, size, n)
    vals = rng.random(n)
    dirs = rng.integers(-1, 2, n)
    for k in range(10):  # short slanted strokes: blades lying every way
        np.maximum.at(
            strokes, ((ys + k) % size, (xs + dirs * (k // 3)) % size), vals * (1.0 - k / 12.0)
        )
    fine = value_noise(size, size, (64, 64), rng)
    green = np.array([0.30, 0.46, 0.16])
    light = np.array([0.55, 0.68, 0.28])
    straw = np.array([0.70, 0.62, 0.36])
    t = np.clip(strokes * 0.9 + 0.25 * fine, 0.0, 1.0)[..., None]
    img = green * (1.0 - t) + light * t
    dry = np.clip((base - 0.62) * 4.0, 0.0, 1.0)[..., None] * 0.6
    img = img * (1.0 - dry) + straw * dry
    img *= (0.55 + 0.45 * np.clip(strokes + 0.3, 0.0, 1.0))[..., None]
    out: np.ndarray = np.clip(img * 1.25, 0.0, 1.0)
    return out


# -- grass and flowers -------------------------------------------------------------------
def _scatter(
    rng: np.random.Generator, n: int, r_max: float, power: float, r_min: float = CLEAR_R
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points round the patient, denser near (radius ~ u**power)."""
    r = r_min + (r_max - r_min) * rng.random(n) ** power
    a = rng.uniform(0.0, 2.0 * math.pi, n)
    return r * np.cos(a), r * np.sin(a), r


def _blades(
    x: np.ndarray,
    y: np.ndarray,
    height: np.ndarray,
    width: np.ndarray,
    lean: np.ndarray,
    facing: np.ndarray,
    root_col: np.ndarray,
    tip_col: np.ndarray,
    sway: np.ndarray,
    levels: int = 5,
) -> tuple[np.ndarray, ...]:
    """Vectorised curved, tapering blades (2 vertices a level, one at the
    tip): points, normals, UVs, triangles, colours for ``GeomBuilder``."""
    n = len(x)
    s = np.linspace(0.0, 1.0, levels)  # height fraction of each level
    z0 = ground_height(x, y)
    fx, fy = np.cos(facing), np.sin(facing)  # the way the blade leans
    sx, sy = -fy, fx  # across the blade
    bend = lean[:, None] * height[:, None] * s[None, :] ** 2
    cz = z0[:, None] + height[:, None] * s[None, :] - 0.35 * bend * s[None, :]
    cx = x[:, None] + fx[:, None] * bend
    cy = y[:, None] + fy[:, None] * bend
    half = width[:, None] * (1.0 - s[None, :] ** 1.5) / 2.0
    rows = []
    for k in range(levels - 1):
        for side in (-1.0, 1.0):
            rows.append(
                np.stack(
                    [
                        cx[:, k] + side * sx * half[:, k],
                        cy[:, k] + side * sy * half[:, k],
                        cz[:, k],
                    ],
                    axis=1,
                )
            )
    rows.append(np.stack([cx[:, -1], cy[:, -1], cz[:, -1]], axis=1))
    pts = np.stack(rows, axis=1)  # (n, 2*(levels-1)+1, 3)
    per = pts.shape[1]
    frac = np.concatenate([np.repeat(s[:-1], 2), [1.0]])
    # Soft normals: mostly up, tilted toward the blade's face.
    face = np.stack([fx, fy, np.zeros(n)], axis=1)
    nrm = np.repeat((0.35 * face + np.array([0.0, 0.0, 0.94]))[:, None, :], per, axis=1)
    uv = np.zeros((n, per, 2))
    uv[..., 0] = UNTEXTURED_UV
    uv[..., 1] = frac[None, :]
    col = (
        root_col[:, None, :] * (1.0 - frac[None, :, None])
        + tip_col[:, None, :] * frac[None, :, None]
    )
    alpha = sway[:, None] * frac[None, :] ** 1.5
    col4 = np.concatenate([col, alpha[..., None]], axis=-1)
    tris = []
    for k in range(levels - 2):
        a, b, c, d = 2 * k, 2 * k + 1, 2 * k + 2, 2 * k + 3
        tris += [(a, b, d), (a, d, c)]
    tip = per - 1
    tris.append((per - 3, per - 2, tip))
    t = np.array(tris)
    all_tris = (np.arange(n)[:, None, None] * per + t[None, :, :]).reshape(-1, 3)
    return (
        pts.reshape(-1, 3),
        nrm.reshape(-1, 3),
        uv.reshape(-1, 2),
        all_tris,
        col4.reshape(-1, 4),
    )


def _grass(rng: np.random.Generator, count: int) -> Geom:
    x, y, r = _scatter(rng, count, GRASS_R, 1.9)
    far = r / GRASS_R
    edge = 1.0 - np.clip((far - 0.7) / 0.3, 0.0, 1.0) ** 2  # melt into the ground texture
    height = rng.uniform(0.10, 0.34, count) * (1.0 + 0.6 * far) * (0.25 + 0.75 * edge)
    width = rng.uniform(0.006, 0.012, count) * (1.0 + 5.0 * far)
    lean = rng.uniform(0.15, 0.6, count)
    facing = rng.uniform(0.0, 2.0 * math.pi, count)
    hue = rng.random(count)
    dark = np.array([0.17, 0.26, 0.08])
    root = dark[None, :] * rng.uniform(0.8, 1.2, (count, 1))
    greens = np.array([[0.42, 0.60, 0.18], [0.56, 0.70, 0.24], [0.34, 0.54, 0.20]])
    tip = greens[(hue * 3).astype(int)] * rng.uniform(0.8, 1.15, (count, 1))
    dry = rng.random(count) < 0.12
    tip[dry] = np.array([0.78, 0.70, 0.40]) * rng.uniform(0.85, 1.1, (int(dry.sum()), 1))
    sway = 0.07 * height / 0.3
    b = GeomBuilder()
    # Fewer levels further out: past a few metres a blade is a pixel or two
    # wide and its curve is drawn as well by four segments, then by two (7,
    # 5, then 3 triangles a blade; the budget's triangles, issue 11).
    for (near, far_r), levels in zip(
        zip((0.0, *GRASS_LOD_R), (*GRASS_LOD_R, math.inf), strict=True), (5, 4, 3), strict=True
    ):
        ring = (r >= near) & (r < far_r)
        pts, nrm, uv, tris, col = _blades(
            x[ring],
            y[ring],
            height[ring],
            width[ring],
            lean[ring],
            facing[ring],
            root[ring],
            tip[ring],
            sway[ring],
            levels=levels,
        )
        b.add_mesh(pts, nrm, uv, tris, col)
    return b.geom()


FLOWER_COLOURS = np.array(
    [
        [0.97, 0.96, 0.92],  # daisy white
        [0.98, 0.84, 0.22],  # buttercup yellow
        [0.72, 0.62, 0.90],  # lilac (scabious, knapweed)
        [0.93, 0.93, 0.97],
        [0.60, 0.70, 0.98],  # cornflower-ish blue
    ]
)


def _flowers(rng: np.random.Generator, count: int) -> Geom:
    """Stems (thin blades) topped by small star-shaped heads, in patches."""
    centres = _scatter(rng, 40, GRASS_R * 0.9, 1.3, r_min=1.0)
    pick = rng.integers(0, 40, count)
    spread = rng.normal(0.0, 1.0, (count, 2)) * rng.uniform(0.6, 2.2, 40)[pick][:, None]
    x = centres[0][pick] + spread[:, 0]
    y = centres[1][pick] + spread[:, 1]
    keep = np.hypot(x, y) > 0.7
    x, y = x[keep], y[keep]
    n = len(x)
    r = np.hypot(x, y)
    kind = rng.integers(0, len(FLOWER_COLOURS), 40)[pick][keep]
    height = rng.uniform(0.22, 0.48, n) * (1.0 + 0.4 * r / GRASS_R)
    lean = rng.uniform(0.0, 0.2, n)
    facing = rng.uniform(0.0, 2.0 * math.pi, n)
    sway = 0.06 * height / 0.3
    stem = np.array([0.16, 0.30, 0.08])
    b = GeomBuilder()
    pts, nrm, uv, tris, col = _blades(
        x,
        y,
        height,
        np.full(n, 0.004) * (1.0 + 2.0 * r / GRASS_R),
        lean,
        facing,
        np.tile(stem * 0.6, (n, 1)),
        np.tile(stem, (n, 1)),
        sway,
        levels=3,
    )
    b.add_mesh(pts, nrm, uv, tris, col)
    # Heads: a 5-petal star (10 rim points) round a centre, tilted a little.
    petals = 5
    k = np.arange(2 * petals)
    rim_r = np.where(k % 2 == 0, 1.0, 0.45)
    rim_a = k * math.pi / petals
    size = rng.uniform(0.012, 0.026, n) * (1.0 + 1.5 * r / GRASS_R)
    tip_pts = pts.reshape(n, -1, 3)[:, -1, :]
    tilt = rng.normal(0.0, 0.35, (n, 2))
    rot = rng.uniform(0.0, 2.0 * math.pi, n)
    ca = np.cos(rim_a[None, :] + rot[:, None])
    sa = np.sin(rim_a[None, :] + rot[:, None])
    rim = (
        np.stack([ca * rim_r, sa * rim_r, (ca * tilt[:, :1] + sa * tilt[:, 1:]) * rim_r], axis=-1)
        * size[:, None, None]
    )
    head = np.concatenate([np.zeros((n, 1, 3)), rim], axis=1) + tip_pts[:, None, :]
    per = head.shape[1]
    hn = np.tile(np.array([0.0, 0.0, 1.0]), (n * per, 1))
    huv = np.tile(np.array([UNTEXTURED_UV, 0.9]), (n * per, 1))
    petal = FLOWER_COLOURS[kind] * rng.uniform(0.88, 1.05, (n, 1))
    centre = np.where(
        (kind == 1)[:, None], np.array([0.85, 0.62, 0.10]), np.array([0.95, 0.78, 0.15])
    )
    hcol = np.concatenate([centre[:, None, :], np.repeat(petal[:, None, :], 2 * petals, 1)], axis=1)
    halpha = np.repeat(sway[:, None], per, axis=1)[..., None]
    hcol4 = np.concatenate([hcol, halpha], axis=-1)
    fan = np.array([(0, 1 + i, 1 + (i + 1) % (2 * petals)) for i in range(2 * petals)])
    htris = (np.arange(n)[:, None, None] * per + fan[None]).reshape(-1, 3)
    b.add_mesh(head.reshape(-1, 3), hn, huv, htris, hcol4.reshape(-1, 4))
    return b.geom()


# -- trees ------------------------------------------------------------------------------
def _crown(
    b: GeomBuilder,
    rng: np.random.Generator,
    base: np.ndarray,
    height: float,
    width: float,
    colour: np.ndarray,
    rings: int = 9,
    segments: int = 14,
) -> None:
    """A broad-leaved crown: several lumpy blobs, darker underneath."""
    blobs = int(rng.integers(4, 7))
    for i in range(blobs):
        ang = rng.uniform(0.0, 2.0 * math.pi)
        off = rng.uniform(0.0, 0.35) * width
        cx = base[0] + math.cos(ang) * off
        cy = base[1] + math.sin(ang) * off
        cz = base[2] + height * (0.45 + 0.35 * rng.random()) if i else base[2] + height * 0.55
        rad = np.array([width, width, height * 0.55]) * rng.uniform(0.45, 0.7)
        inner = GeomBuilder()
        inner.add_ellipsoid(
            (0.0, 0.0, 0.0),
            (float(rad[0]), float(rad[1]), float(rad[2])),
            rings=rings,
            segments=segments,
        )
        verts = inner._verts[0]
        p = verts[:, :3].astype(np.float64)
        nrm = verts[:, 3:6].astype(np.float64)
        # Lumps: displace along the normal by smooth pseudo-noise.
        ph = rng.uniform(0.0, 6.3, 6)
        lump = np.sin(p[:, 0] * 4.0 / width + ph[0]) * np.sin(
            p[:, 1] * 3.6 / width + ph[1]
        ) * np.sin(p[:, 2] * 5.0 / height + ph[2]) + 0.5 * np.sin(
            p[:, 0] * 11.0 / width + ph[3]
        ) * np.sin(p[:, 1] * 10.0 / width + ph[4]) * np.sin(p[:, 2] * 12.0 / height + ph[5])
        p += nrm * (lump[:, None] * 0.16 * width)
        shade = 0.55 + 0.45 * np.clip(p[:, 2] / rad[2] * 0.5 + 0.5, 0.0, 1.0)
        col = colour[None, :] * shade[:, None] * rng.uniform(0.85, 1.1)
        col4 = np.concatenate([col, np.full((len(p), 1), 0.0)], axis=1)
        uv = np.tile([UNTEXTURED_UV, 0.15], (len(p), 1))
        b.add_mesh(p + np.array([cx, cy, cz]), nrm, uv, inner._tris[0], col4)


def _trees(rng: np.random.Generator) -> Geom:
    b = GeomBuilder()
    crown_greens = np.array([[0.20, 0.34, 0.12], [0.24, 0.38, 0.14], [0.17, 0.30, 0.13]])
    bark = (0.25, 0.20, 0.15, 0.0)
    # A few broad trees in the middle distance, none straight ahead.
    singles = [
        (-24.0, 34.0, 11.0),
        (31.0, 52.0, 13.0),
        (-46.0, 78.0, 12.0),
        (58.0, 26.0, 10.0),
        (12.0, 96.0, 12.0),
        (-70.0, 30.0, 11.0),
        (-15.0, -40.0, 12.0),
        (40.0, -30.0, 11.0),
    ]
    for x, y, h in singles:  # trunk, then a crown of lumpy blobs
        z = float(ground_height(np.array(x), np.array(y)))
        trunk_h = h * 0.42
        path = np.array([[x, y, z - 0.3], [x, y, z + trunk_h * 0.5], [x + 0.2, y, z + trunk_h]])
        b.add_tube(
            path, np.array([0.45, 0.33, 0.25]) * h / 11.0, sides=10, color=bark, cap_end=False
        )
        _crown(
            b,
            rng,
            np.array([x + 0.2, y, z + trunk_h * 0.6]),
            h * 0.75,
            h * 0.42,
            crown_greens[int(rng.integers(0, 3))],
            rings=14,
            segments=22,
        )
    # Tree lines and copses on the hills: clusters of crowns along arcs.
    for _ in range(26):
        ang = rng.uniform(0.0, 2.0 * math.pi)
        dist = rng.uniform(110.0, 320.0)
        for _k in range(int(rng.integers(4, 12))):
            a2 = ang + rng.normal(0.0, 0.04)
            d2 = dist + rng.normal(0.0, 6.0)
            x, y = d2 * math.cos(a2), d2 * math.sin(a2)
            z = float(ground_height(np.array(x), np.array(y)))
            h = rng.uniform(8.0, 15.0)
            _crown(
                b,
                rng,
                np.array([x, y, z - 1.0]),
                h,
                h * 0.45,
                crown_greens[int(rng.integers(0, 3))],
                rings=7,
                segments=10,
            )
    return b.geom()


# -- sky ---------------------------------------------------------------------------------
def _sky_dome() -> Geom:
    """A unit sphere seen from inside (the shader reads directions from it)."""
    b = GeomBuilder()
    b.add_ellipsoid(
        (0.0, 0.0, 0.0),
        (1.0, 1.0, 1.0),
        rings=24,
        segments=48,
        xform=transform(hpr=(0.0, 90.0, 0.0)),
    )
    return b.geom()


def _cloud_image(rng: np.random.Generator, size: int = 512) -> np.ndarray:
    n = fractal_noise(size, size, (4, 4), rng, octaves=6, persistence=0.55)
    n = (n - n.min()) / (n.max() - n.min())
    img = np.repeat(n[..., None], 3, axis=2)
    return img


def _glow_image(size: int = 128) -> np.ndarray:
    """Wide soft glow (the halo round the guide)."""
    img = np.ones((size, size, 4))
    img[..., 3] = radial_falloff(size, power=2.2)
    return img


def _orb_image(size: int = 128) -> np.ndarray:
    """A luminous sphere seen face on: a bright disc with a soft rim and a
    slightly brighter centre, transparent outside."""
    ax = np.linspace(-1.0, 1.0, size)
    r = np.sqrt(ax[None, :] ** 2 + ax[:, None] ** 2)
    disc = np.clip((1.0 - r) / 0.22, 0.0, 1.0)
    disc = disc * disc * (3.0 - 2.0 * disc)
    img = np.ones((size, size, 4))
    img[..., :3] = (0.86 + 0.14 * np.clip(1.0 - r / 0.8, 0.0, 1.0))[..., None]
    img[..., 3] = disc * 0.92
    return img


def _ring_image(size: int = 256) -> np.ndarray:
    ax = np.linspace(-1.0, 1.0, size)
    r = np.sqrt(ax[None, :] ** 2 + ax[:, None] ** 2)
    ring = np.exp(-(((r - 0.8) / 0.09) ** 2)) + 0.25 * np.exp(-(((r - 0.8) / 0.3) ** 2))
    img = np.ones((size, size, 4))
    img[..., 3] = np.clip(ring, 0.0, 1.0) * (r < 1.0)
    return img


GRASS_BLADES = 42000
FLOWERS = 2600


@functools.lru_cache(maxsize=2)
def meadow_geoms(seed: int) -> MeadowGeoms:
    """All static geometry and textures for ``seed`` (cached: rebuilding the
    scene reuses them, so pauses are quick and nothing accumulates)."""
    rng = np.random.default_rng(seed + 501)
    return MeadowGeoms(
        ground=_ground(rng),
        grass=_grass(rng, GRASS_BLADES),
        flowers=_flowers(rng, FLOWERS),
        trees=_trees(rng),
        sky=_sky_dome(),
        grass_tex=texture_from_array("safe-place-grass", _grass_image(rng), anisotropy=1),
        cloud_tex=texture_from_array("safe-place-clouds", _cloud_image(rng)),
        glow_tex=texture_from_array("safe-place-glow", _glow_image(), repeat=False),
        orb_tex=texture_from_array("safe-place-orb", _orb_image(), repeat=False),
        ring_tex=texture_from_array("safe-place-ring", _ring_image(), repeat=False),
    )
