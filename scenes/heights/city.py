"""The city under the balcony: the street grid, the blocks of buildings,
trees, street lamps, a flag, cars, and the patient's own tower.

Everything here is world geometry (it moves with the floor, see
``scene``): the street is at z = 0, the patient's floor slab is at
``slab_z(floor)``. Static parts are merged into a few ``Geom`` s (one per
texture); each car is one ``Geom`` so it can move.

Layout (metres, +Y ahead of the patient): the tower's glass face is at
y = -0.3 with its slab edges out to y = 0; the pavement runs from y = 2 to 6,
the road from 6 to 22 (two lanes each way, driving on the right), the far
pavement from 22 to 26, then the next block. The grid repeats every 80 m.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from panda3d.core import GeomNode, NodePath, RenderState, Texture, TextureAttrib

from palier.scenes.heights.batch import Batch, add_ellipsoids
from palier.scenes.heights.declaration import STOREY_M
from palier.scenes.heights.textures import (
    FACADE_STYLES,
    FACADE_TILE_M,
    GROUND_TILE_M,
    TOWER_TILE,
    facade_image,
    ground_image,
    tower_image,
)
from palier.scenes.procedural import UNTEXTURED_UV, GeomBuilder, texture_from_array

GROUND_FLOOR_Z = 0.45
"""The ground-floor slab above the street (a step up from the pavement)."""
TOWER_STOREYS = 43
TOWER_X = 15.0
TOWER_DEPTH = 20.0
COLUMN_X = 3.0  # the patient's column of the facade: no balconies below theirs
FACE_Y = -0.3
ROAD_Y0, ROAD_Y1 = 6.0, 22.0
GRID_X0 = 32.0  # a cross road runs from x = 32 to 48, and every 80 m from there
CITY_RADIUS = 440.0
PAVEMENT_Z = 0.14  # the raised pavement's top above the road
LANES_Y = (8.0, 12.0, 16.0, 20.0)  # +x, +x, -x, -x
CAR_WRAP = 420.0
Color = tuple[float, float, float, float]


def slab_z(floor: float) -> float:
    """Height above the street of a floor's slab (its walking surface)."""
    return GROUND_FLOOR_Z + floor * STOREY_M


def _tex_state(tex: Texture) -> RenderState:
    return RenderState.make(TextureAttrib.make(tex))


def _wall(
    b: Batch,
    p0: tuple[float, float],
    p1: tuple[float, float],
    z0: float,
    z1: float,
    tile: tuple[float, float],
    u0: float = 0.0,
    v0: float = 0.0,
) -> None:
    """A vertical textured quad from p0 to p1 (outside on its right, seen
    from above going p0 to p1 counter-clockwise round a footprint)."""
    u1 = u0 + math.dist(p0, p1) / tile[0]
    va, vb = v0 + z0 / tile[1], v0 + z1 / tile[1]
    corners = np.array([[*p0, z0], [*p1, z0], [*p1, z1], [*p0, z1]])
    b.quad(corners, np.array([[u0, va], [u1, va], [u1, vb], [u0, vb]]))


def _ground_uv(points: np.ndarray) -> np.ndarray:
    return np.stack(
        [(points[:, 0] - GRID_X0) / GROUND_TILE_M, (points[:, 1] - ROAD_Y0) / GROUND_TILE_M], 1
    )


def _pavement(ground: Batch, sides: Batch, x0: float, x1: float, y0: float, y1: float) -> None:
    """A raised pavement: its top painted by the ground texture (slabs,
    kerb stones), its kerb faces plain."""
    h = PAVEMENT_Z
    top = np.array([[x0, y0, h], [x1, y0, h], [x1, y1, h], [x0, y1, h]])
    ground.quad(top, _ground_uv(top))
    ring = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    kerb = (0.60, 0.59, 0.56, 1.0)
    for k in range(4):
        (ax, ay), (bx, by) = ring[k], ring[(k + 1) % 4]
        sides.quad(np.array([[ax, ay, 0.0], [bx, by, 0.0], [bx, by, h], [ax, ay, h]]), color=kerb)


