"""The two places of the contamination scene, built once at load.

Washroom (metres; the rig origin is where the patient stands, looking +Y):
a tiled room 4.2 m wide; ahead on the left two cubicles (fronts at y = 1.1,
the left one closed with its handle toward the patient, the right one open on
a toilet against the back wall); ahead on the right a white counter with two
basins and taps under a long mirror, a wall-mounted soap dispenser between
them, a pedal bin at its end by the cubicles; on the right wall a
paper-towel dispenser.

Kitchen (a shared office kitchen): a worktop along the back wall 1.25 m
ahead with a stainless sink under a window, a sponge and a pile of dishes on
its left, a hob on its right, cupboards below and above, a fridge at the
right end and a pedal bin at the left end.

Everything the patient may touch is its own node (its residue and its
highlight are per-node shader inputs, see ``textures``) and has a contact
volume: a box in the scene root's frame, listed in :attr:`Place.boxes`.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from dataclasses import dataclass, field

import numpy as np
from panda3d.core import (
    AmbientLight,
    DirectionalLight,
    NodePath,
    PointLight,
    TextNode,
    Texture,
    TransparencyAttrib,
)

from palier.scenes.contamination.textures import scene_textures
from palier.scenes.procedural import UNTEXTURED_UV, Color, GeomBuilder, material, transform

Vec3 = tuple[float, float, float]

WHITE_CERAMIC = (0.95, 0.95, 0.94, 1.0)
CHROME = (0.80, 0.81, 0.83, 1.0)
STEEL = (0.66, 0.67, 0.69, 1.0)
CEILING_H = 2.6

# Stain tints (multiplied into a surface where it is soiled).
STAIN_FLOOR = (0.58, 0.50, 0.40)
STAIN_TOILET = (0.78, 0.70, 0.50)
STAIN_SCUM = (0.72, 0.68, 0.56)
STAIN_GREASE = (0.62, 0.46, 0.26)
STAIN_WALL = (0.70, 0.64, 0.52)


@dataclass
class Box:
    """A contact volume: centre and half extents in the scene root's frame."""

    centre: Vec3
    half: Vec3


@dataclass
class Place:
    name: str
    node: NodePath
    boxes: dict[str, Box] = field(default_factory=dict)
    """Contact volume of each declared surface found in this place."""
    parts: dict[str, NodePath] = field(default_factory=dict)
    """The node each surface's highlight and residue are set on."""
    litter: list[tuple[float, NodePath]] = field(default_factory=list)
    """Litter shown from a soiling level on (threshold, node)."""
    soap: list[NodePath] = field(default_factory=list)
    towels: list[NodePath] = field(default_factory=list)
    removed_marks: list[NodePath] = field(default_factory=list)
    out_of_order: list[NodePath] = field(default_factory=list)
    bin_lid: NodePath | None = None
    bin_lid_open: float = 0.0
    """Lid pitch (degrees) when the bin overflows."""
    overflow: NodePath | None = None
    drip_from: Vec3 = (0.0, 0.0, 0.0)
    drip_to: float = 0.0
    puddle: NodePath | None = None
    floor_puddle: NodePath | None = None
    """Water spreading on the floor below the dripping tap (an event)."""
    fly_spots: list[Vec3] = field(default_factory=list)
    person_spot: tuple[float, float, float] = (0.0, 0.0, 0.0)
    """x, y and heading of the other person."""
    focus: Vec3 = (0.0, 1.0, 1.0)
    lights: list[NodePath] = field(default_factory=list)
    speaker: NodePath | None = None
    """Where the place's ambient hum comes from."""


# -- small builders ----------------------------------------------------------------------
def _plain(b: GeomBuilder) -> GeomBuilder:
    out = GeomBuilder()
    out.merge(b, untextured=True)
    return out


def attach(
    parent: NodePath,
    name: str,
    builder: GeomBuilder,
    *,
    tex: Texture | None = None,
    soil: float = 1.0,
    stain: Vec3 | None = None,
    specular: float = 0.1,
    shininess: float = 12.0,
) -> NodePath:
    """One drawn part: its Geom, texture (or vertex colour alone), material
    and its grime inputs."""
    node = parent.attachNewNode(
        builder.node(name) if tex is not None else _plain(builder).node(name)
    )
    if tex is not None:
        node.setTexture(tex, 1)
    node.setMaterial(material((1, 1, 1, 1), specular=specular, shininess=shininess), 1)
    node.setShaderInput("u_soil", soil)
    if stain is not None:
        node.setShaderInput("u_stain", stain)
    return node


def _ring_path(cx: float, cy: float, z: float, rx: float, ry: float, n: int = 40) -> np.ndarray:
    a = np.linspace(0.0, 2.0 * math.pi, n + 1)
    return np.stack([cx + rx * np.cos(a), cy + ry * np.sin(a), np.full_like(a, z)], axis=1)


def _cylinder(
    b: GeomBuilder,
    x: float,
    y: float,
    z0: float,
    z1: float,
    r: float,
    color: Color,
    sides: int = 20,
) -> None:
    """An upright cylinder with flat ends (plates, bins, a drain)."""
    path = np.array([[x, y, z0], [x, y, z1]])
    b.add_tube(path, r, sides=sides, color=color, cap_start=False, cap_end=False)
    ang = np.linspace(0.0, 2.0 * math.pi, sides + 1)
    for z, up in ((z1, 1.0), (z0, -1.0)):
        ring = np.stack([x + r * np.cos(ang), y + r * np.sin(ang), np.full_like(ang, z)], axis=1)
        pts = np.vstack([[x, y, z], ring])
        fan = [[0, i, i + 1] if up > 0 else [0, i + 1, i] for i in range(1, sides + 1)]
        b.add_mesh(
            pts,
            np.tile([0.0, 0.0, up], (len(pts), 1)),
            np.zeros((len(pts), 2)),
            np.array(fan),
            color,
        )


@functools.cache
def _crumple_proto(k: int, color: Color) -> GeomBuilder:
    """One of three crumpled paper towels (unit radius) in ``color``, made once."""
    rng = np.random.default_rng(1330 + k)
    prof = 1.0 + 0.25 * (rng.random(7) - 0.5)
    b = GeomBuilder()
    b.add_ellipsoid(
        (0.0, 0.0, 0.0),
        (rng.uniform(0.8, 1.2), 1.0, 1.0),
        rings=6,
        segments=8,
        color=color,
        profile=prof,
    )
    return b


def _crumple(
    b: GeomBuilder,
    rng: np.random.Generator,
    centre: Vec3,
    r: float,
    color: Color,
    flat: float = 0.8,
) -> None:
    """A crumpled paper towel: a lumpy ellipsoid."""
    proto = _crumple_proto(int(rng.integers(0, 3)), color)
    hpr = (float(rng.uniform(0, 360)), float(rng.uniform(-30, 30)), 0.0)
    b.merge(proto, xform=transform(centre, hpr, (r, r, r * flat)))


