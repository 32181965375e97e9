"""The two rooms of the public speaking scene, their furniture and props.

Layout (metres; the rig origin is where the patient stands, looking +Y at
the audience): the lectern is just ahead of the patient, the projection
screen with a slide on the front wall behind and to the left, the audience
in five rows of ten seats facing the patient (seat ``i`` of
:func:`seats` is filled when the audience is larger than ``i``: front row
first, middle first), a door in the right-hand wall the walker leaves by.

* Meeting room: 8 m wide, flat, 2.8 m ceiling, a long table in front of each
  row, windows on the left wall, ceiling panels.
* Lecture hall: 12 m wide, 4.2 m ceiling, rows rising 0.32 m each behind
  continuous desks (so the back rows look down on the speaker), more seats
  than the audience fills, a door at the front right.

Each room is one node of a few merged meshes (floor, walls, furniture: a
handful of draw calls whatever the seat count); the props (lectern, camera,
countdown displays, stage light) are shared by both rooms.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

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
    GeomBuilder,
    fractal_noise,
    material,
    texture_from_array,
    transform,
    value_noise,
)

Seat = tuple[float, float, float]
ROWS = 5
PER_ROW = 10
SEAT_PITCH = 0.62  # metres between neighbouring seats
SEAT_HEIGHT = 0.46
FILL_ORDER = (4, 5, 3, 6, 2, 7, 1, 8, 0, 9)  # columns, middle first
LECTERN_Y = 0.48  # the lectern's back edge, in front of the patient
SCREEN = (-3.3, -1.0, 0.9)  # x, y, z of the screen's lower-left corner (meeting room)


@dataclass(frozen=True, slots=True)
class Layout:
    """One room's dimensions and where its people sit."""

    name: str
    half_width: float
    back: float  # back wall's y
    front: float  # front wall's y (behind the patient)
    ceiling: float
    first_row: float  # y of the front row's seats
    row_pitch: float
    rise: float  # floor rise per row
    door: tuple[float, float]  # (y of the door's middle, x of the wall it is in)
    aisle_x: float  # the walkway down the right side

    def row_floor(self, row: int) -> float:
        return self.rise * row

    def seats(self) -> list[Seat]:
        """Every audience seat in filling order: (x, y, floor z) of the floor
        under the sitter's hips; people face -Y."""
        out: list[Seat] = []
        for row in range(ROWS):
            y = self.first_row + row * self.row_pitch
            for col in FILL_ORDER:
                out.append(((col - (PER_ROW - 1) / 2) * SEAT_PITCH, y, self.row_floor(row)))
        return out

    def back_clock(self) -> tuple[float, float, float]:
        """Where the countdown clock hangs on the back wall (its middle)."""
        top = self.row_floor(ROWS - 1) + 2.05
        return 0.0, self.back - 0.03, min(self.ceiling - 0.4, top)


MEETING = Layout(
    name="meeting_room",
    half_width=4.0,
    back=8.6,
    front=-1.7,
    ceiling=2.8,
    first_row=2.3,
    row_pitch=1.3,
    rise=0.0,
    door=(7.4, 4.0),
    aisle_x=3.55,
)
HALL = Layout(
    name="lecture_hall",
    half_width=6.0,
    back=9.4,
    front=-2.2,
    ceiling=4.4,
    first_row=2.9,
    row_pitch=1.15,
    rise=0.32,
    door=(1.2, 6.0),
    aisle_x=4.3,
)
LAYOUTS = {MEETING.name: MEETING, HALL.name: HALL}


@dataclass
class RoomNodes:
    node: NodePath
    layout: Layout


@dataclass
class Props:
    """The parts of the scene the parameters show, hide and move."""

    lectern: NodePath
    lectern_top: float
    screen: NodePath
    camera: NodePath
    camera_light: NodePath
    stage_lamp: NodePath
    light_pool: NodePath
    clocks: list[NodePath] = field(default_factory=list)  # lectern display, back clock
    digits: list[list[list[NodePath]]] = field(default_factory=list)  # clock, place, value
    colons: list[NodePath] = field(default_factory=list)


