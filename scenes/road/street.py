"""The street: road, kerbs, pavements, the zebra crossing and its traffic
lights, street lamps, trees, shop fronts and the buildings above them,
parked cars; and the car's cabin for the passenger seat.

Layout of one tile (metres, the street's frame: the road runs along X): the
near kerb is at y = 0, except at the crossing (|x| < ``BUILD_OUT_X``) where
the pavement juts out to y = ``KERB_Y`` over the parking strip; lane A
(traffic toward +X, driving on the right) is centred on ``LANE_A``, lane B
(toward -X) on ``LANE_B``; the far kerb is at ``FAR_KERB``. The near shop
fronts are at y = ``NEAR_FACADE``, the far ones at ``FAR_FACADE``. The
zebra crossing spans x = -2..2 at x = 0 of every tile; tiles repeat every
``TILE`` metres (the car drives through them).

Static parts are merged into a few ``Geom`` s per tile (one per texture);
the tile is built once and instanced along the street.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from panda3d.core import (
    Geom,
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
    texture_from_array,
    transform,
    value_noise,
)
from palier.scenes.road import vehicles
from palier.scenes.road.shaders import glow_shader

Color = tuple[float, float, float, float]

TILE = 120.0
HALF = TILE / 2
KERB_Z = 0.13
KERB_Y = 2.0  # the crossing's build-out
BUILD_OUT_X = 6.0
PARK_Y = 1.0  # parked cars' centre line (the parking strip is y = 0..2)
LANE_A = 3.65
LANE_B = 6.95
CENTRE_Y = 5.3
FAR_KERB = 8.6
FAR_FACADE = 12.6
NEAR_FACADE = -5.0
CROSS_X = 2.0  # half the zebra's width along the road
STOP_X = 5.0  # the stop lines before the crossing
LAMP_XS = (-50.0, -30.0, -10.0, 10.0, 30.0, 50.0)
LAMP_HEAD_Z = 6.8
SIGNAL_X = 3.2  # the traffic lights' poles, each side of the crossing
PARKED: tuple[tuple[float, str, Color], ...] = (
    (-9.5, "hatchback", (0.55, 0.57, 0.60, 1.0)),
    (-15.2, "saloon", (0.12, 0.14, 0.20, 1.0)),
    (-21.3, "van", (0.92, 0.92, 0.90, 1.0)),
    (-34.0, "hatchback", (0.62, 0.10, 0.08, 1.0)),
    (-40.0, "saloon", (0.85, 0.85, 0.84, 1.0)),
    (15.2, "saloon", (0.30, 0.32, 0.35, 1.0)),
    (21.0, "hatchback", (0.15, 0.30, 0.55, 1.0)),
    (33.5, "van", (0.75, 0.76, 0.78, 1.0)),
    (39.6, "hatchback", (0.08, 0.08, 0.09, 1.0)),
    (-52.0, "hatchback", (0.70, 0.62, 0.40, 1.0)),
    (52.0, "saloon", (0.40, 0.08, 0.10, 1.0)),
)
DOOR_CAR_X = 9.2
"""The parked car (one each side of the crossing) whose door is slammed."""


@dataclass(slots=True)
class Street:
    tile: NodePath
    """The static tile (instanced under ``world`` at every ``TILE``)."""
    signals: dict[str, NodePath]
    """Glow nodes of the traffic lights' lamps: ``car_red`` ... ``walk_green``."""
    lamp_heads: NodePath


def _noise(h: int, w: int, cells: int, seed: int) -> np.ndarray:
    return fractal_noise(h, w, (cells, cells), np.random.default_rng(seed), octaves=4)