def _sign(parent: NodePath, text: str, pos: Vec3, h: float, width: float = 0.28) -> NodePath:
    """A printed paper notice taped up (patient-visible, in the patient's language)."""
    node = parent.attachNewNode("sign")
    paper = GeomBuilder()
    w, ht = width, width * 0.72
    paper.add_quad(
        np.array(
            [[-w / 2, 0, -ht / 2], [w / 2, 0, -ht / 2], [w / 2, 0, ht / 2], [-w / 2, 0, ht / 2]]
        ),
        color=(0.97, 0.97, 0.95, 1.0),
    )
    tape = GeomBuilder()
    for sx in (-1, 1):
        tape.add_quad(
            np.array(
                [
                    [sx * w / 2 - 0.03, -0.001, ht / 2 - 0.012],
                    [sx * w / 2 + 0.03, -0.001, ht / 2 - 0.012],
                    [sx * w / 2 + 0.03, -0.001, ht / 2 + 0.012],
                    [sx * w / 2 - 0.03, -0.001, ht / 2 + 0.012],
                ]
            ),
            color=(0.85, 0.80, 0.55, 1.0),
        )
    paper.merge(tape)
    # Counter-clockwise seen from -Y: the notice faces whoever reads it.
    attach(node, "sign-paper", paper, soil=0.3)
    tn = TextNode("sign-text")
    tn.setText(text)
    tn.setAlign(TextNode.ACenter)
    tn.setTextColor(0.70, 0.06, 0.05, 1.0)
    label = node.attachNewNode(tn)
    label.setScale(width * 0.105)
    label.setPos(0.0, -0.003, ht * 0.12)
    label.setShaderOff(1)
    label.setLightOff(1)
    node.setPos(*pos)
    node.setH(h)
    return node


def _bag_over_tap(b: GeomBuilder, rng: np.random.Generator, centre: Vec3) -> None:
    """A black bin bag pulled over a tap and taped round its base."""
    prof = 1.0 + 0.18 * (rng.random(9) - 0.5)
    b.add_ellipsoid(
        (0.0, 0.0, 0.0),
        (0.09, 0.12, 0.13),
        rings=8,
        segments=14,
        color=(0.05, 0.05, 0.06, 1.0),
        profile=prof,
        xform=transform(centre, (0.0, 90.0, 0.0)),
    )
    x, y, z = centre
    b.add_tube(
        _ring_path(x, y + 0.02, z - 0.1, 0.05, 0.05, 16), 0.008, sides=6, color=(0.8, 0.75, 0.5, 1)
    )


def _lights(node: NodePath, lamp: Vec3, fill_hpr: Vec3) -> list[NodePath]:
    """The place's lights (the scene sets them on its root while the place shows)."""
    amb = AmbientLight(f"{node.getName()}-ambient")
    amb.setColor((0.34, 0.34, 0.35, 1.0))
    ceiling = PointLight(f"{node.getName()}-ceiling")
    ceiling.setColor((0.64, 0.64, 0.62, 1.0))
    ceiling.setAttenuation((1.0, 0.0, 0.06))
    key = DirectionalLight(f"{node.getName()}-key")
    key.setColor((0.30, 0.30, 0.31, 1.0))
    fill = DirectionalLight(f"{node.getName()}-fill")
    fill.setColor((0.16, 0.16, 0.17, 1.0))
    out = []
    for light, pos, hpr in (
        (amb, None, None),
        (ceiling, lamp, None),
        (key, None, (-30.0, -50.0, 0.0)),
        (fill, None, fill_hpr),
    ):
        np_light = node.attachNewNode(light)
        if pos is not None:
            np_light.setPos(*pos)
        if hpr is not None:
            np_light.setHpr(*hpr)
        out.append(np_light)
    return out


def _shell(
    place: NodePath,
    x0: float,
    x1: float,
    y0: float,
    y1: float,
    h: float,
    wall_tex: Texture,
    floor_tex: Texture,
    ceiling_tex: Texture,
    tile_m: float,
    floor_m: float,
) -> None:
    floor = GeomBuilder()
    floor.add_quad(
        np.array([[x0, y0, 0.0], [x1, y0, 0.0], [x1, y1, 0.0], [x0, y1, 0.0]]),
        uvs=np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]) / floor_m,
    )
    attach(place, "floor", floor, tex=floor_tex, soil=1.0, stain=STAIN_FLOOR, specular=0.25)
    walls = GeomBuilder()
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    for i in range(4):
        (ax, ay), (bx, by) = corners[i], corners[(i + 1) % 4]
        length = float(np.hypot(bx - ax, by - ay))
        walls.add_quad(
            np.array([[bx, by, 0.0], [ax, ay, 0.0], [ax, ay, h], [bx, by, h]]),
            uvs=np.array([[length, 0], [0, 0], [0, h], [length, h]]) / tile_m,
        )
    attach(
        place,
        "walls",
        walls,
        tex=wall_tex,
        soil=0.55,
        stain=STAIN_WALL,
        specular=0.35,
        shininess=30,
    )
    ceiling = GeomBuilder()
    ceiling.add_quad(
        np.array([[x0, y1, h], [x1, y1, h], [x1, y0, h], [x0, y0, h]]),
        uvs=np.array([[x0, y1], [x1, y1], [x1, y0], [x0, y0]]) / 1.2,
    )
    attach(place, "ceiling", ceiling, tex=ceiling_tex, soil=0.2)


def _light_panel(place: NodePath, x: float, y: float, h: float, sx: float, sy: float) -> None:
    panel = GeomBuilder()
    panel.add_box((x, y, h - 0.01), (sx, sy, 0.02), color=(1.0, 0.99, 0.96, 1.0))
    lamp = place.attachNewNode(_plain(panel).node("light-panel"))
    lamp.setShaderOff(1)
    lamp.setLightOff(1)
    lamp.setTextureOff(1)


def _pedal_bin(
    place: NodePath,
    spot: Vec3,
    r: float,
    h: float,
    body_color: Color,
    rng: np.random.Generator,
    overflow_color: Color,
) -> tuple[NodePath, NodePath, NodePath, Box]:
    """A pedal bin: body, pedal, a hinged lid (its own node, pitched open
    when the bin overflows) and the heap that overflows it."""
    x, y, _ = spot
    bin_np = place.attachNewNode("bin")
    body = GeomBuilder()
    _cylinder(body, x, y, 0.0, h, r, body_color, sides=24)
    body.add_box((x, y - r - 0.03, 0.03), (0.09, 0.07, 0.02), color=(0.15, 0.15, 0.15, 1.0))
    attach(bin_np, "bin-body", body, soil=1.1, stain=STAIN_FLOOR, specular=0.5, shininess=30)
    hinge = bin_np.attachNewNode("bin-hinge")
    hinge.setPos(x, y + r, h)
    lid = GeomBuilder()
    lid.add_ellipsoid(
        (0.0, -r, 0.0),
        (r * 1.02, r * 1.02, 0.035),
        rings=6,
        segments=24,
        color=body_color,
    )
    lid_np = attach(hinge, "bin-lid", lid, soil=1.2, stain=STAIN_FLOOR, specular=0.6, shininess=35)
    heap = GeomBuilder()
    for _k in range(16):
        a = rng.uniform(0, 2 * math.pi)
        rr = rng.uniform(0.0, r * 0.8)
        _crumple(
            heap,
            rng,
            (x + rr * math.cos(a), y + rr * math.sin(a), h + rng.uniform(-0.02, 0.12)),
            rng.uniform(0.035, 0.06),
            overflow_color,
        )
    for _k in range(7):  # fallen round the bin
        a = rng.uniform(0, 2 * math.pi)
        rr = rng.uniform(r + 0.05, r + 0.35)
        _crumple(
            heap,
            rng,
            (x + rr * math.cos(a), y + rr * math.sin(a), 0.025),
            0.04,
            overflow_color,
            0.6,
        )
    over = attach(place, "bin-overflow", heap, soil=1.3, stain=STAIN_FLOOR)
    over.hide()
    box = Box((x, y, h + 0.03), (r + 0.02, r + 0.02, 0.06))
    return bin_np, lid_np, over, box


