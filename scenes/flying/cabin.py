"""The airliner cabin, made in code: a narrow-body (3 + 3 seats and an aisle),
about 22 m of it, with the patient's row over the wing.

Layout (metres, the cabin's own frame): x across (0 the aisle's middle, the
patient's side is -x, the left, so the wing is out of the left windows), y
along the cabin (+y toward the nose; the patient's row has its seat pans at
y = 0), z up from the floor. Seat rows every ``PITCH``; row ``k`` has its seat
pans at ``y = k * PITCH`` (rows ``FIRST_ROW`` to ``LAST_ROW``). Seat centres
across: ``SEAT_X`` (aisle, middle, window) on each side.

Static geometry is a handful of ``Geom``\\ s: every seat of every row in one
(vectorised boxes, :func:`boxes`), the walls with their oval windows in
another, bins and ceiling, the floor, then the few things a frame changes
(the seat-belt signs, the window shades' glass, the lit strips), each one
node so a change is one state write.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from panda3d.core import (
    GeomNode,
    NodePath,
    RenderState,
    Texture,
    TextureAttrib,
    TransparencyAttrib,
)

from palier.scenes.procedural import (
    UNTEXTURED_UV,
    GeomBuilder,
    fractal_noise,
    material,
    texture_from_array,
    value_noise,
)

PITCH = 0.79  # seat pitch (m)
FIRST_ROW, LAST_ROW = -13, 11  # rows behind and ahead of the patient's (row 0)
SEAT_X = (0.50, 0.99, 1.48)  # aisle, middle, window seat centres (either side)
SEAT_W = 0.44
FRONT_Y = LAST_ROW * PITCH + 0.75  # forward bulkhead
REAR_Y = FIRST_ROW * PITCH - 0.75  # rear bulkhead
WINDOW_PITCH = 0.533
WINDOW_Z = 1.10  # window centre above the floor (the seated eye is at 1.2)
WINDOW_A, WINDOW_B = 0.115, 0.165  # oval half width (along y), half height
BAND = (0.84, 1.38)  # the strip of wall that carries the windows
# The sidewall's cross-section on the right (+x) side, floor to the bins.
WALL_Z = np.array([0.0, 0.30, 0.70, 1.00, 1.30, 1.56])
WALL_X = np.array([1.62, 1.77, 1.85, 1.87, 1.85, 1.76])
CEILING_Z = 2.24
EYE_Z = 1.2

Rgba = tuple[float, float, float, float]
FABRIC: Rgba = (0.16, 0.22, 0.40, 1.0)  # the seats' blue cloth (times its texture)
COVER: Rgba = (0.90, 0.91, 0.92, 1.0)  # headrest covers
SHELL: Rgba = (0.42, 0.44, 0.47, 1.0)  # seat-back shells
TRAY: Rgba = (0.52, 0.54, 0.56, 1.0)
DARK: Rgba = (0.10, 0.10, 0.12, 1.0)
METAL: Rgba = (0.55, 0.56, 0.58, 1.0)
WALL: Rgba = (1.02, 1.01, 0.98, 1.0)  # above 1: lit by the windows and the coves too


def wall_x(z: np.ndarray | float) -> np.ndarray:
    """Half width of the cabin at height ``z`` on the sidewall."""
    return np.interp(z, WALL_Z, WALL_X)


def _wall_slope(z: np.ndarray) -> np.ndarray:
    dz = 1e-3
    out: np.ndarray = (wall_x(z + dz) - wall_x(z - dz)) / (2 * dz)
    return out


# -- vectorised boxes ---------------------------------------------------------------
_CORNERS = np.array(
    [[x, y, z] for x in (-0.5, 0.5) for y in (-0.5, 0.5) for z in (-0.5, 0.5)], dtype=np.float64
)
# Each face: 4 corner indices (counter-clockwise from outside) and its normal.
_FACES = (
    ((0, 1, 3, 2), (-1, 0, 0)),
    ((4, 6, 7, 5), (1, 0, 0)),
    ((0, 4, 5, 1), (0, -1, 0)),
    ((2, 3, 7, 6), (0, 1, 0)),
    ((0, 2, 6, 4), (0, 0, -1)),
    ((1, 5, 7, 3), (0, 0, 1)),
)


def boxes(
    b: GeomBuilder,
    centers: np.ndarray,
    sizes: np.ndarray,
    colors: np.ndarray,
    *,
    pitch_deg: np.ndarray | None = None,
    textured: np.ndarray | None = None,
    uv_scale: float = 4.0,
) -> None:
    """Many boxes in one ``add_mesh``: (N, 3) centres and sizes, (N, 4)
    colours, optional (N,) pitch about each box's own x axis (a backrest
    leaning back) and (N,) textured flags (untextured boxes get
    :data:`UNTEXTURED_UV` and are drawn with their colour alone)."""
    n = len(centers)
    local = _CORNERS[None, :, :] * sizes[:, None, :]  # (N, 8, 3)
    rot = np.broadcast_to(np.eye(3), (n, 3, 3)).copy()
    if pitch_deg is not None:
        p = np.radians(pitch_deg)
        rot[:, 1, 1] = np.cos(p)
        rot[:, 1, 2] = -np.sin(p)
        rot[:, 2, 1] = np.sin(p)
        rot[:, 2, 2] = np.cos(p)
    pts_all, nrm_all, uv_all, tri_all = [], [], [], []
    for f, (idx, normal) in enumerate(_FACES):
        quad = local[:, list(idx), :]  # (N, 4, 3)
        world = np.einsum("nij,nkj->nki", rot, quad) + centers[:, None, :]
        nrm = np.einsum("nij,j->ni", rot, np.asarray(normal, dtype=np.float64))
        axis = int(np.argmax(np.abs(normal)))
        u_ax, v_ax = [a for a in range(3) if a != axis]
        uv = np.stack([quad[..., u_ax], quad[..., v_ax]], axis=-1) * uv_scale
        if textured is not None:
            uv[~textured] = UNTEXTURED_UV
        pts_all.append(world)
        nrm_all.append(np.repeat(nrm[:, None, :], 4, axis=1))
        uv_all.append(uv)
        base = (np.arange(n) * 24 + f * 4)[:, None]
        tri_all.append(
            np.concatenate([base + np.array([0, 1, 2]), base + np.array([0, 2, 3])], axis=1)
        )
    # Vertex order: per box, its 6 faces' 4 corners (24 vertices).
    pts = np.stack(pts_all, axis=1).reshape(-1, 3)
    nrm = np.stack(nrm_all, axis=1).reshape(-1, 3)
    uvs = np.stack(uv_all, axis=1).reshape(-1, 2)
    tris = np.stack(tri_all, axis=1).reshape(-1, 3)
    cols = np.repeat(np.asarray(colors, dtype=np.float64), 24, axis=0)
    b.add_mesh(pts, nrm, uvs, tris, cols)


class _Parts:
    """Box parts collected before one :func:`boxes` call."""

    def __init__(self) -> None:
        self.c: list[tuple[float, float, float]] = []
        self.s: list[tuple[float, float, float]] = []
        self.col: list[Rgba] = []
        self.p: list[float] = []
        self.tex: list[bool] = []

    def add(
        self,
        c: tuple[float, float, float],
        s: tuple[float, float, float],
        col: Rgba,
        *,
        pitch: float = 0.0,
        tex: bool = False,
    ) -> None:
        self.c.append(c)
        self.s.append(s)
        self.col.append(col)
        self.p.append(pitch)
        self.tex.append(tex)

    def emit(self, b: GeomBuilder, uv_scale: float = 4.0) -> None:
        boxes(
            b,
            np.array(self.c),
            np.array(self.s),
            np.array(self.col),
            pitch_deg=np.array(self.p),
            textured=np.array(self.tex),
            uv_scale=uv_scale,
        )


# -- textures ------------------------------------------------------------------------
def _fabric(rng: np.random.Generator, size: int = 128) -> np.ndarray:
    """Woven seat cloth: a fine twill over soft mottling, grey (tinted by
    the vertex colour)."""
    i = np.arange(size)
    twill = (((i[:, None] + i[None, :]) // 2) % 3 == 0) * 0.08
    mottle = fractal_noise(size, size, (8, 8), rng, octaves=4)
    img = 0.82 + 0.22 * mottle - twill
    return np.repeat(np.clip(img, 0, 1)[..., None], 3, axis=2)


def _carpet(rng: np.random.Generator, size: int = 256) -> np.ndarray:
    """Blue-grey cabin carpet with a small repeating motif."""
    n = fractal_noise(size, size, (32, 32), rng, octaves=3)
    i = np.arange(size)
    motif = ((i[:, None] % 32 < 3) & (i[None, :] % 32 < 3)) * 0.12
    base = np.array([0.20, 0.24, 0.34])
    img = base[None, None, :] * (0.80 + 0.35 * n[..., None]) + motif[..., None] * np.array(
        [0.35, 0.30, 0.15]
    )
    return np.clip(img, 0, 1)


def _panel(rng: np.random.Generator, size: int = 256) -> np.ndarray:
    """Cabin lining: off-white, a fine texture. The bins' texture (one door
    per texture width along the cabin) adds the seam between doors and the
    latch near the door's lower edge: both come from ``_bins``."""
    n = value_noise(size, size, (64, 64), rng)
    img = 0.94 + 0.06 * n
    return np.repeat(img[..., None], 3, axis=2)