def _building(
    walls: Batch,
    roofs: Batch,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    h: float,
    rng: np.random.Generator,
) -> None:
    tile = (FACADE_TILE_M, FACADE_TILE_M)
    u = float(rng.random())
    ring = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    for k in range(4):
        p0, p1 = ring[k], ring[(k + 1) % 4]
        _wall(walls, p0, p1, 0.0, h, tile, u0=u)
        u += math.dist(p0, p1) / tile[0]
    grey = 0.32 + 0.12 * float(rng.random())
    roof_col = (grey, grey, grey * 0.97, 1.0)
    roofs.quad(np.array([[x0, y0, h], [x1, y0, h], [x1, y1, h], [x0, y1, h]]), color=roof_col)
    # A parapet lip and plant on the roof: what makes a roof read as one from above.
    lip = (0.55, 0.55, 0.53, 1.0)
    roofs.span(x0, x1, y0, y0 + 0.3, h, h + 0.9, lip)
    roofs.span(x0, x1, y1 - 0.3, y1, h, h + 0.9, lip)
    roofs.span(x0, x0 + 0.3, y0, y1, h, h + 0.9, lip)
    roofs.span(x1 - 0.3, x1, y0, y1, h, h + 0.9, lip)
    for _ in range(int(rng.integers(1, 4))):
        sx, sy = float(rng.uniform(2.0, 5.0)), float(rng.uniform(2.0, 4.0))
        cx = float(rng.uniform(x0 + sx / 2 + 1, max(x0 + sx / 2 + 1.1, x1 - sx / 2 - 1)))
        cy = float(rng.uniform(y0 + sy / 2 + 1, max(y0 + sy / 2 + 1.1, y1 - sy / 2 - 1)))
        hz = float(rng.uniform(1.2, 3.0))
        g = 0.5 + 0.2 * float(rng.random())
        roofs.box((cx, cy, h + hz / 2), (sx, sy, hz), (g, g, g, 1.0))


def _block_buildings(
    walls: dict[str, Batch], roofs: Batch, i: int, j: int, rng: np.random.Generator
) -> None:
    bx0 = GRID_X0 + 16.0 + 80.0 * i + 4.0
    by0 = ROAD_Y1 + 80.0 * j + 4.0
    size = 56.0
    cx, cy = bx0 + size / 2, by0 + size / 2
    if math.hypot(cx, cy) > CITY_RADIUS:
        return
    if (i, j) == (-1, -1):  # the patient's block: the tower plus three lower neighbours
        _building(walls["concrete"], roofs, bx0, by0 + 36.0, bx0 + 11.0, 2.0, 19.5, rng)
        _building(walls["brick"], roofs, -bx0 - 11.0, by0 + 36.0, -bx0, 2.0, 25.0, rng)
        _building(walls["glass"], roofs, -20.0, by0, 20.0, by0 + 30.0, 38.0, rng)
        return
    split = int(rng.integers(1, 4))
    lots: list[tuple[float, float, float, float]]
    if split == 1:
        lots = [(bx0, by0, bx0 + size, by0 + size)]
    elif split == 2:
        m = bx0 + size * float(rng.uniform(0.35, 0.65))
        lots = [(bx0, by0, m - 1.0, by0 + size), (m + 1.0, by0, bx0 + size, by0 + size)]
    else:
        mx = bx0 + size * 0.5
        my = by0 + size * 0.5
        lots = [
            (bx0, by0, mx - 1, my - 1),
            (mx + 1, by0, bx0 + size, my - 1),
            (bx0, my + 1, mx - 1, by0 + size),
            (mx + 1, my + 1, bx0 + size, by0 + size),
        ]
    for x0, y0, x1, y1 in lots:
        r = float(rng.random())
        storeys = int(rng.integers(4, 10)) if r < 0.6 else int(rng.integers(10, 20))
        if r > 0.9:
            storeys = int(rng.integers(20, 38))
        if (i, j) == (-1, 0):  # across the street: mid-rise, not a wall
            storeys = min(storeys, 8)
        style = FACADE_STYLES[int(rng.integers(0, 3))] if storeys < 15 else "glass"
        inset = float(rng.uniform(0.0, 3.0))
        _building(
            walls[style],
            roofs,
            x0 + inset,
            y0 + inset,
            x1 - inset,
            y1 - inset,
            storeys * STOREY_M + 1.0,
            rng,
        )