def _puddle() -> GeomBuilder:
    """A flat, irregular pool of water about 1.1 x 0.7 m (scaled where used)."""
    puddle = GeomBuilder()
    ang = np.linspace(0, 2 * math.pi, 33)
    rad = 1.0 + 0.15 * np.sin(ang * 3.0) + 0.08 * np.cos(ang * 5.0)
    ring = np.stack(
        [0.55 * rad * np.cos(ang), 0.35 * rad * np.sin(ang), np.zeros_like(ang)], axis=1
    )
    pts = np.vstack([[0.0, 0.0, 0.0], ring])
    tris = np.array([[0, i, i + 1] for i in range(1, len(ang))])
    puddle.add_mesh(
        pts,
        np.tile([0, 0, 1.0], (len(pts), 1)),
        np.zeros((len(pts), 2)),
        tris,
        (0.30, 0.30, 0.28, 1.0),
    )
    return puddle


def _water(parent: NodePath, name: str, pos: Vec3, scale: float) -> NodePath:
    """A hidden pool of water (glossy, see-through) for the drip event."""
    node = attach(parent, name, _puddle(), soil=0.0, specular=1.0, shininess=90)
    node.setPos(*pos)
    node.setScale(scale)
    node.setTransparency(TransparencyAttrib.MAlpha)
    node.setDepthWrite(False)
    node.hide()
    return node


def _tap(b: GeomBuilder, x: float, y: float, z: float, reach: float = 0.14) -> None:
    """A deck-mounted mixer tap: a column, a gooseneck spout toward -Y, a lever."""
    a = np.linspace(0.0, math.pi, 10)
    arc = np.stack(
        [np.full_like(a, x), y - reach / 2 + reach / 2 * np.cos(a), z + 0.2 + 0.05 * np.sin(a)],
        axis=1,
    )
    path = np.vstack([[[x, y, z], [x, y, z + 0.2]], arc[1:]])
    b.add_tube(path, 0.013, sides=12, color=CHROME)
    _cylinder(b, x, y, z, z + 0.012, 0.03, CHROME)
    b.add_box((x, y + 0.03, z + 0.17), (0.018, 0.07, 0.014), color=CHROME)


# -- the washroom ---------------------------------------------------------------------------
W_X0, W_X1, W_Y0, W_Y1 = -1.85, 2.2, -1.0, 2.6
CUBICLES_DX = 0.45
"""The cubicle block is modelled from x = -2.3 and moved by this (its node)."""
CUBICLE_FRONT = 1.1
COUNTER_TOP = 0.86
COUNTER_Y0 = 2.05
BASINS = (0.75, 1.55)
BASIN_Y = 2.30


def _counter(rng: np.random.Generator) -> GeomBuilder:
    """The counter top as a height field with the two basins sunk into it."""
    nx, ny = 140, 34
    xs = np.linspace(0.1, W_X1, nx)
    ys = np.linspace(COUNTER_Y0, W_Y1, ny)
    gx, gy = np.meshgrid(xs, ys)
    z = np.full_like(gx, COUNTER_TOP)
    col = np.broadcast_to(np.array([0.88, 0.88, 0.87, 1.0]), (*gx.shape, 4)).copy()
    for bx in BASINS:
        r2 = ((gx - bx) / 0.21) ** 2 + ((gy - BASIN_Y) / 0.15) ** 2
        inside = r2 < 1.0
        z = np.where(inside, COUNTER_TOP - 0.13 * np.sqrt(np.clip(1.0 - r2, 0.0, 1.0)) ** 0.7, z)
        col[inside] = (0.96, 0.96, 0.95, 1.0)
        col[r2 < 0.012] = (0.35, 0.35, 0.36, 1.0)  # the drain
    pts = np.stack([gx, gy, z], axis=-1)
    b = GeomBuilder()
    # Normals up (cross of the column and row directions); ``flip`` only
    # for the winding, counter-clockwise seen from above.
    up = np.cross(np.gradient(pts, axis=1), np.gradient(pts, axis=0))
    uv = np.zeros((*gx.shape, 2)) + UNTEXTURED_UV
    b.add_grid(pts, uv, up, color=col.reshape(-1, 4), flip=True)
    # Front edge and apron, then the vanity panel down to the floor.
    b.add_box(
        ((W_X1 + 0.1) / 2, COUNTER_Y0 + 0.01, COUNTER_TOP - 0.04),
        (W_X1 - 0.1, 0.03, 0.08),
        color=(0.86, 0.86, 0.85, 1.0),
    )
    b.add_box(
        ((W_X1 + 0.1) / 2, COUNTER_Y0 + 0.03, COUNTER_TOP - 0.14),
        (W_X1 - 0.1, 0.02, 0.14),
        color=(0.80, 0.80, 0.79, 1.0),
    )
    return b


def _toilet(cx: float, back: float) -> tuple[GeomBuilder, GeomBuilder, GeomBuilder]:
    """Pan and pedestal, the seat (its own part: a contact surface), the
    raised lid."""
    cy = back - 0.36
    pan = GeomBuilder()
    pan.add_tube(
        np.array([[cx, cy + 0.06, 0.0], [cx, cy + 0.05, 0.18], [cx, cy + 0.02, 0.28]]),
        np.array([0.13, 0.11, 0.14]),
        sides=20,
        color=WHITE_CERAMIC,
        flatten=1.0,
    )
    pan.add_ellipsoid(
        (cx, cy, 0.31), (0.185, 0.24, 0.10), rings=10, segments=22, color=WHITE_CERAMIC
    )
    pan.add_box((cx, back - 0.06, 0.36), (0.30, 0.12, 0.14), color=WHITE_CERAMIC)  # to the duct
    bowl = GeomBuilder()  # the bowl's opening: shade, then water
    ang = np.linspace(0, 2 * math.pi, 25)
    for rx, ry, z, c in (
        (0.15, 0.20, 0.4105, (0.62, 0.63, 0.64, 1.0)),
        (0.085, 0.11, 0.412, (0.42, 0.47, 0.50, 1.0)),
    ):
        ring = np.stack(
            [cx + rx * np.cos(ang), cy + 0.01 + ry * np.sin(ang), np.full_like(ang, z)], axis=1
        )
        centre = np.array([[cx, cy + 0.01, z]])
        pts = np.vstack([centre, ring])
        tris = np.array([[0, i, i + 1] for i in range(1, len(ang))])
        bowl.add_mesh(pts, np.tile([0, 0, 1.0], (len(pts), 1)), np.zeros((len(pts), 2)), tris, c)
    pan.merge(bowl)
    seat = GeomBuilder()
    seat.add_tube(
        _ring_path(cx, cy, 0.418, 0.165, 0.215, 40),
        0.03,
        sides=8,
        color=(0.97, 0.97, 0.96, 1.0),
        flatten=0.35,
        cap_start=False,
        cap_end=False,
    )
    lid = GeomBuilder()
    lid.add_ellipsoid(
        (0.0, 0.0, 0.0),
        (0.19, 0.235, 0.014),
        rings=6,
        segments=20,
        color=(0.97, 0.97, 0.96, 1.0),
        xform=transform((cx, back - 0.13, 0.63), (0.0, 78.0, 0.0)),
    )
    return pan, seat, lid