def _bins(rng: np.random.Generator, w: int = 256, h: int = 128) -> np.ndarray:
    """One overhead-bin door along u (1.58 m, two rows), the door's height
    along v (0 at the bottom edge): seams at both ends, a latch recess."""
    n = value_noise(h, w, (16, 32), rng)
    img = np.ones((h, w, 3)) * (0.93 + 0.04 * n[..., None])
    img[:, :3] *= 0.35
    img[:, -3:] *= 0.55
    # Latch: a dark rounded slot in the lower part, in the middle.
    yy, xx = np.mgrid[0:h, 0:w]
    latch = ((xx - w / 2) / 22.0) ** 2 + ((yy - h * 0.78) / 7.0) ** 2 < 1.0
    img[latch] = (0.30, 0.31, 0.33)
    return img


def _psu(w: int = 256, h: int = 96) -> np.ndarray:
    """The passenger service unit under the bins, one row long (u along the
    cabin, v across from the wall to the aisle): reading lights, air vents,
    a call button and the sign panel's frame (the lit icons are separate)."""
    img = np.ones((h, w, 3)) * 0.80
    yy, xx = np.mgrid[0:h, 0:w]

    def disc(cx: float, cy: float, r: float, col: tuple[float, float, float]) -> None:
        img[(xx - cx) ** 2 + (yy - cy) ** 2 < r * r] = col

    for cx in (50, 90, 130):
        disc(cx, h * 0.62, 9, (0.55, 0.56, 0.58))  # air vents
        disc(cx, h * 0.62, 4, (0.15, 0.15, 0.17))
        disc(cx, h * 0.30, 8, (0.92, 0.90, 0.80))  # reading lights
    disc(170, h * 0.45, 5, (0.25, 0.35, 0.60))  # call button
    img[int(h * 0.25) : int(h * 0.75), 190:250] = (0.20, 0.20, 0.22)  # sign panel
    img[:, :2] *= 0.6
    return img