def _state(tex: Texture) -> RenderState:
    return RenderState.make(TextureAttrib.make(tex))


def _plain() -> RenderState:
    return RenderState.make(TextureAttrib.makeAllOff())


@functools.lru_cache(maxsize=2)
def textures(seed: int) -> tuple[Texture, ...]:
    """Carpet, wall, wood, the slide and the countdown's digits, made once
    per seed and reused by every build."""
    rng = np.random.default_rng(seed + 303)
    n = fractal_noise(256, 256, (16, 16), rng, octaves=3)
    fleck = value_noise(256, 256, (128, 128), rng)
    carpet = np.array([0.30, 0.33, 0.38])[None, None, :] * (0.85 + 0.2 * n + 0.1 * fleck)[..., None]
    wall_n = fractal_noise(256, 256, (8, 8), rng, octaves=3)
    wall = np.array([0.83, 0.81, 0.77])[None, None, :] * (0.96 + 0.05 * wall_n)[..., None]
    grain = fractal_noise(256, 256, (2, 40), rng, octaves=3)
    wood = np.array([0.55, 0.38, 0.23])[None, None, :] * (0.82 + 0.25 * grain)[..., None]
    return (
        texture_from_array("speaking-carpet", carpet),
        texture_from_array("speaking-wall", wall),
        texture_from_array("speaking-wood", wood),
        texture_from_array("speaking-slide", slide_image(), mipmap=True, repeat=False),
        texture_from_array("speaking-digits", digit_atlas(), repeat=False),
    )


def slide_image(width: int = 512, height: int = 288) -> np.ndarray:
    """A plain presentation slide: title bar, bullet lines, a bar chart."""
    img = np.ones((height, width, 3)) * np.array([0.97, 0.97, 0.96])
    img[:52] = (0.16, 0.30, 0.52)
    img[20:34, 28:300] = (0.92, 0.94, 0.98)  # the title, as a bar of text
    rng = np.random.default_rng(7)
    for i in range(5):
        y = 84 + i * 36
        img[y : y + 10, 30:40] = (0.16, 0.30, 0.52)
        img[y : y + 10, 52 : 52 + int(rng.integers(120, 230))] = (0.35, 0.35, 0.38)
    base = 250
    for i, v in enumerate((0.35, 0.55, 0.8, 0.62)):
        x = 330 + i * 42
        img[int(base - 170 * v) : base, x : x + 28] = (
            (0.85, 0.45, 0.18) if i == 2 else (0.4, 0.55, 0.7)
        )
    img[base : base + 3, 320:500] = (0.3, 0.3, 0.3)
    return img


SEGMENTS = {
    "0": "abcdef",
    "1": "bc",
    "2": "abdeg",
    "3": "abcdg",
    "4": "bcfg",
    "5": "acdfg",
    "6": "acdefg",
    "7": "abc",
    "8": "abcdefg",
    "9": "abcdfg",
}