def _tower(glass: Batch, solid: Batch) -> None:
    """The patient's tower: its glass faces (textured) and its slab edges,
    mullions, side balconies and roof (untextured)."""
    top = slab_z(TOWER_STOREYS)
    tile = TOWER_TILE
    v0 = -GROUND_FLOOR_Z / tile[1]
    y0, y1 = -TOWER_DEPTH, FACE_Y
    x0, x1 = -TOWER_X, TOWER_X
    _wall(glass, (x1, y1), (x0, y1), 0.0, top, tile, v0=v0)  # the front, facing +y
    _wall(glass, (x0, y1), (x0, y0), 0.0, top, tile, v0=v0)
    _wall(glass, (x1, y0), (x1, y1), 0.0, top, tile, v0=v0)
    _wall(glass, (x0, y0), (x1, y0), 0.0, top, tile, v0=v0)
    concrete = (0.80, 0.80, 0.78, 1.0)
    solid.quad(
        np.array([[x0, y0, top], [x1, y0, top], [x1, y1, top], [x0, y1, top]]), color=concrete
    )
    solid.box((0.0, FACE_Y + 0.15, top + 0.55), (2 * TOWER_X + 0.3, 0.3, 1.1), concrete)
    solid.box((0.0, -8.0, top + 1.6), (8.0, 6.0, 3.2), (0.7, 0.7, 0.68, 1.0))
    edge = (0.62, 0.63, 0.63, 1.0)
    mullion = (0.35, 0.37, 0.38, 1.0)
    railing = (0.62, 0.70, 0.72, 1.0)
    handrail = (0.3, 0.3, 0.3, 1.0)
    mullions = [k * 1.5 for k in range(-9, 10) if abs(k * 1.5) >= COLUMN_X]
    for n in range(1, TOWER_STOREYS):
        z = slab_z(n)
        solid.box((0.0, FACE_Y / 2, z - 0.15), (2 * TOWER_X + 0.2, -FACE_Y, 0.3), edge)
        for mx in mullions:
            solid.box((mx, FACE_Y + 0.05, z + 1.35), (0.06, 0.1, 2.7), mullion)
        for bx in (-9.0, 9.0):
            solid.box((bx, 0.9, z - 0.11), (4.6, 1.8, 0.22), edge)
            solid.box((bx, 1.78, z + 0.5), (4.6, 0.03, 1.0), railing)
            solid.box((bx - 2.28, 0.9, z + 0.5), (0.03, 1.8, 1.0), railing)
            solid.box((bx + 2.28, 0.9, z + 0.5), (0.03, 1.8, 1.0), railing)
            solid.box((bx, 1.78, z + 1.02), (4.65, 0.06, 0.05), handrail)
    # The entrance canopy at street level, well to the side of the patient's column.
    solid.box((-9.0, 2.0, 3.2), (6.0, 4.0, 0.25), (0.3, 0.3, 0.32, 1.0))


def _trees(
    b: GeomBuilder, trunks: Batch, spots: list[tuple[float, float, float]], rng: np.random.Generator
) -> None:
    """Street trees: a trunk and three leafy blobs each, the blobs swaying
    (vertex alpha), all instanced in one numpy pass."""
    centers, radii, colors = [], [], []
    for x, y, h in spots:
        trunks.box((x, y, h * 0.3), (0.24, 0.24, h * 0.6), (0.30, 0.24, 0.18, 1.0))
        green = np.array([0.22, 0.38, 0.16]) * float(rng.uniform(0.8, 1.15))
        for k in range(3):
            ox, oy = rng.uniform(-0.8, 0.8, 2)
            r = h * float(rng.uniform(0.22, 0.3))
            centers.append((x + ox, y + oy, h * (0.62 + 0.14 * k)))
            radii.append((r, r, r * 0.85))
            colors.append((*green * (0.9 + 0.1 * k), 0.94 - 0.02 * k))  # alpha: sway
    add_ellipsoids(b, np.array(centers), np.array(radii), np.array(colors))


def _lamp(b: Batch, x: float, y: float, facing: float) -> None:
    pole = (0.25, 0.26, 0.27, 1.0)
    b.box((x, y, 3.75), (0.12, 0.12, 7.5), pole)
    b.box((x, y + facing * 0.6, 7.5), (0.12, 1.2, 0.1), pole)
    b.box((x, y + facing * 1.1, 7.4), (0.35, 0.5, 0.12), (2.6, 2.3, 1.7, 1.0))


@dataclass(slots=True)
class Car:
    node: NodePath
    axis: int  # 0: drives along x, 1: along y
    lane: float  # the fixed coordinate
    direction: float  # +1 or -1
    speed: float  # m/s
    s0: float  # where it starts along its road