def _signs(w: int = 128, h: int = 64) -> np.ndarray:
    """Two lit icons on black: a fastened seat belt and a crossed-out
    cigarette (alpha 1: the panel is opaque)."""
    img = np.zeros((h, w, 3))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    lit = np.array([0.98, 0.96, 0.88])
    # Seat belt: two straps meeting at a buckle, and a seat outline.
    cx, cy = 32.0, 32.0
    strap = (np.abs(yy - cy - (xx - cx) * 0.35) < 2.5) & (np.abs(xx - cx) < 20)
    strap |= (np.abs(yy - cy + (xx - cx) * 0.35) < 2.5) & (np.abs(xx - cx) < 20)
    buckle = (np.abs(xx - cx) < 6) & (np.abs(yy - cy) < 5)
    hole = (np.abs(xx - cx) < 3) & (np.abs(yy - cy) < 2)
    img[(strap | buckle) & ~hole] = lit
    # No smoking: a cigarette in a circle with a bar across.
    cx = 96.0
    r = np.hypot(xx - cx, yy - cy)
    ring = (r > 20) & (r < 24)
    cig = (np.abs(yy - cy) < 3) & (np.abs(xx - cx) < 14)
    bar = (np.abs((xx - cx) + (yy - cy)) < 3.2) & (r < 22)
    img[ring | cig] = lit
    img[bar] = (0.95, 0.35, 0.20)
    return img


def _rain(rng: np.random.Generator, size: int = 128) -> np.ndarray:
    """Rain on a window: streaks blown back along u, droplets; white with
    the amount in alpha (tileable)."""
    a = np.zeros((size, size))
    for _ in range(140):
        y = int(rng.integers(0, size))
        x = int(rng.integers(0, size))
        length = int(rng.integers(6, 28))
        xs = (x + np.arange(length)) % size
        ys = (y + (np.arange(length) * rng.uniform(0.05, 0.3)).astype(int)) % size
        a[ys, xs] = np.maximum(a[ys, xs], rng.uniform(0.4, 0.9))
    drops = rng.random((size, size)) > 0.985
    a[drops] = 0.8
    a = 0.6 * a + 0.2 * (np.roll(a, 1, axis=0) + np.roll(a, -1, axis=0))
    img = np.ones((size, size, 4))
    img[..., 3] = np.clip(a, 0, 1)
    return img