def build_washroom(
    parent: NodePath, tex: dict[str, Texture], rng: np.random.Generator, lang_text: dict[str, str]
) -> Place:
    node = parent.attachNewNode("washroom")
    place = Place("washroom", node)
    _shell(
        node,
        W_X0,
        W_X1,
        W_Y0,
        W_Y1,
        CEILING_H,
        tex["wall_tiles"],
        tex["floor_tiles"],
        tex["ceiling"],
        0.6,
        0.6,
    )
    _light_panel(node, 0.6, 1.6, CEILING_H, 0.6, 0.6)
    _light_panel(node, -1.4, 0.3, CEILING_H, 0.6, 0.6)
    place.lights = _lights(node, (0.9, 1.3, 2.3), (160.0, -20.0, 0.0))

    # Cubicles: partitions (with chrome feet), fronts with doors.
    cub = node.attachNewNode("cubicles")
    cub.setX(CUBICLES_DX)
    part = GeomBuilder()
    z0, z1 = 0.15, 2.05
    for x in (-1.4, -0.5):
        part.add_box(
            (x, (CUBICLE_FRONT + W_Y1) / 2, (z0 + z1) / 2),
            (0.025, W_Y1 - CUBICLE_FRONT, z1 - z0),
        )
    feet = GeomBuilder()
    for x in (-1.4, -0.5):
        for y in (CUBICLE_FRONT + 0.05, W_Y1 - 0.1):
            _cylinder(feet, x, y, 0.0, z0, 0.015, CHROME, sides=8)
    # Front pilasters and the rail along the top.
    for xa, xb in ((-2.3, -2.2), (-1.48, -1.32), (-0.58, -0.42)):
        part.add_box(((xa + xb) / 2, CUBICLE_FRONT, (z0 + z1) / 2), (xb - xa, 0.025, z1 - z0))
    part.add_box(
        ((-2.3 - 0.42) / 2, CUBICLE_FRONT, z1 + 0.02), (2.3 - 0.42, 0.04, 0.04), color=CHROME
    )
    attach(cub, "partitions", part, tex=tex["partition"], soil=0.7, stain=STAIN_WALL, specular=0.2)
    attach(cub, "partition-feet", feet, soil=0.6, specular=0.8, shininess=50)
    # The closed door (left cubicle), its handle toward the patient, and an
    # lock indicator showing green (vacant).
    door = GeomBuilder()
    door.add_box((-1.84, CUBICLE_FRONT, (z0 + z1) / 2), (0.72, 0.03, z1 - z0 - 0.02))
    attach(
        node, "door-closed", door, tex=tex["partition"], soil=0.75, stain=STAIN_WALL, specular=0.2
    )
    handle_np = cub.attachNewNode("door-handle-part")
    handle = GeomBuilder()
    hx, hy, hz = -1.56, CUBICLE_FRONT - 0.016, 1.0
    handle.add_tube(np.array([[hx, hy, hz], [hx, hy - 0.05, hz]]), 0.009, sides=10, color=CHROME)
    handle.add_tube(
        np.array([[hx, hy - 0.05, hz], [hx - 0.12, hy - 0.05, hz]]), 0.011, sides=10, color=CHROME
    )
    handle.add_box((hx - 0.01, hy, hz), (0.05, 0.008, 0.07), color=CHROME)
    handle.add_box((hx, hy, hz + 0.1), (0.04, 0.008, 0.03), color=(0.2, 0.6, 0.25, 1.0))
    attach(
        handle_np, "door-handle", handle, soil=1.0, stain=STAIN_FLOOR, specular=0.9, shininess=60
    )
    place.parts["door_handle"] = handle_np
    place.boxes["door_handle"] = Box((hx - 0.06 + CUBICLES_DX, hy - 0.04, hz), (0.08, 0.05, 0.04))
    # The open door of the right cubicle, swung in against its right partition.
    open_door = GeomBuilder()
    open_door.add_box((-0.36, 0.0, (z0 + z1) / 2), (0.72, 0.03, z1 - z0 - 0.02))
    od = attach(
        node,
        "door-open",
        open_door,
        tex=tex["partition"],
        soil=0.75,
        stain=STAIN_WALL,
        specular=0.2,
    )
    od.setPos(-0.6, CUBICLE_FRONT, 0.0)
    od.setH(-98.0)

    # The toilet in the open cubicle, a boxed duct with the flush plate, the roll.
    duct = GeomBuilder()
    duct.add_box((-0.95, W_Y1 - 0.075, 0.52), (0.88, 0.15, 1.04), uv_scale=1.0 / 0.6)
    attach(
        node,
        "duct",
        duct,
        tex=tex["wall_tiles"],
        soil=0.7,
        stain=STAIN_WALL,
        specular=0.35,
        shininess=30,
    )
    toilet_np = cub.attachNewNode("toilet")
    pan, seat, lid = _toilet(-0.95, W_Y1 - 0.15)
    attach(toilet_np, "toilet-pan", pan, soil=1.25, stain=STAIN_TOILET, specular=0.6, shininess=40)
    attach(toilet_np, "toilet-lid", lid, soil=0.9, stain=STAIN_TOILET, specular=0.5, shininess=30)
    seat_np = attach(
        toilet_np, "toilet-seat", seat, soil=1.2, stain=STAIN_TOILET, specular=0.5, shininess=30
    )
    place.parts["toilet_seat"] = toilet_np
    cy = W_Y1 - 0.15 - 0.36
    place.boxes["toilet_seat"] = Box((-0.95 + CUBICLES_DX, cy, 0.43), (0.2, 0.25, 0.035))
    del seat_np
    flush_np = cub.attachNewNode("flush")
    flush = GeomBuilder()
    fy = W_Y1 - 0.15 - 0.006
    flush.add_box((-0.95, fy, 0.9), (0.22, 0.012, 0.15), color=CHROME)
    flush.add_box((-1.0, fy - 0.008, 0.9), (0.08, 0.01, 0.1), color=(0.9, 0.9, 0.9, 1))
    flush.add_box((-0.9, fy - 0.008, 0.9), (0.08, 0.01, 0.1), color=(0.9, 0.9, 0.9, 1))
    attach(flush_np, "flush-plate", flush, soil=1.0, stain=STAIN_FLOOR, specular=0.8, shininess=50)
    place.parts["flush_button"] = flush_np
    place.boxes["flush_button"] = Box((-0.95 + CUBICLES_DX, fy - 0.02, 0.9), (0.12, 0.03, 0.08))
    roll = GeomBuilder()
    roll.add_tube(
        np.array([[-0.56, 2.05, 0.72], [-0.68, 2.05, 0.72]]),
        0.055,
        sides=16,
        color=(0.97, 0.97, 0.95, 1.0),
    )
    roll.add_box((-0.52, 2.05, 0.76), (0.02, 0.14, 0.02), color=CHROME)
    attach(cub, "toilet-roll", roll, soil=0.8, stain=STAIN_FLOOR)

    # The counter, basins, taps and mirror.
    attach(node, "counter", _counter(rng), soil=0.95, stain=STAIN_SCUM, specular=0.45, shininess=35)
    mirror = GeomBuilder()
    my = W_Y1 - 0.012
    mirror.add_quad(
        np.array([[0.15, my, 1.12], [2.15, my, 1.12], [2.15, my, 1.95], [0.15, my, 1.95]]),
        uvs=np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]),
    )
    attach(
        node,
        "mirror",
        mirror,
        tex=tex["mirror"],
        soil=0.6,
        stain=STAIN_SCUM,
        specular=0.35,
        shininess=120,
    )
    frame = GeomBuilder()
    frame.add_box((1.15, my, 1.11), (2.02, 0.02, 0.02), color=CHROME)
    attach(node, "mirror-frame", frame, soil=0.5, specular=0.8, shininess=50)
    taps_np = node.attachNewNode("taps")
    tap_a = GeomBuilder()
    _tap(tap_a, BASINS[0], W_Y1 - 0.09, COUNTER_TOP)
    tap_b = GeomBuilder()
    _tap(tap_b, BASINS[1], W_Y1 - 0.09, COUNTER_TOP)
    basin_np = node.attachNewNode("basin-near")
    attach(basin_np, "tap-near", tap_a, soil=1.0, stain=STAIN_SCUM, specular=0.9, shininess=60)
    attach(taps_np, "tap-far", tap_b, soil=1.0, stain=STAIN_SCUM, specular=0.9, shininess=60)
    place.parts["tap"] = basin_np
    place.boxes["tap"] = Box((BASINS[0], W_Y1 - 0.14, COUNTER_TOP + 0.16), (0.05, 0.1, 0.1))
    place.drip_from = (BASINS[0], W_Y1 - 0.09 - 0.14, COUNTER_TOP + 0.19)
    place.drip_to = COUNTER_TOP - 0.11
    # Soap dispenser between the basins (wall-mounted), and the mark it leaves.
    sx, sz = 1.15, 1.0
    soap_np = node.attachNewNode("soap")
    soap = GeomBuilder()
    soap.add_box((sx, W_Y1 - 0.045, sz), (0.11, 0.07, 0.18), color=(0.93, 0.93, 0.92, 1.0))
    soap.add_box((sx, W_Y1 - 0.082, sz + 0.02), (0.05, 0.006, 0.07), color=(0.55, 0.75, 0.85, 1.0))
    soap.add_box((sx, W_Y1 - 0.07, sz - 0.1), (0.06, 0.04, 0.025), color=(0.75, 0.76, 0.78, 1.0))
    attach(soap_np, "soap-dispenser", soap, soil=0.9, stain=STAIN_SCUM, specular=0.4, shininess=30)
    place.soap.append(soap_np)
    place.parts["soap_dispenser"] = soap_np
    place.boxes["soap_dispenser"] = Box((sx, W_Y1 - 0.06, sz - 0.02), (0.07, 0.06, 0.11))
    mark = GeomBuilder()
    mark.add_box((sx, W_Y1 - 0.004, sz), (0.11, 0.006, 0.18), color=(0.97, 0.97, 0.96, 1.0))
    for dz in (-0.06, 0.06):
        mark.add_box((sx, W_Y1 - 0.008, sz + dz), (0.01, 0.004, 0.01), color=(0.3, 0.3, 0.3, 1.0))
    gone = attach(node, "soap-removed", mark, soil=0.5)
    gone.hide()
    place.removed_marks.append(gone)

    # Paper-towel dispenser on the right wall; the towel's tongue shows while stocked.
    tx, ty, tz = W_X1 - 0.07, 1.65, 1.42
    towel_np = node.attachNewNode("towel-dispenser")
    disp = GeomBuilder()
    disp.add_box((tx, ty, tz), (0.13, 0.30, 0.38), color=(0.92, 0.92, 0.91, 1.0))
    disp.add_box((tx - 0.066, ty, tz + 0.08), (0.004, 0.16, 0.08), color=(0.3, 0.35, 0.4, 1.0))
    attach(towel_np, "towel-box", disp, soil=0.8, stain=STAIN_WALL, specular=0.4, shininess=30)
    tongue = GeomBuilder()
    tongue.add_box((tx - 0.02, ty, tz - 0.24), (0.012, 0.22, 0.12), color=(0.96, 0.95, 0.92, 1.0))
    tongue_np = attach(towel_np, "towel-tongue", tongue, soil=0.4)
    place.towels.append(tongue_np)
    place.parts["towel_dispenser"] = towel_np
    place.boxes["towel_dispenser"] = Box((tx - 0.02, ty, tz - 0.1), (0.07, 0.16, 0.22))

    # Pedal bin at the counter's end, by the cubicles.
    bin_np, lid_np, over, box = _pedal_bin(
        node, (0.42, 1.72, 0.0), 0.17, 0.46, STEEL, rng, (0.92, 0.90, 0.84, 1.0)
    )
    place.parts["bin_lid"] = bin_np
    place.boxes["bin_lid"] = box
    place.bin_lid = lid_np.getParent()
    place.bin_lid_open = 38.0
    place.overflow = over

    # Out of order: both taps bagged, a notice on the mirror above each basin.
    ooo = node.attachNewNode("out-of-order")
    bags = GeomBuilder()
    for bx in BASINS:
        _bag_over_tap(bags, rng, (bx, W_Y1 - 0.14, COUNTER_TOP + 0.15))
    attach(ooo, "tap-bags", bags, soil=0.3, specular=0.5, shininess=25)
    for bx in BASINS:
        _sign(ooo, lang_text["out_of_order"], (bx, my - 0.004, 1.52), 0.0)
    ooo.hide()
    place.out_of_order.append(ooo)

    # Litter by soiling level.
    paper = (0.93, 0.92, 0.88, 1.0)
    l1 = GeomBuilder()
    for p in ((1.2, 1.1, 0.02), (1.35, 0.85, 0.02), (0.6, 1.6, 0.02)):
        _crumple(l1, rng, p, 0.035, paper, 0.6)
    l2 = GeomBuilder()
    strip = np.array(
        [[-0.9, 1.85, 0.003], [-0.8, 1.5, 0.003], [-0.7, 1.25, 0.003], [-0.35, 0.95, 0.003]]
    )
    for a, b_ in itertools.pairwise(strip):
        d = b_ - a
        n = np.array([-d[1], d[0], 0.0]) / np.linalg.norm(d) * 0.05
        l2.add_quad(np.array([a - n, b_ - n, b_ + n, a + n]), color=paper)
    for p in ((-0.2, 1.4, 0.02), (0.25, 0.9, 0.02), (1.0, 0.5, 0.02), (-1.1, 1.9, 0.02)):
        _crumple(l2, rng, p, 0.04, paper, 0.5)
    l3 = GeomBuilder()
    for _k in range(10):
        _crumple(
            l3,
            rng,
            (float(rng.uniform(-1.2, 1.5)), float(rng.uniform(0.5, 2.0)), 0.02),
            0.035,
            (0.85, 0.82, 0.74, 1.0),
            0.5,
        )
    puddle = _puddle()
    wet = attach(node, "puddle-litter", puddle, soil=0.0, specular=1.0, shininess=90)
    wet.setPos(0.55, 1.55, 0.002)
    wet.setTransparency(TransparencyAttrib.MAlpha)
    wet.setAlphaScale(0.45)
    wet.setDepthWrite(False)
    for level, b_ in ((0.3, l1), (0.55, l2), (0.8, l3)):
        litter = attach(node, f"litter-{level}", b_, soil=1.2, stain=STAIN_FLOOR)
        litter.hide()
        place.litter.append((level, litter))
    wet.hide()
    place.litter.append((0.6, wet))
    # The drip's pool: water standing in the (blocked) basin, rising.
    drip_pool = attach(node, "drip-pool", puddle, soil=0.0, specular=1.0, shininess=90)
    drip_pool.setPos(BASINS[0], BASIN_Y, COUNTER_TOP - 0.1)
    drip_pool.setScale(0.3)
    drip_pool.setTransparency(TransparencyAttrib.MAlpha)
    drip_pool.setDepthWrite(False)
    drip_pool.hide()
    place.puddle = drip_pool
    place.floor_puddle = _water(node, "drip-floor", (BASINS[0], 1.75, 0.003), 1.0)

    place.fly_spots = [(0.42, 1.72, 0.75), (-0.5, 2.2, 0.7), (0.75, 2.25, 1.05)]
    place.person_spot = (1.55, 1.70, 0.0)
    place.focus = (0.35, 1.9, 0.85)
    place.speaker = node.attachNewNode("extractor")
    place.speaker.setPos(-0.4, 1.0, 2.5)
    return place