def asphalt_image(seed: int, size: int = 256) -> np.ndarray:
    """Grey asphalt with grain and patches; alpha is 1 minus where water
    pools (the dips of a low-frequency noise)."""
    rng = np.random.default_rng(seed)
    grain = rng.random((size, size))
    patch = _noise(size, size, 4, seed + 1)
    shade = 0.30 + 0.06 * (patch - 0.5) + 0.08 * (grain - 0.5)
    rgb = np.stack([shade, shade * 1.0, shade * 1.03], axis=-1)
    pools = _noise(size, size, 3, seed + 2)
    alpha = 1.0 - np.clip((pools - 0.52) / 0.12, 0.0, 1.0) * 0.9
    return np.concatenate([rgb, alpha[..., None]], axis=-1)


def paving_image(seed: int, size: int = 256) -> np.ndarray:
    """Square concrete paving slabs (4 across the image), each its own shade."""
    rng = np.random.default_rng(seed)
    n = 4
    cells = rng.uniform(-0.04, 0.04, (n, n))
    ys, xs = np.mgrid[0:size, 0:size]
    cell = cells[(ys * n) // size, (xs * n) // size]
    grain = value_noise(size, size, (64, 64), rng) - 0.5
    shade = 0.62 + cell + 0.05 * grain
    edge = ((ys % (size // n)) < 2) | ((xs % (size // n)) < 2)
    shade = np.where(edge, shade - 0.18, shade)
    rgb = np.stack([shade, shade * 0.98, shade * 0.94], axis=-1)
    alpha = np.where(edge, 0.6, 1.0)  # water stands in the joints
    return np.concatenate([rgb, alpha[..., None]], axis=-1)


def facade_image(seed: int, w: int = 256, h: int = 256) -> np.ndarray:
    """Two bays of a four-storey facade's upper floors (render over a
    base colour): rendered walls with windows and shutters; window alpha < 1
    glows at night in some windows, set by a hash of the window."""
    rng = np.random.default_rng(seed)
    img = np.ones((h, w, 4))
    wall = 0.85 + 0.06 * (_noise(h, w, 8, seed) - 0.5)
    img[..., :3] = wall[..., None]
    bays, floors = 2, 4
    bw, fh = w // bays, h // floors
    for f in range(floors):
        for bay in range(bays):
            x0 = bay * bw + bw // 4
            x1 = bay * bw + 3 * bw // 4
            y0 = f * fh + fh // 5
            y1 = f * fh + 4 * fh // 5
            lit = rng.random() < 0.45
            img[y0:y1, x0:x1, :3] = (0.16, 0.18, 0.21)
            img[y0:y1, x0:x1, 3] = 0.25 if lit else 1.0
            img[y0 : y0 + 2, x0:x1, :3] = 0.95  # lintel
            img[y1 - 3 : y1, x0 - 2 : x1 + 2, :3] = 0.9  # sill
            mid = (x0 + x1) // 2
            img[y0:y1, mid - 1 : mid + 1, :3] = 0.9  # the two casements
            for sx0 in (x0 - bw // 7, x1):  # shutters
                img[y0:y1, max(sx0, 0) : sx0 + bw // 7, :3] = (0.45, 0.50, 0.48)
                img[y0:y1, max(sx0, 0) : sx0 + bw // 7, 3] = 1.0
    return img


def shopfront_image(seed: int, w: int = 256, h: int = 128) -> np.ndarray:
    """A ground-floor shop: fascia board, a wide window (lit at night) and a door."""
    rng = np.random.default_rng(seed)
    img = np.ones((h, w, 4))
    base = rng.uniform(0.2, 0.6, 3)
    img[..., :3] = base * 0.8 + 0.1
    img[: h // 6, :, :3] = base  # the fascia
    img[h // 4 : h - 6, w // 12 : 2 * w // 3, :3] = (0.22, 0.25, 0.28)
    img[h // 4 : h - 6, w // 12 : 2 * w // 3, 3] = 0.1
    img[h // 4 : h - 4, 3 * w // 4 : 11 * w // 12, :3] = (0.15, 0.12, 0.10)  # the door
    # Shelves behind the glass, with rows of goods on them.
    x0, x1 = w // 12 + 6, 2 * w // 3 - 6
    for shelf_y in (h // 3 + 8, h // 2 + 10, 2 * h // 3 + 12, h - 18):
        img[shelf_y : shelf_y + 2, x0:x1, :3] = (0.55, 0.52, 0.48)
        x = x0
        while x < x1 - 4:
            gw = int(rng.integers(3, 7))
            gh = int(rng.integers(6, 12))
            img[shelf_y - gh : shelf_y, x : x + gw, :3] = rng.uniform(0.35, 0.85, 3) * 0.8
            x += gw + 1
    # The shop's name on the fascia: a row of letter-like marks.
    for k in range(int(rng.integers(5, 9))):
        lx = w // 8 + k * 12
        img[h // 20 : h // 8, lx : lx + 7, :3] = 0.95
    return img


def _ground_quad(b: GeomBuilder, x0: float, x1: float, y0: float, y1: float, z: float, uv_k: float):
    pts = np.array([[x0, y0, z], [x1, y0, z], [x1, y1, z], [x0, y1, z]])
    b.add_quad(pts, uvs=pts[:, :2] * uv_k)


def _wall(
    b: GeomBuilder,
    p0: tuple[float, float],
    p1: tuple[float, float],
    z0: float,
    z1: float,
    tile: tuple[float, float] | None,
    color: Color = (1, 1, 1, 1),
    u0: float = 0.0,
) -> None:
    """A vertical quad from p0 to p1, facing to the right of p0 -> p1."""
    corners = np.array([[*p0, z0], [*p1, z0], [*p1, z1], [*p0, z1]])
    if tile is None:
        uv = np.full((4, 2), UNTEXTURED_UV)
    else:
        u1 = u0 + math.dist(p0, p1) / tile[0]
        uv = np.array([[u0, 0.0], [u1, 0.0], [u1, (z1 - z0) / tile[1]], [u0, (z1 - z0) / tile[1]]])
    b.add_quad(corners, uvs=uv, color=color)


def _kerb(b: GeomBuilder, pts: list[tuple[float, float]], facing: float) -> None:
    """The kerb's face along a polyline (facing +1: faces +y)."""
    stone: Color = (0.70, 0.69, 0.66, 1.0)
    for (xa, ya), (xb, yb) in itertools.pairwise(pts):
        if facing > 0:
            _wall(b, (xa, ya), (xb, yb), 0.0, KERB_Z, None, stone)
        else:
            _wall(b, (xb, yb), (xa, ya), 0.0, KERB_Z, None, stone)


def _pole(b: GeomBuilder, x: float, y: float, height: float, r: float = 0.06) -> None:
    b.add_tube(np.array([[x, y, 0.0], [x, y, height]]), r, sides=8, color=(0.22, 0.23, 0.24, 1.0))


def _signal_head(
    b: GeomBuilder,
    glow: Mapping[str, GeomBuilder],
    x: float,
    y: float,
    z: float,
    h: float,
    walk: bool,
) -> None:
    """A traffic light housing facing heading ``h`` with its lenses in the
    glow builders (``car_red``, ``car_amber``, ``car_green``, ``walk_red``,
    ``walk_green``)."""
    m = transform((x, y, z), (h, 0.0, 0.0))
    housing: Color = (0.12, 0.13, 0.12, 1.0)
    if walk:
        b.add_box((0.0, 0.0, 0.0), (0.30, 0.22, 0.62), color=housing, xform=m)
        for name, dz in (("walk_red", 0.15), ("walk_green", -0.15)):
            glow[name].add_box((0.0, 0.115, dz), (0.22, 0.01, 0.24), xform=m)
        return
    b.add_box((0.0, 0.0, 0.0), (0.32, 0.24, 0.95), color=housing, xform=m)
    b.add_box((0.0, -0.01, 0.0), (0.55, 0.04, 1.15), color=(0.05, 0.05, 0.05, 1.0), xform=m)
    for name, dz in (("car_red", 0.29), ("car_amber", 0.0), ("car_green", -0.29)):
        glow[name].add_tube(np.array([[0.0, 0.12, dz], [0.0, 0.135, dz]]), 0.1, sides=12, xform=m)


@lru_cache(maxsize=2)
def _street_geoms(seed: int) -> tuple[tuple[str, Geom, Texture | None], ...]:
    """The tile's geometry and textures, made once per seed and process: a
    scene loaded again makes only nodes (seconds of numpy otherwise)."""
    rng = np.random.default_rng(seed + 5)
    asphalt = texture_from_array("road-asphalt", asphalt_image(seed))
    paving = texture_from_array("road-paving", paving_image(seed + 1))
    facade = texture_from_array("road-facade", facade_image(seed + 2))
    shop = texture_from_array("road-shop", shopfront_image(seed + 3))
    road, pave, walls, shops = (GeomBuilder() for _ in range(4))
    plain = vehicles.Builder()
    lamp_heads = vehicles.Builder()
    signal_glow = {
        k: vehicles.Builder()
        for k in ("car_red", "car_amber", "car_green", "walk_red", "walk_green")
    }

    # The road, with its markings just above it (plain white, wet-shaded too).
    _ground_quad(road, -HALF, HALF, 0.0, FAR_KERB, 0.0, 0.25)
    white: Color = (0.92, 0.92, 0.90, 1.0)
    marks = plain
    for yy in np.arange(KERB_Y + 0.3, FAR_KERB - 0.2, 1.0):  # the zebra's bars
        marks.add_quad(
            np.array(
                [
                    [-CROSS_X, yy, 0.006],
                    [CROSS_X, yy, 0.006],
                    [CROSS_X, yy + 0.5, 0.006],
                    [-CROSS_X, yy + 0.5, 0.006],
                ]
            ),
            uvs=np.full((4, 2), UNTEXTURED_UV),
            color=white,
        )
    for x0 in np.arange(-HALF, HALF, 6.5):  # the centre line's dashes
        if abs(x0 + 1.5) < STOP_X + 2.0:
            continue
        marks.add_quad(
            np.array(
                [
                    [x0, CENTRE_Y - 0.06, 0.005],
                    [x0 + 3.0, CENTRE_Y - 0.06, 0.005],
                    [x0 + 3.0, CENTRE_Y + 0.06, 0.005],
                    [x0, CENTRE_Y + 0.06, 0.005],
                ]
            ),
            uvs=np.full((4, 2), UNTEXTURED_UV),
            color=white,
        )
    for xa, xb, ya, yb in (
        (-STOP_X - 0.3, -STOP_X, KERB_Y, CENTRE_Y),
        (STOP_X, STOP_X + 0.3, CENTRE_Y, FAR_KERB),
        (-STOP_X, STOP_X, CENTRE_Y - 0.06, CENTRE_Y + 0.06),
    ):
        marks.add_quad(
            np.array([[xa, ya, 0.005], [xb, ya, 0.005], [xb, yb, 0.005], [xa, yb, 0.005]]),
            uvs=np.full((4, 2), UNTEXTURED_UV),
            color=white,
        )

    # Pavements: near (with the crossing's build-out), far.
    uvp = 1.0 / 2.4
    _ground_quad(pave, -HALF, HALF, NEAR_FACADE, 0.0, KERB_Z, uvp)
    _ground_quad(pave, -BUILD_OUT_X, BUILD_OUT_X, 0.0, KERB_Y, KERB_Z, uvp)
    _ground_quad(pave, -HALF, HALF, FAR_KERB, FAR_FACADE, KERB_Z, uvp)
    _kerb(plain, [(-HALF, 0.0), (-BUILD_OUT_X, 0.0)], 1.0)
    _kerb(plain, [(-BUILD_OUT_X, 0.0), (-BUILD_OUT_X, KERB_Y), (BUILD_OUT_X, KERB_Y)], 1.0)
    _kerb(plain, [(BUILD_OUT_X, KERB_Y), (BUILD_OUT_X, 0.0), (HALF, 0.0)], 1.0)
    _kerb(plain, [(-HALF, FAR_KERB), (HALF, FAR_KERB)], -1.0)
    # The dropped kerb at the crossing: tactile paving (a darker buff strip).
    for y0, y1 in ((KERB_Y - 0.6, KERB_Y), (FAR_KERB, FAR_KERB + 0.6)):
        plain.add_quad(
            np.array(
                [
                    [-CROSS_X, y0, KERB_Z + 0.004],
                    [CROSS_X, y0, KERB_Z + 0.004],
                    [CROSS_X, y1, KERB_Z + 0.004],
                    [-CROSS_X, y1, KERB_Z + 0.004],
                ]
            ),
            uvs=np.full((4, 2), UNTEXTURED_UV),
            color=(0.62, 0.52, 0.36, 1.0),
        )

    # Buildings: shop fronts on the ground floor, flats above, roofs.
    for facade_y, facing in ((FAR_FACADE, -1.0), (NEAR_FACADE, 1.0)):
        x = -HALF
        while x < HALF - 0.1:
            width = float(min(rng.uniform(8.0, 14.0), HALF - x))
            floors = int(rng.integers(3, 6))
            top = 4.0 + floors * 3.1
            tint = rng.uniform(0.75, 1.0, 3)
            col: Color = (float(tint[0]), float(tint[1] * 0.97), float(tint[2] * 0.9), 1.0)
            # Each wall faces the street (to the right of pa -> pb).
            pa, pb = (
                ((x, facade_y), (x + width, facade_y))
                if facing < 0
                else (
                    (x + width, facade_y),
                    (x, facade_y),
                )
            )
            _wall(shops, pa, pb, 0.0, 4.0, (width / max(1, round(width / 6.0)), 4.0))
            _wall(walls, pa, pb, 4.0, top, (6.0, 12.4), col)
            depth = 10.0 * -facing
            plain.add_box(
                (x + width / 2, facade_y + depth / 2, top + 0.25),
                (width, abs(depth), 0.5),
                color=(0.45, 0.30, 0.26, 1.0),
            )
            # Gable walls (seen down the street where heights differ): one at each
            # building's start, and the row's last end (two would fight in depth).
            for ex in (x,) if x + width < HALF - 0.1 else (x, x + width):
                plain.add_box(
                    (ex, facade_y + depth / 2, top / 2), (0.3, abs(depth), top), color=col
                )
            x += width

    # Street lamps on both pavements; their heads glow at night.
    for lx in LAMP_XS:
        for ly, arm in ((-0.6, 1.0), (FAR_KERB + 0.5, -1.0)):
            _pole(plain, lx, ly, LAMP_HEAD_Z + 0.2)
            plain.add_box(
                (lx, ly + arm * 0.7, LAMP_HEAD_Z + 0.2),
                (0.1, 1.4, 0.1),
                color=(0.22, 0.23, 0.24, 1.0),
            )
            plain.add_box(
                (lx, ly + arm * 1.3, LAMP_HEAD_Z + 0.1),
                (0.45, 0.7, 0.14),
                color=(0.3, 0.3, 0.32, 1.0),
            )
            lamp_heads.add_box((lx, ly + arm * 1.3, LAMP_HEAD_Z + 0.02), (0.38, 0.6, 0.03))
    # Trees on the far pavement, in iron grilles.
    for tx in (-42.0, -22.0, 22.0, 42.0):
        ty = FAR_KERB + 1.2
        plain.add_tube(
            np.array([[tx, ty, 0.0], [tx, ty, 3.2]]),
            np.array([0.16, 0.12]),
            sides=8,
            color=(0.30, 0.24, 0.18, 1.0),
        )
        for k in range(3):
            plain.add_ellipsoid(
                (tx + 0.5 * math.cos(k * 2.1), ty + 0.4 * math.sin(k * 2.1), 4.2 + 0.4 * k),
                (1.6, 1.6, 1.3),
                rings=6,
                segments=10,
                color=(0.22, 0.34, 0.16, 1.0),
            )
    # Bollards along the build-out; a bin; the traffic lights' poles and heads.
    for bx in (-BUILD_OUT_X + 0.3, -4.0, 4.0, BUILD_OUT_X - 0.3):
        plain.add_tube(
            np.array([[bx, KERB_Y - 0.35, 0.0], [bx, KERB_Y - 0.35, 0.95]]),
            0.06,
            sides=8,
            color=(0.18, 0.2, 0.22, 1.0),
        )
    plain.add_tube(
        np.array([[-5.2, -0.7, 0.0], [-5.2, -0.7, 0.9]]),
        0.25,
        sides=10,
        color=(0.2, 0.35, 0.22, 1.0),
    )
    for sx, sy, h in ((-SIGNAL_X, KERB_Y - 0.4, -90.0), (SIGNAL_X, FAR_KERB + 0.4, 90.0)):
        _pole(plain, sx, sy, 3.6)
        # The car signal faces the traffic coming to the crossing.
        _signal_head(plain, signal_glow, sx, sy, 3.0, h, walk=False)
        # The pedestrian signal faces across the road, to the other side.
        facing = 180.0 if sy < CENTRE_Y else 0.0
        _signal_head(plain, signal_glow, sx + (0.3 if sx > 0 else -0.3), sy, 2.2, facing, walk=True)

    # Parked cars on the near side, baked into the tile (their lamps dark).
    for px, kind, paint in PARKED:
        plain.merge(vehicles.baked(kind, paint, vehicles.place(px, PARK_Y, 0.0)))

    parts: list[tuple[str, Geom, Texture | None]] = [
        ("road", road.geom(), asphalt),
        ("pavements", pave.geom(), paving),
        ("upper-floors", walls.geom(), facade),
        ("shop-fronts", shops.geom(), shop),
        ("street-furniture", plain.geom(), None),
        ("lamp-heads", lamp_heads.geom(), None),
    ]
    parts += [(f"signal-{name}", b.geom(), None) for name, b in signal_glow.items()]
    return tuple(parts)


SIGNAL_COLOURS: dict[str, Color] = {
    "car_red": (1.0, 0.1, 0.05, 1.0),
    "car_amber": (1.0, 0.6, 0.05, 1.0),
    "car_green": (0.1, 1.0, 0.45, 1.0),
    "walk_red": (1.0, 0.1, 0.05, 1.0),
    "walk_green": (0.1, 1.0, 0.45, 1.0),
}


def build_street(parent: NodePath, seed: int) -> Street:
    tile = parent.attachNewNode("street-tile")
    nodes: dict[str, NodePath] = {}
    for name, geom, tex in _street_geoms(seed):
        gn = GeomNode(name)
        state = RenderState.make(
            TextureAttrib.make(tex) if tex is not None else TextureAttrib.makeAllOff()
        )
        gn.addGeom(geom, state)
        nodes[name] = tile.attachNewNode(gn)
    heads = nodes["lamp-heads"]
    heads.setShader(glow_shader(), 1)
    signals: dict[str, NodePath] = {}
    for name, col in SIGNAL_COLOURS.items():
        node = nodes[f"signal-{name}"]
        node.setShader(glow_shader(), 1)
        node.setColor(col)
        signals[name] = node
    return Street(tile, signals, heads)


def glow_node(parent: NodePath, name: str, b: GeomBuilder, *, additive: bool = False) -> NodePath:
    node = parent.attachNewNode(b.node(name))
    node.setShader(glow_shader(), 1)
    node.setTextureOff(1)
    if additive:
        node.setTransparency(TransparencyAttrib.MAlpha)
        node.setDepthWrite(False)
    return node