@functools.lru_cache(maxsize=2)
def cabin_textures(seed: int) -> dict[str, Texture]:
    rng = np.random.default_rng(seed + 9100)
    return {
        "fabric": texture_from_array("flying-fabric", _fabric(rng)),
        "carpet": texture_from_array("flying-carpet", _carpet(rng)),
        "panel": texture_from_array("flying-panel", _panel(rng)),
        "bins": texture_from_array("flying-bins", _bins(rng)),
        "psu": texture_from_array("flying-psu", _psu()),
        "signs": texture_from_array("flying-signs", _signs(), repeat=False),
        "rain": texture_from_array("flying-rain", _rain(rng)),
    }


# -- the pieces -----------------------------------------------------------------------
def rows() -> range:
    return range(FIRST_ROW, LAST_ROW + 1)


def _seats(b: GeomBuilder) -> None:
    """Every seat of every row, both sides: cushion, reclined back, headrest
    with its white cover draped over the top, the back shell with tray
    table, latch and seat pocket (a safety card sticking out), armrests and
    the frame's legs."""
    parts = _Parts()
    backs: list[tuple[float, float, float]] = []
    for k in rows():
        y0 = k * PITCH
        for side in (-1.0, 1.0):
            xs = [side * x for x in SEAT_X]
            for x in xs:
                parts.add((x, y0 + 0.02, 0.43), (SEAT_W - 0.01, 0.46, 0.12), FABRIC, tex=True)
                # The backrest itself (cushion, shell, headrest cover) is one
                # rounded moulding, :func:`_seat_backs`; here its flat fittings.
                tilt = BACK_TILT
                backs.append((x, y0 - BACK_DY, BACK_PIVOT_Z))
                parts.add((x, y0 - 0.37, 0.77), (0.36, 0.012, 0.25), TRAY, pitch=tilt)
                parts.add((x, y0 - 0.37, 0.915), (0.05, 0.014, 0.025), DARK, pitch=tilt)
                parts.add(
                    (x, y0 - 0.37, 0.47), (0.36, 0.03, 0.17), (0.12, 0.13, 0.17, 1.0), pitch=tilt
                )
                parts.add((x + 0.08, y0 - 0.372, 0.575), (0.13, 0.006, 0.05), COVER, pitch=tilt)
            inner, outer = side * (SEAT_X[0] - SEAT_W / 2), side * (SEAT_X[2] + SEAT_W / 2)
            for ax in np.linspace(inner, outer, 4):
                parts.add((float(ax), y0 - 0.02, 0.64), (0.05, 0.42, 0.05), SHELL)
                parts.add((float(ax), y0 - 0.05, 0.55), (0.035, 0.06, 0.16), SHELL)
            for lx in (side * 0.75, side * 1.30):
                parts.add((lx, y0 + 0.02, 0.18), (0.04, 0.04, 0.34), METAL)
                parts.add((lx, y0, 0.02), (0.05, 0.62, 0.04), METAL)
            parts.add((side * 0.99, y0 + 0.02, 0.34), (1.40, 0.05, 0.05), METAL)
    parts.emit(b, uv_scale=5.0)
    _seat_backs(b, np.array(backs))


BACK_TILT = 9.0  # the backrests lean back this much (degrees)
BACK_DY = 0.295  # backrest's middle behind the seat pan's
BACK_PIVOT_Z = 0.80  # and its height: it leans about this point