def digit_atlas(cell_w: int = 48, cell_h: int = 80) -> np.ndarray:
    """Seven-segment digits 0-9 side by side, light on transparent (RGBA)."""
    img = np.zeros((cell_h, cell_w * 10, 4))
    t = 8  # segment thickness
    m = 6  # margin
    boxes = {
        "a": (m, m + t, cell_w - m - t, t),
        "d": (cell_h - m - t, m + t, cell_w - m - t, t),
        "g": (cell_h // 2 - t // 2, m + t, cell_w - m - t, t),
        "f": (m + t, m, t, cell_h // 2 - t // 2),
        "b": (m + t, cell_w - m - t, t, cell_h // 2 - t // 2),
        "e": (cell_h // 2 + t // 2, m, t, cell_h - m - t),
        "c": (cell_h // 2 + t // 2, cell_w - m - t, t, cell_h - m - t),
    }
    for d, segs in SEGMENTS.items():
        x0 = int(d) * cell_w
        for s in segs:
            top, left, w_or_right, bottom_or_h = boxes[s]
            if s in "adg":
                img[top : top + bottom_or_h, x0 + left : x0 + w_or_right] = (1, 1, 1, 1)
            else:
                img[top:bottom_or_h, x0 + left : x0 + left + w_or_right] = (1, 1, 1, 1)
    return img


# -- furniture ----------------------------------------------------------------------------
def _chair(b: GeomBuilder, x: float, y: float, z: float, seat: tuple[float, ...]) -> None:
    """A stacking chair facing -Y: frame, seat, backrest."""
    frame = (0.15, 0.15, 0.16, 1.0)
    col = (seat[0], seat[1], seat[2], 1.0)
    b.add_box((x, y, z + SEAT_HEIGHT - 0.03), (0.46, 0.44, 0.05), color=col)
    b.add_box((x, y + 0.23, z + SEAT_HEIGHT + 0.24), (0.44, 0.04, 0.36), color=col)
    for sx in (-0.2, 0.2):
        for sy in (-0.19, 0.2):
            b.add_box(
                (x + sx, y + sy, z + (SEAT_HEIGHT - 0.05) / 2),
                (0.025, 0.025, SEAT_HEIGHT - 0.05),
                color=frame,
            )
        b.add_box((x + sx, y + 0.215, z + SEAT_HEIGHT + 0.1), (0.025, 0.025, 0.3), color=frame)


def _structure(layout: Layout, b_floor: GeomBuilder, b_wall: GeomBuilder) -> None:
    w, y0, y1, h = layout.half_width, layout.front, layout.back, layout.ceiling
    # Floor: flat in front; in a hall each row from the second stands on
    # a platform one step higher, the last reaching the back wall.
    front_edge = layout.first_row - 0.85 + layout.row_pitch if layout.rise else y1
    b_floor.add_quad(
        np.array([[-w, y0, 0.0], [w, y0, 0.0], [w, front_edge, 0.0], [-w, front_edge, 0.0]]),
        uvs=np.array([[-w, y0], [w, y0], [w, front_edge], [-w, front_edge]]) / 1.2,
    )
    if layout.rise:
        for row in range(1, ROWS):
            ya = layout.first_row + row * layout.row_pitch - 0.85
            yb = y1 if row == ROWS - 1 else ya + layout.row_pitch
            z = layout.row_floor(row)
            b_floor.add_box((0.0, (ya + yb) / 2, z / 2), (2 * w, yb - ya, z), uv_scale=0.8)
    walls = [((-w, y0), (w, y0)), ((w, y0), (w, y1)), ((w, y1), (-w, y1)), ((-w, y1), (-w, y0))]
    for (ax, ay), (bx, by) in walls:
        length = math.hypot(bx - ax, by - ay)
        b_wall.add_quad(
            np.array([[bx, by, 0.0], [ax, ay, 0.0], [ax, ay, h], [bx, by, h]]),
            uvs=np.array([[length, 0], [0, 0], [0, h], [length, h]]) / 2.0,
        )
    b_wall.add_quad(
        np.array([[-w, y1, h], [w, y1, h], [w, y0, h], [-w, y0, h]]),
        uvs=np.array([[-w, y1], [w, y1], [w, y0], [-w, y0]]) / 2.0,
    )


def build_room(parent: NodePath, layout: Layout, seed: int) -> RoomNodes:
    """One room: structure, seats, tables or desks, door, windows, lights' fixtures."""
    tex_carpet, tex_wall, tex_wood, tex_slide, _ = textures(seed)
    node = parent.attachNewNode(f"room-{layout.name}")
    floor, walls, wood, plain, glow = (GeomBuilder() for _ in range(5))
    _structure(layout, floor, walls)
    w, h = layout.half_width, layout.ceiling
    hall = layout.rise > 0.0
    seat_col = (0.42, 0.10, 0.12) if hall else (0.20, 0.24, 0.32)
    # Seats: the audience's fifty, and in a hall empty ones out to the walls.
    cols = range(-7, PER_ROW + 7) if hall else range(PER_ROW)
    for row in range(ROWS):
        y = layout.first_row + row * layout.row_pitch
        z = layout.row_floor(row)
        for col in cols:
            x = (col - (PER_ROW - 1) / 2) * SEAT_PITCH
            if abs(x) > layout.aisle_x - 0.45 and (x > 0 or abs(x) > w - 0.5):
                continue
            _chair(plain, x, y, z, seat_col)
        # A table (meeting room) or a continuous desk (hall) in front of the row.
        ty = y - 0.62
        half = (layout.aisle_x - 0.5) if not hall else (layout.aisle_x - 0.45)
        left = -half if not hall else -(w - 0.35)
        top = z + 0.74
        wood.add_box(((left + half) / 2, ty, top - 0.02), (half - left, 0.5, 0.04), uv_scale=0.7)
        if hall:  # a modesty panel down to the row's floor
            plain.add_box(
                ((left + half) / 2, ty - 0.23, z + 0.37),
                (half - left, 0.03, 0.74),
                color=(0.50, 0.36, 0.24, 1.0),
            )
        else:
            for lx in np.arange(left + 0.1, half, 1.6):
                for ly in (ty - 0.2, ty + 0.2):
                    plain.add_box(
                        (float(lx), ly, top / 2), (0.04, 0.04, top), color=(0.6, 0.6, 0.62, 1.0)
                    )
    # The door in the right-hand wall, its frame and handle.
    dy, dx = layout.door
    wood.add_box((dx - 0.02, dy, 1.03), (0.04, 0.95, 2.06), uv_scale=0.5)
    for sy in (-0.5, 0.5):
        plain.add_box((dx - 0.03, dy + sy, 1.06), (0.05, 0.07, 2.14), color=(0.9, 0.9, 0.88, 1))
    plain.add_box((dx - 0.03, dy, 2.16), (0.05, 1.07, 0.07), color=(0.9, 0.9, 0.88, 1))
    plain.add_box((dx - 0.07, dy - 0.36, 1.0), (0.06, 0.14, 0.03), color=(0.75, 0.75, 0.72, 1))
    glow.add_quad(  # the green exit sign over it
        np.array(
            [
                [dx - 0.01, dy + 0.2, 2.3],
                [dx - 0.01, dy - 0.2, 2.3],
                [dx - 0.01, dy - 0.2, 2.45],
                [dx - 0.01, dy + 0.2, 2.45],
            ]
        ),
        color=(0.15, 0.85, 0.35, 1.0),
    )
    # Skirting round the walls.
    for x, y, sx, sy in ((0, layout.back, 2 * w, 0.02), (w, 0, 0.02, 0), (-w, 0, 0.02, 0)):
        if sy == 0:
            plain.add_box(
                (x, (layout.front + layout.back) / 2, 0.05),
                (0.03, layout.back - layout.front, 0.1),
                color=(0.3, 0.3, 0.3, 1),
            )
        else:
            plain.add_box(
                (x, y, 0.05 + layout.row_floor(ROWS - 1)), (sx, 0.03, 0.1), color=(0.3, 0.3, 0.3, 1)
            )
    # Ceiling lights: panels in a grid.
    for lx in np.linspace(-w + 1.5, w - 1.5, 3 if not hall else 4):
        for ly in np.arange(layout.front + 1.5, layout.back - 0.5, 2.4):
            glow.add_box(
                (float(lx), float(ly), h - 0.01), (0.6, 0.6, 0.02), color=(1.0, 0.98, 0.93, 1.0)
            )
    if not hall:  # windows along the left wall: daylight through them
        for wy in (1.0, 3.6, 6.2):
            glow.add_quad(
                np.array(
                    [
                        [-w + 0.01, wy + 0.9, 0.9],
                        [-w + 0.01, wy - 0.9, 0.9],
                        [-w + 0.01, wy - 0.9, 2.3],
                        [-w + 0.01, wy + 0.9, 2.3],
                    ]
                ),
                color=(0.80, 0.87, 0.95, 1.0),
            )
            for yy in (wy - 0.92, wy, wy + 0.92):
                plain.add_box((-w + 0.03, yy, 1.6), (0.05, 0.05, 1.45), color=(0.92, 0.92, 0.9, 1))
            for zz in (0.88, 2.32):
                plain.add_box((-w + 0.03, wy, zz), (0.05, 1.9, 0.05), color=(0.92, 0.92, 0.9, 1))
    else:  # wood panelling along the lower walls
        for sx in (-1, 1):
            wood.add_box(
                (sx * (w - 0.01), (layout.front + layout.back) / 2, 0.6),
                (0.02, layout.back - layout.front, 1.2),
                uv_scale=0.5,
            )
    gn = GeomNode(f"room-{layout.name}-geometry")
    gn.addGeom(floor.geom(), _state(tex_carpet))
    gn.addGeom(walls.geom(), _state(tex_wall))
    gn.addGeom(wood.geom(), _state(tex_wood))
    gn.addGeom(plain.geom(), _plain())
    geo = node.attachNewNode(gn)
    geo.setMaterial(material((1, 1, 1, 1), specular=0.06, shininess=12.0), 1)
    lamps = node.attachNewNode(glow.node(f"room-{layout.name}-lamps"))
    lamps.setLightOff(1)
    lamps.setShaderOff(1)
    lamps.setTextureOff(1)
    lamps.setTwoSided(True)
    del tex_slide
    return RoomNodes(node, layout)


# -- props ----------------------------------------------------------------------------------
def _display(
    parent: NodePath, name: str, tex: Texture, width: float
) -> tuple[NodePath, list[list[NodePath]], NodePath]:
    """A countdown display (MM:SS) whose face looks down its local -Y, toward
    the patient: four digit places of ten pre-built cards each (one shown at
    a time: no geometry is made on a frame), a colon and a dark case."""
    node = parent.attachNewNode(name)
    case = GeomBuilder()
    case.add_box((0.0, 0.0, 0.0), (width * 1.08, 0.04, width * 0.42), color=(0.05, 0.05, 0.06, 1))
    node.attachNewNode(case.node(f"{name}-case"))
    cw = width / 4.6
    ch = cw * 80 / 48
    places: list[list[NodePath]] = []
    xs = (-1.75 * cw, -0.75 * cw, 0.75 * cw, 1.75 * cw)
    for p, x in enumerate(xs):
        cards = []
        for d in range(10):
            q = GeomBuilder()
            u0, u1 = d / 10, (d + 1) / 10
            q.add_quad(
                np.array(
                    [
                        [x + cw / 2, -0.021, -ch / 2],
                        [x - cw / 2, -0.021, -ch / 2],
                        [x - cw / 2, -0.021, ch / 2],
                        [x + cw / 2, -0.021, ch / 2],
                    ]
                ),
                uvs=np.array([[u1, 0.0], [u0, 0.0], [u0, 1.0], [u1, 1.0]]),
            )
            card = node.attachNewNode(q.node(f"{name}-{p}-{d}"))
            card.setTexture(tex)
            card.hide()
            cards.append(card)
        places.append(cards)
    colon = GeomBuilder()
    for z in (-ch * 0.2, ch * 0.2):
        colon.add_box((0.0, -0.022, z), (cw * 0.14, 0.002, cw * 0.14))
    colon_np = node.attachNewNode(colon.node(f"{name}-colon"))
    node.setLightOff(1)
    node.setShaderOff(1)
    node.setTwoSided(True)
    node.setTransparency(TransparencyAttrib.MAlpha)
    return node, places, colon_np


def build_props(parent: NodePath, seed: int, eye_height: float) -> Props:
    tex_carpet, tex_wall, tex_wood, tex_slide, tex_digits = textures(seed)
    del tex_carpet, tex_wall
    # Lectern: a sloped top at a reading height for this patient.
    top = max(0.72, min(1.25, eye_height - 0.42))
    lect = GeomBuilder()
    lect.add_box((0.0, LECTERN_Y + 0.2, (top - 0.05) / 2), (0.62, 0.4, top - 0.05), uv_scale=0.8)
    lect.add_box(
        (0.0, 0.0, 0.0),
        (0.68, 0.48, 0.04),
        uv_scale=0.8,
        xform=transform((0.0, LECTERN_Y + 0.22, top - 0.02), (0.0, -12.0, 0.0)),
    )
    lect.add_box(
        (0.0, LECTERN_Y + 0.02, top + 0.0), (0.6, 0.02, 0.05), color=(0.35, 0.25, 0.16, 1.0)
    )
    lectern = parent.attachNewNode("lectern")
    gn = GeomNode("lectern-geometry")
    gn.addGeom(lect.geom(), _state(tex_wood))
    papers = GeomBuilder()  # the speaker's notes on the top
    papers.add_box(
        (0.0, 0.0, 0.0),
        (0.21, 0.29, 0.003),
        color=(0.95, 0.95, 0.93, 1.0),
        xform=transform((-0.14, LECTERN_Y + 0.24, top + 0.004), (8.0, -12.0, 0.0)),
    )
    gn.addGeom(papers.geom(), _plain())
    lectern.attachNewNode(gn)
    # Screen with the slide: on the front wall behind the patient, to the left.
    sx, sy, sz = SCREEN
    scr = GeomBuilder()
    scr.add_quad(
        np.array([[sx, sy, sz], [sx + 2.2, sy, sz], [sx + 2.2, sy, sz + 1.24], [sx, sy, sz + 1.24]])
    )
    screen = parent.attachNewNode(scr.node("screen-slide"))
    screen.setTexture(tex_slide)
    screen.setLightOff(1)
    screen.setShaderOff(1)
    screen.setTwoSided(True)
    frame = GeomBuilder()
    frame.add_box((sx + 1.1, sy - 0.02, sz + 0.62), (2.3, 0.02, 1.34), color=(0.1, 0.1, 0.1, 1))
    screen.attachNewNode(frame.node("screen-frame"))
    # Video camera on a tripod in the left aisle, aimed at the patient.
    cam = GeomBuilder()
    dark = (0.08, 0.08, 0.09, 1.0)
    for a in (0.0, 120.0, 240.0):
        r = math.radians(a)
        foot = np.array([0.35 * math.cos(r), 0.35 * math.sin(r), 0.0])
        cam.add_tube(np.array([foot, [0.0, 0.0, 1.32]]), 0.012, sides=5, color=dark)
    cam.add_box((0.0, 0.0, 1.34), (0.12, 0.12, 0.05), color=dark)
    cam.add_box((0.0, 0.0, 1.46), (0.13, 0.26, 0.16), color=(0.12, 0.12, 0.13, 1.0))
    cam.add_tube(
        np.array([[0.0, -0.13, 1.46], [0.0, -0.24, 1.46]]),
        0.045,
        sides=12,
        color=(0.04, 0.04, 0.05, 1.0),
    )
    cam.add_ellipsoid(
        (0.0, -0.245, 1.46),
        (0.033, 0.004, 0.033),
        rings=3,
        segments=10,
        color=(0.15, 0.2, 0.3, 1.0),
    )
    camera = parent.attachNewNode(cam.node("video-camera"))
    red = GeomBuilder()
    red.add_ellipsoid(
        (0.045, -0.135, 1.52),
        (0.012, 0.012, 0.012),
        rings=4,
        segments=8,
        color=(1.0, 0.05, 0.03, 1.0),
    )
    camera_light = camera.attachNewNode(red.node("recording-light"))
    camera_light.setLightOff(1)
    camera_light.setShaderOff(1)
    # Stage light: a lamp high in front of the patient, and its glare.
    lamp = GeomBuilder()
    lamp.add_tube(
        np.array([[0.0, 0.0, 0.0], [0.0, -0.3, -0.12]]), 0.13, sides=14, color=(0.1, 0.1, 0.1, 1.0)
    )
    stage_lamp = parent.attachNewNode("stage-lamp")
    housing = stage_lamp.attachNewNode(lamp.node("stage-lamp-housing"))
    del housing
    glare = GeomBuilder()
    glare.add_ellipsoid(
        (0.0, -0.31, -0.125),
        (0.11, 0.01, 0.11),
        rings=4,
        segments=14,
        color=(1.0, 0.97, 0.88, 1.0),
        xform=transform((0, 0, 0), (0.0, -22.0, 0.0)),
    )
    lens = stage_lamp.attachNewNode(glare.node("stage-lamp-lens"))
    lens.setLightOff(1)
    lens.setShaderOff(1)
    halo = _halo(0.9)
    halo_np = stage_lamp.attachNewNode(halo)
    halo_np.setPos(0.0, -0.35, -0.13)
    halo_np.setBillboardPointEye()
    halo_np.setLightOff(1)
    halo_np.setShaderOff(1)
    halo_np.setTransparency(TransparencyAttrib.MAlpha)
    halo_np.setDepthWrite(False)
    halo_np.setBin("fixed", 10)
    pool = parent.attachNewNode(_pool(1.6))
    pool.setPos(0.0, 0.2, 0.004)
    pool.setLightOff(1)
    pool.setShaderOff(1)
    pool.setTransparency(TransparencyAttrib.MAlpha)
    pool.setDepthWrite(False)
    pool.setBin("transparent", 0)
    props = Props(lectern, top, screen, camera, camera_light, stage_lamp, pool)
    for name, width in (("lectern-countdown", 0.2), ("back-countdown", 0.9)):
        node, places, colon = _display(parent, name, tex_digits, width)
        props.clocks.append(node)
        props.digits.append(places)
        props.colons.append(colon)
    # The lectern's display lies on its top, tilted toward the patient.
    props.clocks[0].setPosHpr(0.16, LECTERN_Y + 0.16, top + 0.07, 0.0, -55.0, 0.0)
    return props


def _radial(size: int, power: float) -> np.ndarray:
    y, x = np.mgrid[0:size, 0:size]
    r = np.hypot(x - (size - 1) / 2, y - (size - 1) / 2) / (size / 2)
    result: np.ndarray = np.clip(1.0 - r, 0.0, 1.0) ** power
    return result


@functools.lru_cache(maxsize=1)
def _glow_texture() -> Texture:
    img = np.ones((64, 64, 4))
    img[..., 3] = _radial(64, 2.2)
    return texture_from_array("speaking-glow", img, repeat=False)


def _halo(size: float) -> GeomNode:
    b = GeomBuilder()
    s = size / 2
    b.add_quad(
        np.array([[-s, 0, -s], [s, 0, -s], [s, 0, s], [-s, 0, s]]), color=(1.0, 0.95, 0.85, 0.9)
    )
    node = b.node("stage-lamp-halo")
    node.setGeomState(0, RenderState.make(TextureAttrib.make(_glow_texture())))
    return node


def _pool(size: float) -> GeomNode:
    b = GeomBuilder()
    s = size / 2
    b.add_quad(
        np.array([[-s, -s, 0], [s, -s, 0], [s, s, 0], [-s, s, 0]]), color=(1.0, 0.96, 0.86, 0.55)
    )
    node = b.node("light-pool")
    node.setGeomState(0, RenderState.make(TextureAttrib.make(_glow_texture())))
    return node