@dataclass(slots=True)
class Lane:
    """One lane's cars, which share its speed and direction: the lane's node
    carries them all (one transform a frame, :meth:`place`), and a car's own
    position changes only when it wraps round to the lane's far end."""

    node: NodePath
    axis: int
    direction: float
    speed: float
    cars: list[Car]  # by s0, ascending
    starts: list[float]  # their s0
    wrapped_from: int = -1  # cars[wrapped_from:] sit one loop back (-1: not placed yet)

    def place(self, t: float) -> None:
        """Every car where :func:`car_position` says it is at ``t``."""
        span = 2 * CAR_WRAP
        o = (self.direction * self.speed * t) % span
        self.node.setPos(o, 0.0, 0.0) if self.axis == 0 else self.node.setPos(0.0, o, 0.0)
        # A car at s0 is at s0 + o along the lane, one loop back once past the end.
        first = bisect.bisect_left(self.starts, CAR_WRAP - o)
        was = self.wrapped_from
        if first == was:
            return
        self.wrapped_from = first
        lo, hi = (0, len(self.cars)) if was < 0 else (min(first, was), max(first, was))
        for i in range(lo, hi):
            car = self.cars[i]
            along = car.s0 - span if i >= first else car.s0
            if self.axis == 0:
                car.node.setPos(along, 0.0, 0.0)
            else:
                car.node.setPos(0.0, along, 0.0)


@dataclass(slots=True)
class City:
    world: NodePath
    ground: NodePath
    static: NodePath
    sway: NodePath
    flag: NodePath
    cars: list[Car] = field(default_factory=list)
    lanes: list[Lane] = field(default_factory=list)
    textures: list[Texture] = field(default_factory=list)


CAR_COLOURS: tuple[Color, ...] = (
    (0.85, 0.85, 0.86, 1.0),
    (0.10, 0.10, 0.11, 1.0),
    (0.55, 0.56, 0.58, 1.0),
    (0.62, 0.08, 0.07, 1.0),
    (0.10, 0.20, 0.45, 1.0),
    (0.92, 0.92, 0.90, 1.0),
    (0.25, 0.28, 0.30, 1.0),
    (0.80, 0.62, 0.10, 1.0),
)


@lru_cache(maxsize=4)
def car_builder(kind: int) -> GeomBuilder:
    """A low-poly car along +x: body, cabin with dark windows, four wheels,
    head and tail lights that glow at night, a contact shadow. The body is
    white: each car's paint is its colour scale (which leaves the dark
    glass, tyres and shadow dark, and the lights' night glow as it is)."""
    paint: Color = (1.0, 1.0, 1.0, 1.0)
    b = GeomBuilder()
    length, width = ((4.3, 1.8), (3.9, 1.75), (4.7, 1.9), (5.2, 2.0))[kind % 4]
    body_h = (0.62, 0.65, 0.85, 1.05)[kind % 4]
    cabin_h = (0.55, 0.58, 0.62, 0.85)[kind % 4]
    cabin_len = (0.5, 0.55, 0.6, 0.8)[kind % 4] * length
    cabin_x = (-0.05, -0.12, -0.1, -0.05)[kind % 4] * length
    clearance = 0.28
    b.add_box((0.0, 0.0, clearance + body_h / 2), (length, width, body_h), color=paint)
    glass = (0.08, 0.10, 0.13, 1.0)
    top_z = clearance + body_h
    # Cabin: a trapezoid in side view (windscreen and rear window sloped).
    h = cabin_h
    f = cabin_x + cabin_len / 2
    r = cabin_x - cabin_len / 2
    slope = 0.45 * h
    w = width / 2 - 0.08
    pts = np.array(
        [
            [r, -w, top_z],
            [f, -w, top_z],
            [f - slope, -w + 0.1, top_z + h],
            [r + slope * 0.6, -w + 0.1, top_z + h],
            [r, w, top_z],
            [f, w, top_z],
            [f - slope, w - 0.1, top_z + h],
            [r + slope * 0.6, w - 0.1, top_z + h],
        ]
    )
    faces = ((0, 1, 2, 3), (5, 4, 7, 6), (1, 5, 6, 2), (4, 0, 3, 7))
    for face in faces:
        b.add_quad(pts[list(face)], color=glass)
    b.add_quad(pts[[3, 2, 6, 7]], color=paint)  # the roof
    wheel = (0.05, 0.05, 0.05, 1.0)
    for wx in (length * 0.33, -length * 0.33):
        for wy in (width / 2 - 0.12, -width / 2 + 0.12):
            b.add_tube(
                np.array([[wx, wy - 0.11, 0.33], [wx, wy + 0.11, 0.33]]),
                0.33,
                sides=10,
                color=wheel,
            )
    for wy in (width / 2 - 0.3, -width / 2 + 0.3):
        b.add_box(
            (length / 2 + 0.01, wy, clearance + body_h * 0.7),
            (0.04, 0.3, 0.12),
            color=(2.2, 2.2, 2.0, 1.0),
        )
        b.add_box(
            (-length / 2 - 0.01, wy, clearance + body_h * 0.7),
            (0.04, 0.3, 0.12),
            color=(1.9, 0.25, 0.2, 1.0),
        )
    b.add_quad(
        np.array(
            [
                [-length / 2 - 0.2, -width / 2 - 0.15, 0.02],
                [length / 2 + 0.2, -width / 2 - 0.15, 0.02],
                [length / 2 + 0.2, width / 2 + 0.15, 0.02],
                [-length / 2 - 0.2, width / 2 + 0.15, 0.02],
            ]
        ),
        color=(0.05, 0.05, 0.05, 1.0),
    )
    return b