@functools.lru_cache(maxsize=1)
def _seat_back() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One backrest about its pivot, leaning back: a padded cushion whose top
    corners round off, the grey moulded shell behind it and the white cover
    over the headrest, wrapped over the top. Points, normals, UVs, colours
    and triangles, tiled into every seat by :func:`_seat_backs`."""
    one = GeomBuilder()
    z = np.linspace(0.46, 1.14, 10)
    # Half widths round off over the top 9 cm (a quarter circle).
    top = np.clip((z - 1.05) / 0.09, 0.0, 1.0)
    round_off = np.sqrt(1.0 - np.minimum(top, 0.999) ** 2)
    cushion_w = 0.14 + 0.072 * round_off
    cushion_d = 0.050 * (0.55 + 0.45 * round_off)
    lumbar = 0.018 * np.exp(-(((z - 0.62) / 0.09) ** 2))
    one.add_loft(
        z - BACK_PIVOT_Z, cushion_w, cushion_d, np.full_like(z, 0.005), [FABRIC] * len(z),
        segments=12, power=3.2, front_bulge=lumbar, uv_scale=(1.6, 2.0),
    )  # fmt: skip
    zs = np.linspace(0.40, 1.12, 7)
    top = np.clip((zs - 1.02) / 0.10, 0.0, 1.0)
    round_off = np.sqrt(1.0 - np.minimum(top, 0.999) ** 2)
    one.add_loft(
        zs - BACK_PIVOT_Z, 0.145 + 0.075 * round_off, 0.030 * (0.5 + 0.5 * round_off),
        np.full_like(zs, -0.045), [SHELL] * len(zs), segments=12, power=4.0,
    )  # fmt: skip
    zc = np.linspace(0.93, 1.165, 5)
    top = np.clip((zc - 1.08) / 0.085, 0.0, 1.0)
    round_off = np.sqrt(1.0 - np.minimum(top, 0.999) ** 2)
    one.add_loft(
        zc - BACK_PIVOT_Z, 0.115 + 0.08 * round_off, 0.058 * (0.5 + 0.5 * round_off),
        np.full_like(zc, 0.002), [COVER] * len(zc), segments=12, power=3.0,
    )  # fmt: skip
    verts = np.vstack(one._verts).astype(np.float64)
    tris = np.vstack(one._tris)
    # The cushion keeps its UVs (the cloth texture); shell and cover are plain.
    plain = ~np.all(np.isclose(verts[:, 6:10], FABRIC), axis=1)
    verts[plain, 10:12] = UNTEXTURED_UV
    p = math.radians(BACK_TILT)
    rot = np.array(
        [[1.0, 0.0, 0.0], [0.0, math.cos(p), -math.sin(p)], [0.0, math.sin(p), math.cos(p)]]
    )
    pts = verts[:, 0:3] @ rot.T
    nrm = verts[:, 3:6] @ rot.T
    return pts, nrm, verts[:, 10:12], verts[:, 6:10], tris


def _seat_backs(b: GeomBuilder, pivots: np.ndarray) -> None:
    """A :func:`_seat_back` at each (N, 3) pivot, in one ``add_mesh``."""
    pts, nrm, uv, col, tris = _seat_back()
    n, count = len(pivots), len(pts)
    offsets = (np.arange(n) * count)[:, None, None]
    b.add_mesh(
        (pts[None, :, :] + pivots[:, None, :]).reshape(-1, 3),
        np.broadcast_to(nrm, (n, *nrm.shape)).reshape(-1, 3),
        np.broadcast_to(uv, (n, *uv.shape)).reshape(-1, 2),
        (tris[None, :, :] + offsets).reshape(-1, 3),
        np.broadcast_to(col, (n, *col.shape)).reshape(-1, 4),
    )


def _window_cell() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One window's wall patch on the right wall, in (y, z) about the
    window's centre: the ring from the cell's rectangle in to the oval,
    as (R, C, 2) grid coordinates for the wall surface, and the reveal
    (the deep frame round the pane), (R, C, 3) offsets: dy, dz, depth."""
    hw, hh = WINDOW_PITCH / 2.0, (BAND[1] - BAND[0]) / 2.0
    corners = [math.atan2(hh, hw), math.pi - math.atan2(hh, hw)]
    corners += [c + math.pi for c in corners]
    theta = np.sort(np.concatenate([np.linspace(0, 2 * math.pi, 25)[:-1], corners]))
    theta = np.append(theta, theta[0] + 2 * math.pi)
    c, s = np.cos(theta), np.sin(theta)
    inner = np.stack([WINDOW_A * c, WINDOW_B * s], axis=-1)
    k = np.minimum(hw / np.maximum(np.abs(c), 1e-9), hh / np.maximum(np.abs(s), 1e-9))
    outer = np.stack([k * c, k * s], axis=-1)
    mid = 0.5 * (inner + outer)
    ring = np.stack([outer, mid, inner], axis=0)
    reveal = np.stack(
        [
            np.stack([WINDOW_A * c, WINDOW_B * s, np.zeros_like(c)], axis=-1),
            np.stack([0.9 * WINDOW_A * c, 0.9 * WINDOW_B * s, np.full_like(c, 0.07)], axis=-1),
        ],
        axis=0,
    )
    return ring, reveal, theta