# -- the kitchen -----------------------------------------------------------------------------
K_X0, K_X1, K_Y0, K_Y1 = -2.3, 2.4, -1.0, 1.25
K_H = 2.5
WORKTOP = 0.90
WT_Y0 = 0.64
SINK_X = 0.0


def build_kitchen(
    parent: NodePath, tex: dict[str, Texture], rng: np.random.Generator, lang_text: dict[str, str]
) -> Place:
    node = parent.attachNewNode("kitchen")
    place = Place("kitchen", node)
    _shell(
        node,
        K_X0,
        K_X1,
        K_Y0,
        K_Y1,
        K_H,
        tex["ceiling"],
        tex["kitchen_floor"],
        tex["ceiling"],
        1.2,
        0.6,
    )
    _light_panel(node, 0.0, 0.4, K_H, 1.2, 0.3)
    place.lights = _lights(node, (0.0, 0.4, 2.25), (150.0, -20.0, 0.0))
    # Splashback tiles and the window over the sink.
    splash = GeomBuilder()
    sy = K_Y1 - 0.004
    splash.add_quad(
        np.array([[-1.6, sy, WORKTOP], [1.6, sy, WORKTOP], [1.6, sy, 1.45], [-1.6, sy, 1.45]]),
        uvs=np.array([[0.0, 0.0], [3.2, 0.0], [3.2, 0.55], [0.0, 0.55]]) / 0.6,
    )
    attach(
        node,
        "splashback",
        splash,
        tex=tex["metro_tiles"],
        soil=0.8,
        stain=STAIN_GREASE,
        specular=0.4,
        shininess=30,
    )
    glass = GeomBuilder()
    gy = K_Y1 - 0.006
    glass.add_quad(
        np.array([[-0.45, gy, 1.5], [0.45, gy, 1.5], [0.45, gy, 2.1], [-0.45, gy, 2.1]]),
        color=(0.80, 0.86, 0.92, 1.0),
    )
    win = node.attachNewNode(_plain(glass).node("window"))
    win.setShaderOff(1)
    win.setLightOff(1)
    win.setTextureOff(1)
    frame = GeomBuilder()
    for x in (-0.47, 0.0, 0.47):
        frame.add_box((x, gy - 0.02, 1.8), (0.04, 0.04, 0.64), color=(0.95, 0.95, 0.94, 1.0))
    for z in (1.48, 2.12):
        frame.add_box((0.0, gy - 0.02, z), (0.98, 0.04, 0.04), color=(0.95, 0.95, 0.94, 1.0))
    frame.add_box((0.0, gy - 0.06, 1.465), (1.02, 0.1, 0.03), color=(0.95, 0.95, 0.94, 1.0))
    attach(node, "window-frame", frame, soil=0.6, stain=STAIN_GREASE)

    # Worktop in four pieces round the sink, with its front edge.
    top = GeomBuilder()
    d = K_Y1 - WT_Y0
    top.add_box(
        ((-1.6 - 0.3) / 2, WT_Y0 + d / 2, WORKTOP - 0.02), (1.3, d, 0.04), uv_scale=1.0 / 1.2
    )
    top.add_box(
        ((1.6 + 0.3) / 2, WT_Y0 + d / 2, WORKTOP - 0.02), (1.3, d, 0.04), uv_scale=1.0 / 1.2
    )
    top.add_box((SINK_X, WT_Y0 + 0.05, WORKTOP - 0.02), (0.6, 0.1, 0.04), uv_scale=1.0 / 1.2)
    top.add_box((SINK_X, K_Y1 - 0.06, WORKTOP - 0.02), (0.6, 0.12, 0.04), uv_scale=1.0 / 1.2)
    worktop_np = node.attachNewNode("worktop")
    attach(
        worktop_np,
        "worktop-top",
        top,
        tex=tex["worktop"],
        soil=1.0,
        stain=STAIN_GREASE,
        specular=0.3,
        shininess=25,
    )
    place.parts["worktop"] = worktop_np
    # The free stretch of worktop left of the dishes (the boxes never overlap).
    place.boxes["worktop"] = Box((-1.27, WT_Y0 + d / 2, WORKTOP + 0.01), (0.27, d / 2, 0.025))
    # The stainless sink: inward walls and a bottom, a rim, the drain. The
    # walls stand a little inside the worktop's cut and the rim lies over the
    # joint: walls in the cut's planes z-fought its end faces, and which won
    # changed with the draw order (the highlight's state changes it).
    sink = GeomBuilder()
    cx0, cx1, cy0, cy1 = SINK_X - 0.3, SINK_X + 0.3, WT_Y0 + 0.1, K_Y1 - 0.12
    inset, over, rim_h = 0.006, 0.02, 0.004
    sx0, sx1, sy0, sy1, sz = cx0 + inset, cx1 - inset, cy0 + inset, cy1 - inset, WORKTOP - 0.19
    c = STEEL
    rim_w = inset + over
    rim_z = WORKTOP + rim_h / 2
    for x in (cx0 - over + rim_w / 2, cx1 + over - rim_w / 2):
        sink.add_box((x, (cy0 + cy1) / 2, rim_z), (rim_w, cy1 - cy0 + 2 * over, rim_h), color=c)
    for y in (cy0 - over + rim_w / 2, cy1 + over - rim_w / 2):
        sink.add_box((SINK_X, y, rim_z), (cx1 - cx0 - 2 * inset, rim_w, rim_h), color=c)
    sink.add_quad(
        np.array([[sx0, sy0, sz], [sx1, sy0, sz], [sx1, sy1, sz], [sx0, sy1, sz]]), color=c
    )
    sink.add_quad(
        np.array([[sx0, sy0, sz], [sx0, sy1, sz], [sx0, sy1, WORKTOP], [sx0, sy0, WORKTOP]]),
        color=c,
    )
    sink.add_quad(
        np.array([[sx1, sy1, sz], [sx1, sy0, sz], [sx1, sy0, WORKTOP], [sx1, sy1, WORKTOP]]),
        color=c,
    )
    sink.add_quad(
        np.array([[sx1, sy0, sz], [sx0, sy0, sz], [sx0, sy0, WORKTOP], [sx1, sy0, WORKTOP]]),
        color=c,
    )
    sink.add_quad(
        np.array([[sx0, sy1, sz], [sx1, sy1, sz], [sx1, sy1, WORKTOP], [sx0, sy1, WORKTOP]]),
        color=c,
    )
    _cylinder(sink, SINK_X, (sy0 + sy1) / 2, sz, sz + 0.003, 0.04, (0.25, 0.25, 0.26, 1.0))
    sink_np = node.attachNewNode("sink")
    attach(sink_np, "sink-basin", sink, soil=1.1, stain=STAIN_GREASE, specular=0.8, shininess=45)
    tap = GeomBuilder()
    _tap(tap, SINK_X, K_Y1 - 0.06, WORKTOP, reach=0.22)
    attach(sink_np, "kitchen-tap", tap, soil=1.0, stain=STAIN_SCUM, specular=0.9, shininess=60)
    place.parts["kitchen_tap"] = sink_np
    place.boxes["kitchen_tap"] = Box((SINK_X, K_Y1 - 0.15, WORKTOP + 0.17), (0.05, 0.13, 0.1))
    place.drip_from = (SINK_X, K_Y1 - 0.06 - 0.22, WORKTOP + 0.19)
    place.drip_to = sz + 0.005
    # Sponge on the worktop's front left of the sink.
    sponge_np = node.attachNewNode("sponge")
    sp = GeomBuilder()
    spx, spy = -0.42, WT_Y0 + 0.16
    sp.add_box((spx, spy, WORKTOP + 0.016), (0.10, 0.065, 0.032), color=(0.95, 0.80, 0.25, 1.0))
    sp.add_box((spx, spy, WORKTOP + 0.038), (0.10, 0.065, 0.012), color=(0.15, 0.45, 0.22, 1.0))
    attach(sponge_np, "sponge-body", sp, soil=1.4, stain=STAIN_GREASE, specular=0.05, shininess=5)
    place.parts["sponge"] = sponge_np
    place.boxes["sponge"] = Box((spx, spy, WORKTOP + 0.025), (0.07, 0.05, 0.04))
    # Dishes: a stack of plates, a mug, a bowl.
    dishes_np = node.attachNewNode("dishes")
    dish = GeomBuilder()
    px, py = -0.78, 0.97
    for k in range(5):
        _cylinder(
            dish,
            px,
            py,
            WORKTOP + 0.015 * k,
            WORKTOP + 0.015 * k + 0.012,
            0.13 - 0.004 * (k % 2),
            WHITE_CERAMIC,
            sides=24,
        )
    dish.add_tube(
        np.array([[px + 0.22, py - 0.05, WORKTOP], [px + 0.22, py - 0.05, WORKTOP + 0.1]]),
        0.04,
        sides=16,
        color=(0.25, 0.45, 0.65, 1.0),
    )
    dish.add_ellipsoid(
        (px - 0.05, py - 0.2, WORKTOP + 0.04),
        (0.08, 0.08, 0.045),
        rings=6,
        segments=16,
        color=WHITE_CERAMIC,
    )
    attach(
        dishes_np, "dishes-stack", dish, soil=1.3, stain=STAIN_GREASE, specular=0.5, shininess=35
    )
    place.parts["dishes"] = dishes_np
    place.boxes["dishes"] = Box((px, py - 0.07, WORKTOP + 0.05), (0.16, 0.2, 0.06))
    # Washing-up liquid and the tea towel on the oven rail: the "soap" and "towels".
    soap_np = node.attachNewNode("washing-up-liquid")
    bottle = GeomBuilder()
    bottle.add_tube(
        np.array(
            [[0.38, 1.12, WORKTOP], [0.38, 1.12, WORKTOP + 0.19], [0.38, 1.12, WORKTOP + 0.23]]
        ),
        np.array([0.035, 0.035, 0.012]),
        sides=14,
        color=(0.35, 0.75, 0.30, 1.0),
    )
    attach(soap_np, "bottle", bottle, soil=0.8, stain=STAIN_GREASE, specular=0.6, shininess=40)
    place.soap.append(soap_np)
    ring = GeomBuilder()
    ring.add_tube(
        _ring_path(0.38, 1.12, WORKTOP + 0.001, 0.04, 0.04, 20),
        0.004,
        sides=4,
        color=(0.50, 0.62, 0.35, 1.0),
        cap_start=False,
        cap_end=False,
    )
    gone = attach(node, "bottle-ring", ring, soil=0.5)
    gone.hide()
    place.removed_marks.append(gone)
    towel = GeomBuilder()
    towel.add_box((0.62, WT_Y0 - 0.04, 0.62), (0.26, 0.01, 0.38), color=(0.82, 0.30, 0.28, 1.0))
    towel.add_box((0.62, WT_Y0 - 0.04, 0.64), (0.26, 0.012, 0.03), color=(0.95, 0.93, 0.90, 1.0))
    place.towels.append(attach(node, "tea-towel", towel, soil=0.9, stain=STAIN_GREASE))
    rail = GeomBuilder()
    rail.add_tube(
        np.array([[0.45, WT_Y0 - 0.03, 0.82], [0.8, WT_Y0 - 0.03, 0.82]]), 0.008, color=CHROME
    )
    attach(node, "towel-rail", rail, soil=0.5, specular=0.8, shininess=50)
    # Hob and kettle.
    hob = GeomBuilder()
    hx0, hx1, hy0, hy1, hz = 0.66, 1.24, 0.70, 1.20, WORKTOP + 0.008
    hob.add_quad(
        np.array([[hx0, hy0, hz], [hx1, hy0, hz], [hx1, hy1, hz], [hx0, hy1, hz]]),
        uvs=np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]),
    )
    attach(
        node, "hob", hob, tex=tex["hob"], soil=1.0, stain=STAIN_GREASE, specular=0.9, shininess=70
    )
    kettle = GeomBuilder()
    kettle.add_tube(
        np.array(
            [[1.42, 1.08, WORKTOP], [1.42, 1.08, WORKTOP + 0.12], [1.42, 1.08, WORKTOP + 0.2]]
        ),
        np.array([0.085, 0.08, 0.05]),
        sides=16,
        color=(0.85, 0.86, 0.87, 1.0),
    )
    kettle.add_tube(
        np.array(
            [
                [1.42, 1.16, WORKTOP + 0.08],
                [1.42, 1.2, WORKTOP + 0.16],
                [1.42, 1.13, WORKTOP + 0.22],
            ]
        ),
        0.012,
        sides=8,
        color=(0.12, 0.12, 0.12, 1.0),
    )
    attach(node, "kettle", kettle, soil=0.8, stain=STAIN_GREASE, specular=0.8, shininess=50)
    # Cupboards: base units, doors, bar handles; wall units either side of the window.
    units = GeomBuilder()
    units.add_box(
        (0.0, WT_Y0 + 0.02 + (K_Y1 - WT_Y0) / 2, 0.05),
        (3.2, K_Y1 - WT_Y0 - 0.05, 0.1),
        color=(0.22, 0.22, 0.23, 1.0),
    )
    handles = GeomBuilder()
    for k in range(5):
        x = -1.6 + 0.32 + k * 0.64
        units.add_box((x, WT_Y0 + 0.02, 0.49), (0.63, 0.03, 0.76), color=(0.86, 0.84, 0.78, 1.0))
        handles.add_box((x, WT_Y0 - 0.005, 0.80), (0.16, 0.02, 0.015), color=CHROME)
    for x0, x1 in ((-1.6, -0.55), (0.55, 1.6)):
        for k in range(2):
            w = (x1 - x0) / 2
            x = x0 + w / 2 + k * w
            units.add_box(
                (x, K_Y1 - 0.17, 1.82), (w - 0.01, 0.33, 0.7), color=(0.86, 0.84, 0.78, 1.0)
            )
            handles.add_box(
                (x + (w / 2 - 0.06) * (1 if k == 0 else -1), K_Y1 - 0.345, 1.56),
                (0.015, 0.02, 0.14),
                color=CHROME,
            )
    attach(node, "units", units, soil=0.7, stain=STAIN_GREASE, specular=0.2)
    attach(node, "unit-handles", handles, soil=0.9, stain=STAIN_GREASE, specular=0.8, shininess=50)
    # Fridge with its handle (the kitchen's door handle).
    fridge = GeomBuilder()
    fridge.add_box((2.0, 0.95, 0.93), (0.64, 0.6, 1.86), color=(0.93, 0.93, 0.92, 1.0))
    fridge.add_box((2.0, 0.645, 1.2), (0.62, 0.01, 0.005), color=(0.6, 0.6, 0.6, 1.0))
    attach(node, "fridge", fridge, soil=0.7, stain=STAIN_GREASE, specular=0.4, shininess=30)
    fh_np = node.attachNewNode("fridge-handle")
    fh = GeomBuilder()
    fh.add_tube(np.array([[1.74, 0.61, 1.35], [1.74, 0.61, 1.75]]), 0.012, sides=10, color=CHROME)
    fh.add_tube(np.array([[1.74, 0.61, 0.55], [1.74, 0.61, 1.05]]), 0.012, sides=10, color=CHROME)
    attach(fh_np, "fridge-handle-bar", fh, soil=1.0, stain=STAIN_GREASE, specular=0.9, shininess=60)
    place.parts["fridge_handle"] = fh_np
    place.boxes["fridge_handle"] = Box((1.74, 0.6, 1.1), (0.04, 0.04, 0.6))
    # Pedal bin at the worktop's left end.
    bin_np, lid_np, over, box = _pedal_bin(
        node, (-1.95, 0.95, 0.0), 0.16, 0.5, (0.90, 0.90, 0.90, 1.0), rng, (0.80, 0.72, 0.55, 1.0)
    )
    place.parts["kitchen_bin_lid"] = bin_np
    place.boxes["kitchen_bin_lid"] = box
    place.bin_lid = lid_np.getParent()
    place.bin_lid_open = 38.0
    place.overflow = over
    # Out of order: the tap bagged, a notice on the window.
    ooo = node.attachNewNode("out-of-order")
    bags = GeomBuilder()
    _bag_over_tap(bags, rng, (SINK_X, K_Y1 - 0.14, WORKTOP + 0.16))
    attach(ooo, "tap-bag", bags, soil=0.3, specular=0.5, shininess=25)
    _sign(ooo, lang_text["out_of_order"], (SINK_X, gy - 0.01, 1.3), 0.0)
    ooo.hide()
    place.out_of_order.append(ooo)
    # Litter: crumbs and a tea bag, then food left out and spills, then the bin.
    l1 = GeomBuilder()
    for _k in range(40):
        x = float(rng.uniform(-1.5, -0.35))
        y = float(rng.uniform(WT_Y0 + 0.05, K_Y1 - 0.05))
        l1.add_box((x, y, WORKTOP + 0.003), (0.008, 0.006, 0.005), color=(0.55, 0.40, 0.22, 1.0))
    l1.add_ellipsoid(
        (SINK_X + 0.1, 0.9, WORKTOP - 0.18),
        (0.03, 0.025, 0.008),
        rings=4,
        segments=8,
        color=(0.40, 0.26, 0.14, 1.0),
    )
    l2 = GeomBuilder()
    for p in ((-1.2, 1.0), (-1.35, 0.8), (1.3, 0.8)):
        l2.add_box((p[0], p[1], WORKTOP + 0.06), (0.14, 0.09, 0.12), color=(0.85, 0.80, 0.65, 1.0))
    l2.add_ellipsoid(
        (-0.1, 0.85, WORKTOP - 0.17),
        (0.12, 0.12, 0.02),
        rings=4,
        segments=14,
        color=(0.55, 0.45, 0.30, 1.0),
    )  # old food in the sink
    for k in range(3):
        _cylinder(
            l2,
            SINK_X - 0.05 + 0.02 * k,
            0.95,
            WORKTOP - 0.19 + 0.015 * k,
            WORKTOP - 0.18 + 0.015 * k,
            0.12,
            (0.92, 0.90, 0.86, 1.0),
        )
    l3 = GeomBuilder()
    for _k in range(6):
        _crumple(
            l3,
            rng,
            (float(rng.uniform(-2.1, -1.0)), float(rng.uniform(0.3, 1.0)), 0.02),
            0.04,
            (0.78, 0.70, 0.55, 1.0),
            0.5,
        )
    l3.add_tube(
        np.array(
            [
                [-1.0, 0.95, WORKTOP + 0.01],
                [-1.08, 0.9, WORKTOP + 0.02],
                [-1.18, 0.93, WORKTOP + 0.01],
            ]
        ),
        0.018,
        sides=8,
        color=(0.45, 0.35, 0.12, 1.0),
    )  # a blackened banana skin
    for level, b_ in ((0.3, l1), (0.55, l2), (0.8, l3)):
        litter = attach(node, f"litter-{level}", b_, soil=1.3, stain=STAIN_GREASE)
        litter.hide()
        place.litter.append((level, litter))
    pool = GeomBuilder()
    pool.add_quad(
        np.array(
            [
                [sx0 + 0.02, sy0 + 0.02, sz + 0.004],
                [sx1 - 0.02, sy0 + 0.02, sz + 0.004],
                [sx1 - 0.02, sy1 - 0.02, sz + 0.004],
                [sx0 + 0.02, sy1 - 0.02, sz + 0.004],
            ]
        ),
        color=(0.35, 0.40, 0.45, 1.0),
    )
    drip_pool = attach(node, "drip-pool", pool, soil=0.0, specular=1.0, shininess=90)
    drip_pool.setTransparency(TransparencyAttrib.MAlpha)
    drip_pool.setDepthWrite(False)
    drip_pool.hide()
    place.puddle = drip_pool
    place.floor_puddle = _water(node, "drip-floor", (SINK_X + 0.1, 0.3, 0.003), 1.0)

    place.fly_spots = [(-1.95, 0.95, 0.8), (-0.78, 0.95, 1.05), (SINK_X, 0.95, 1.0)]
    place.person_spot = (-1.30, 0.25, 0.0)
    place.focus = (0.1, 1.2, 1.15)
    place.speaker = node.attachNewNode("fridge-hum")
    place.speaker.setPos(2.0, 0.95, 1.0)
    return place