def _flag_builder() -> GeomBuilder:
    """A flagpole on the far pavement, the cloth a grid whose sway grows
    from the pole to the fly end (vertex alpha; the flag node flaps)."""
    b = GeomBuilder()
    b.add_tube(
        np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 9.0]]),
        np.array([0.07, 0.04]),
        sides=6,
        color=(0.8, 0.8, 0.8, 1.0),
    )
    rows, cols = 5, 9
    uu, vv = np.meshgrid(np.linspace(0.0, 1.0, cols), np.linspace(0.0, 1.0, rows))
    pts = np.stack([0.05 + uu * 1.9, uu * 0.0, 8.9 - vv * 1.25], axis=-1)
    colour = np.empty((rows, cols, 4))
    colour[..., :3] = np.where((vv < 0.5)[..., None], [0.10, 0.25, 0.62], [0.90, 0.90, 0.88])
    colour[..., 3] = 1.0 - 0.3 * uu  # sway up to 0.6 m at the fly end
    uv = np.full((rows, cols, 2), UNTEXTURED_UV)
    b.add_grid(pts, uv, color=colour.reshape(-1, 4))
    b.add_grid(pts[:, ::-1].copy(), uv, color=colour[:, ::-1].reshape(-1, 4))
    return b


def build_city(parent: NodePath, seed: int) -> City:
    """Every static part of the city under one ``world`` node."""
    rng = np.random.default_rng(seed + 500)
    world = parent.attachNewNode("city-world")
    textures: list[Texture] = []
    ground = Batch()
    r = CITY_RADIUS + 40.0
    corners = np.array([[-r, -r, 0.0], [r, -r, 0.0], [r, r, 0.0], [-r, r, 0.0]])
    ground.quad(corners, _ground_uv(corners))
    walls = {style: Batch() for style in FACADE_STYLES}
    roofs = Batch()
    for i in range(-7, 6):
        for j in range(-7, 6):
            _block_buildings(walls, roofs, i, j, rng)
    # Raised pavements with kerbs near the tower (far away the ground's paint is enough).
    for i in range(-4, 4):
        x0 = GRID_X0 + 16.0 + 80.0 * i
        for j in range(-1, 2):
            for y0 in (ROAD_Y0 - 4.0 + 80.0 * j, ROAD_Y1 + 80.0 * j):
                _pavement(ground, roofs, x0, x0 + 64.0, y0, y0 + 4.0)
    tower_glass = Batch()
    _tower(tower_glass, roofs)
    lamps = Batch()
    spots: list[tuple[float, float, float]] = []
    for x in np.arange(-240.0, 240.0, 11.0):
        if abs(((x - GRID_X0) % GROUND_TILE_M) - 8.0) < 14.0:
            continue  # not in a junction
        if abs(x) > 4.0:  # not right under the patient's balcony
            spots.append((float(x), 4.9, float(rng.uniform(7.0, 9.5))))
        spots.append((float(x) + 5.0, 23.1, float(rng.uniform(7.0, 9.5))))
    for x in np.arange(-230.0, 230.0, 26.0):
        if abs(((x - GRID_X0) % GROUND_TILE_M) - 8.0) < 10.0:
            continue
        _lamp(lamps, float(x), 5.6, 1.0)
        _lamp(lamps, float(x) + 13.0, 22.4, -1.0)

    ground_tex = texture_from_array("heights-ground", ground_image(seed))
    textures.append(ground_tex)
    gb = GeomBuilder()
    ground.emit(gb)
    gn = GeomNode("city-ground")
    gn.addGeom(gb.geom(), _tex_state(ground_tex))
    ground_np = world.attachNewNode(gn)

    static_gn = GeomNode("city-buildings")
    for style, batch in walls.items():
        if batch.is_empty():
            continue
        tex = texture_from_array(f"heights-facade-{style}", facade_image(style, seed))
        textures.append(tex)
        wb = GeomBuilder()
        batch.emit(wb)
        static_gn.addGeom(wb.geom(), _tex_state(tex))
    tower_tex = texture_from_array("heights-tower", tower_image(seed))
    textures.append(tower_tex)
    tb = GeomBuilder()
    tower_glass.emit(tb)
    static_gn.addGeom(tb.geom(), _tex_state(tower_tex))
    sb = GeomBuilder()
    roofs.emit(sb)
    lamps.emit(sb)
    static_gn.addGeom(sb.geom())
    static = world.attachNewNode(static_gn)

    trees = GeomBuilder()
    trunks = Batch()
    _trees(trees, trunks, spots, rng)
    trunks.emit(trees)
    sway_gn = GeomNode("city-trees")
    sway_gn.addGeom(trees.geom())
    sway = world.attachNewNode(sway_gn)

    flag_gn = GeomNode("city-flag")
    flag_gn.addGeom(_flag_builder().geom())
    flag = world.attachNewNode(flag_gn)
    flag.setPos(-7.0, 24.6, 0.0)

    city = City(world, ground_np, static, sway, flag, textures=textures)
    # Cars: the tower's street (busy), the cross streets and the next street ahead.
    crng = np.random.default_rng(seed + 900)
    geoms = [car_builder(kind).geom() for kind in range(4)]
    k = 0
    lanes: list[tuple[int, float, float, int]] = [
        (0, LANES_Y[0], 1.0, 9),
        (0, LANES_Y[1], 1.0, 7),
        (0, LANES_Y[2], -1.0, 7),
        (0, LANES_Y[3], -1.0, 9),
        (1, GRID_X0 + 4.0, -1.0, 3),
        (1, GRID_X0 + 12.0, 1.0, 3),
        (1, GRID_X0 - 80.0 + 4.0, -1.0, 3),
        (1, GRID_X0 - 80.0 + 12.0, 1.0, 3),
        (0, ROAD_Y0 + 80.0 + 4.0, 1.0, 5),
        (0, ROAD_Y0 + 80.0 + 12.0, -1.0, 5),
    ]
    for axis, lane, direction, count in lanes:
        speed = float(crng.uniform(7.0, 12.0))
        lane_np = world.attachNewNode(f"lane-{len(city.lanes)}")
        # The lane's fixed coordinate on its own node; the cars move along it.
        lane_np.setPos(0.0, lane, 0.0) if axis == 0 else lane_np.setPos(lane, 0.0, 0.0)
        holder = lane_np.attachNewNode("cars")
        cars = []
        for c in range(count):
            kind = int(crng.integers(0, 4))
            gn = GeomNode(f"car-{k}")
            gn.addGeom(geoms[kind])
            node = holder.attachNewNode(gn)
            node.setColorScale(*CAR_COLOURS[int(crng.integers(0, len(CAR_COLOURS)))])
            s0 = -CAR_WRAP + (2 * CAR_WRAP) * (c + float(crng.uniform(0.0, 0.6))) / count
            heading = (0.0 if direction > 0 else 180.0) + (90.0 if axis == 1 else 0.0)
            node.setH(heading)
            cars.append(Car(node, axis, lane, direction, speed, s0))
            k += 1
        city.cars.extend(cars)
        cars.sort(key=lambda car: car.s0)
        city.lanes.append(Lane(holder, axis, direction, speed, cars, [car.s0 for car in cars]))
    return city


def car_position(car: Car, t: float) -> tuple[float, float]:
    """Where ``car`` is at ``t`` (x, y in the city's frame): the reference
    :meth:`Lane.place` follows."""
    s = (car.s0 + car.direction * car.speed * t + CAR_WRAP) % (2 * CAR_WRAP) - CAR_WRAP
    return (s, car.lane) if car.axis == 0 else (car.lane, s)