def window_ys() -> np.ndarray:
    first = math.ceil((REAR_Y + 0.4) / WINDOW_PITCH)
    last = math.floor((FRONT_Y - 0.4) / WINDOW_PITCH)
    return np.arange(first, last + 1) * WINDOW_PITCH + 0.12


def _wall_point(y: np.ndarray, z: np.ndarray, depth: np.ndarray | float = 0.0) -> np.ndarray:
    return np.stack([wall_x(z) + depth, y, z], axis=-1)


def _wall_normal(z: np.ndarray) -> np.ndarray:
    slope = _wall_slope(z)
    n = np.stack([-np.ones_like(z), np.zeros_like(z), slope], axis=-1)
    out: np.ndarray = n / np.linalg.norm(n, axis=-1, keepdims=True)
    return out


def _walls(b: GeomBuilder) -> None:
    """Both sidewalls (the right one built, the left mirrored): plain strips
    under and over the window band, one oval window cell per window pitch,
    each window's deep reveal."""
    right = GeomBuilder()
    ring, reveal, theta = _window_cell()
    ys = window_ys()
    y_lo, y_hi = ys[0] - WINDOW_PITCH / 2, ys[-1] + WINDOW_PITCH / 2
    for z0, z1 in ((0.0, BAND[0]), (BAND[1], WALL_Z[-1])):
        zs = np.linspace(z0, z1, 6)
        yy, zz = np.meshgrid(np.array([REAR_Y, y_lo, y_hi, FRONT_Y]), zs, indexing="ij")
        pts = _wall_point(yy, zz)
        right.add_grid(pts, np.stack([yy, zz], axis=-1), _wall_normal(zz), color=WALL)
    for yy0, yy1 in ((REAR_Y, y_lo), (y_hi, FRONT_Y)):  # solid ends of the band
        yy, zz = np.meshgrid(np.array([yy0, yy1]), np.linspace(*BAND, 4), indexing="ij")
        right.add_grid(
            _wall_point(yy, zz), np.stack([yy, zz], axis=-1), _wall_normal(zz), color=WALL
        )
    zc = (BAND[0] + BAND[1]) / 2.0
    for y in ys:
        gy, gz = ring[..., 0] + y, ring[..., 1] + zc
        right.add_grid(
            _wall_point(gy, gz), np.stack([gy, gz], axis=-1), _wall_normal(gz), color=WALL
        )
        ry, rz, rd = reveal[..., 0] + y, reveal[..., 1] + zc, reveal[..., 2]
        pts = _wall_point(ry, rz, rd)
        nrm = np.stack(
            [
                np.zeros_like(ry),
                -np.cos(theta)[None, :].repeat(2, 0),
                -np.sin(theta)[None, :].repeat(2, 0),
            ],
            axis=-1,
        )
        uv = np.full((*ry.shape, 2), UNTEXTURED_UV)
        right.add_grid(pts, uv, nrm, color=(0.97, 0.97, 0.95, 1.0))
    b.merge(right)
    b.merge(right.mirrored_x())