# -- built once, copied into each scene ---------------------------------------------------------
@functools.lru_cache(maxsize=2)
def templates(seed: int, out_of_order: str) -> dict[str, Place]:
    """Both places, built once per seed and notice text (its language) in a
    graph of their own; :func:`instantiate` copies one into a scene. The
    copies share the ``Geom``s and textures, so a second load is a copy of a
    few hundred nodes instead of building them again."""
    tex = scene_textures(seed)
    holder = NodePath("contamination-templates")
    rng = np.random.default_rng(seed + 1320)
    text = {"out_of_order": out_of_order}
    return {
        "washroom": build_washroom(holder, tex, rng, text),
        "kitchen": build_kitchen(holder, tex, rng, text),
    }


def instantiate(template: Place, parent: NodePath) -> Place:
    """A copy of ``template``'s nodes under ``parent``, and its record
    pointing at the copies (found by their child indices)."""
    copy = template.node.copyTo(parent)

    def mapped(node: NodePath) -> NodePath:
        path = []
        while node != template.node:
            up = node.getParent()
            path.append(up.node().findChild(node.node()))
            node = up
        out = copy
        for index in reversed(path):
            out = out.getChild(index)
        return out

    def maybe(node: NodePath | None) -> NodePath | None:
        return None if node is None else mapped(node)

    return dataclasses.replace(
        template,
        node=copy,
        boxes=dict(template.boxes),
        parts={k: mapped(v) for k, v in template.parts.items()},
        litter=[(level, mapped(n)) for level, n in template.litter],
        soap=[mapped(n) for n in template.soap],
        towels=[mapped(n) for n in template.towels],
        removed_marks=[mapped(n) for n in template.removed_marks],
        out_of_order=[mapped(n) for n in template.out_of_order],
        bin_lid=maybe(template.bin_lid),
        overflow=maybe(template.overflow),
        puddle=maybe(template.puddle),
        floor_puddle=maybe(template.floor_puddle),
        lights=[mapped(n) for n in template.lights],
        speaker=maybe(template.speaker),
    )