def _profile_surface(
    b: GeomBuilder,
    xz: np.ndarray,
    y0: float,
    y1: float,
    color: Rgba,
    *,
    u_len: float,
    v_len: float,
    inside: tuple[float, float] = (0.0, 1.3),
) -> None:
    """A surface swept along y from a right-side (x, z) profile, mirrored to
    the left; normals face the cabin's inside (toward ``inside``).
    UV: u = y / ``u_len``, v = distance along the profile / ``v_len``."""
    seg = np.linalg.norm(np.diff(xz, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    tang = np.gradient(xz, axis=0)
    n2 = np.stack([tang[:, 1], -tang[:, 0]], axis=-1)
    n2 /= np.linalg.norm(n2, axis=1, keepdims=True)
    to_in = np.array(inside)[None, :] - xz
    n2[np.einsum("ij,ij->i", n2, to_in) < 0] *= -1.0
    ys = np.array([y0, y1])
    for sign in (1.0, -1.0):
        pts = np.stack(
            [
                np.broadcast_to(sign * xz[None, :, 0], (2, len(xz))),
                np.broadcast_to(ys[:, None], (2, len(xz))),
                np.broadcast_to(xz[None, :, 1], (2, len(xz))),
            ],
            axis=-1,
        )
        nrm = np.stack(
            [
                np.broadcast_to(sign * n2[None, :, 0], (2, len(xz))),
                np.zeros((2, len(xz))),
                np.broadcast_to(n2[None, :, 1], (2, len(xz))),
            ],
            axis=-1,
        )
        uv = np.stack(np.broadcast_arrays(ys[:, None] / u_len, s[None, :] / v_len), axis=-1).astype(
            np.float64
        )
        b.add_grid(pts, uv, nrm, color=color)


BIN_DOOR = np.array([[1.13, 1.60], [1.10, 1.70], [1.11, 1.82], [1.16, 1.94], [1.25, 2.04]])
PSU = np.array([[1.76, 1.56], [1.13, 1.60]])
CEILING = np.array([[1.25, 2.04], [1.12, 2.12], [0.80, 2.19], [0.40, 2.23], [0.0, CEILING_Z]])


def _bins_geom(b: GeomBuilder) -> None:
    height = float(np.sum(np.linalg.norm(np.diff(BIN_DOOR, axis=0), axis=1)))
    _profile_surface(b, BIN_DOOR, REAR_Y, FRONT_Y, WALL, u_len=2 * PITCH, v_len=height)


def _psu_geom(b: GeomBuilder) -> None:
    # u runs one row per texture width, aligned with the rows' seat pans.
    _profile_surface(b, PSU, REAR_Y, FRONT_Y, (1, 1, 1, 1), u_len=PITCH, v_len=0.64)


def _ceiling_geom(b: GeomBuilder) -> None:
    # Brighter than its lights make it: the cove strips light it from the side.
    _profile_surface(b, CEILING, REAR_Y, FRONT_Y, (1.55, 1.54, 1.50, 1.0), u_len=1.0, v_len=1.0)


def _floor(b: GeomBuilder) -> None:
    corners = np.array(
        [[-1.62, REAR_Y, 0], [1.62, REAR_Y, 0], [1.62, FRONT_Y, 0], [-1.62, FRONT_Y, 0]]
    )
    uv = corners[:, :2] * 1.2
    b.add_quad(corners, uvs=uv)


def _bulkheads(b: GeomBuilder) -> None:
    """Forward and rear walls across the cabin: panels either side of the
    aisle, a curtain in the aisle's opening (the galley beyond)."""
    parts = _Parts()
    for y, sign in ((FRONT_Y, 1.0), (REAR_Y, -1.0)):
        for side in (-1.0, 1.0):
            parts.add((side * 1.1, y + sign * 0.03, 1.1), (1.5, 0.06, 2.2), WALL)
        parts.add((0.0, y + sign * 0.05, 1.05), (0.72, 0.03, 2.0), (0.16, 0.20, 0.36, 1.0))
        parts.add((0.0, y + sign * 0.02, 2.12), (0.9, 0.06, 0.22), WALL)
    parts.emit(b)


def _sign_quads(b: GeomBuilder) -> None:
    """The seat-belt / no-smoking icons on every row's service unit, both
    sides, facing down and a little toward the aisle."""
    x0, x1 = 1.28, 1.36  # across the PSU (its sign panel, in _psu)
    z0, z1 = 1.585, 1.590
    for k in rows():
        y = k * PITCH
        ya, yb = y - 0.08 + 0.30, y + 0.08 + 0.30
        for sign in (1.0, -1.0):
            c = np.array(
                [[sign * x1, ya, z1], [sign * x1, yb, z1], [sign * x0, yb, z0], [sign * x0, ya, z0]]
            )
            c[:, 2] -= 0.004
            uv = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=np.float64)
            if sign < 0:
                c = c[::-1]
                uv = uv[::-1]
            b.add_quad(c, uvs=uv)


def _cove_lights(b: GeomBuilder) -> None:
    """Indirect light strips along the tops of the bins."""
    for sign in (1.0, -1.0):
        c = np.array(
            [
                [sign * 1.24, REAR_Y, 2.045],
                [sign * 1.24, FRONT_Y, 2.045],
                [sign * 1.10, FRONT_Y, 2.125],
                [sign * 1.10, REAR_Y, 2.125],
            ]
        )
        b.add_quad(c if sign > 0 else c[::-1], color=(1.0, 0.97, 0.90, 1.0))
    for k in rows():  # lit reading lights above some seats
        if k % 3:
            continue
        for sign in (1.0, -1.0):
            x, y = sign * 1.30, k * PITCH + 0.10
            b.add_ellipsoid(
                (x, y, 1.575),
                (0.018, 0.018, 0.004),
                rings=3,
                segments=8,
                color=(1.0, 0.95, 0.80, 1.0),
            )


def _glass(b: GeomBuilder) -> None:
    """One pane per window, behind its reveal, UV across the pane (rain)."""
    for y in window_ys():
        for sign in (1.0, -1.0):
            x = sign * (float(wall_x(WINDOW_Z)) + 0.065)
            a, bb = WINDOW_A, WINDOW_B
            c = np.array(
                [
                    [x, y - a, WINDOW_Z - bb],
                    [x, y + a, WINDOW_Z - bb],
                    [x, y + a, WINDOW_Z + bb],
                    [x, y - a, WINDOW_Z + bb],
                ]
            )
            uv = np.array([[y - a, 0], [y + a, 0], [y + a, 2 * bb], [y - a, 2 * bb]]) * 3.0
            b.add_quad(c, uvs=uv)


def _shades(b: GeomBuilder, rng: np.random.Generator) -> None:
    """Window shades: some pulled part way down (none on the patient's
    window, which stays open)."""
    for y in window_ys():
        for sign in (1.0, -1.0):
            if abs(y) < 0.6 and sign < 0:
                continue
            down = float(rng.choice([0.0, 0.0, 0.0, 0.3, 0.5, 1.0]))
            if down <= 0.0:
                continue
            x = sign * (float(wall_x(WINDOW_Z)) + 0.05)
            top = WINDOW_Z + WINDOW_B
            bottom = top - down * 2 * WINDOW_B
            c = np.array(
                [
                    [x, y - WINDOW_A, bottom],
                    [x, y + WINDOW_A, bottom],
                    [x, y + WINDOW_A, top],
                    [x, y - WINDOW_A, top],
                ]
            )
            b.add_quad(
                c if sign < 0 else c[::-1],
                color=(0.86, 0.86, 0.84, 1.0),
                uvs=np.full((4, 2), UNTEXTURED_UV),
            )


@dataclass
class Cabin:
    node: NodePath
    signs: NodePath
    glass: NodePath
    glow: NodePath


def build_cabin(parent: NodePath, seed: int) -> Cabin:
    tex = cabin_textures(seed)
    rng = np.random.default_rng(seed + 9200)
    node = parent.attachNewNode("cabin-structure")
    node.setMaterial(material((1, 1, 1, 1), specular=0.08, shininess=12.0), 1)
    gn = GeomNode("cabin-static")

    def add(builder: GeomBuilder, texture: Texture) -> None:
        gn.addGeom(builder.geom(), RenderState.make(TextureAttrib.make(texture)))

    seats = GeomBuilder()
    _seats(seats)
    add(seats, tex["fabric"])
    lining = GeomBuilder()
    _walls(lining)
    _ceiling_geom(lining)
    _bulkheads(lining)
    _shades(lining, rng)
    add(lining, tex["panel"])
    bins = GeomBuilder()
    _bins_geom(bins)
    add(bins, tex["bins"])
    psu = GeomBuilder()
    _psu_geom(psu)
    add(psu, tex["psu"])
    floor = GeomBuilder()
    _floor(floor)
    add(floor, tex["carpet"])
    static = node.attachNewNode(gn)
    static.setTwoSided(True)

    signs_b = GeomBuilder()
    _sign_quads(signs_b)
    signs_gn = GeomNode("seat-belt-signs")
    signs_gn.addGeom(signs_b.geom(), RenderState.make(TextureAttrib.make(tex["signs"])))
    signs = node.attachNewNode(signs_gn)
    signs.setTwoSided(True)
    signs.setLightOff(1)
    signs.setShaderOff(1)

    glow_b = GeomBuilder()
    _cove_lights(glow_b)
    glow = node.attachNewNode(glow_b.node("cabin-light-strips"))
    glow.setTwoSided(True)
    glow.setLightOff(1)
    glow.setShaderOff(1)
    glow.setTextureOff(1)

    glass_b = GeomBuilder()
    _glass(glass_b)
    glass_gn = GeomNode("window-rain")
    glass_gn.addGeom(glass_b.geom(), RenderState.make(TextureAttrib.make(tex["rain"])))
    glass = node.attachNewNode(glass_gn)
    glass.setTwoSided(True)
    glass.setLightOff(1)
    glass.setShaderOff(1)
    glass.setTransparency(TransparencyAttrib.MAlpha)
    glass.setDepthWrite(False)
    glass.setBin("transparent", 0)
    return Cabin(node, signs, glass, glow)
