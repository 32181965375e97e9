"""Where the patient stands: the flat's front room, its window wall with a
sliding door, the balcony (decking, its glass-floor panel, plants, a table),
the four railings, the plank and the flower box that can fall.

All of it is built once and moves with the patient's place, not with the
floor (``scene``): z = 0 is the floor the patient stands on, the tower's
glass face is at y = -0.3 and the balcony's front railing at y = 1.85.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from panda3d.core import GeomNode, NodePath, RenderState, Texture, TextureAttrib, TransparencyAttrib

from palier.scenes.heights.batch import Batch
from palier.scenes.heights.city import FACE_Y
from palier.scenes.heights.textures import deck_image
from palier.scenes.procedural import GeomBuilder, texture_from_array

HALF_W = 2.6  # the balcony and the room are 5.2 m wide
RAIL_Y = 1.85
EDGE_Y = 1.93
ROOM_DEPTH = 5.0
ROOM_H = 2.7
PANEL = (-0.6, 0.6, 0.55, 1.78)  # x0, x1, y0, y1 of the glass-floor panel
RAIL_HEIGHT = {"solid": 1.0, "low": 0.85, "glass": 1.02}
PLANTER_X = 0.8
DOOR = (-0.9, 0.9)  # the sliding door's opening
DOOR_SLIDE = 1.6  # how far it slides to the left when open
PLANK = (-0.17, 0.17, 1.1, 4.75)  # x0, x1, y0, y1

Color = tuple[float, float, float, float]
CONCRETE: Color = (0.84, 0.83, 0.80, 1.0)
STEEL: Color = (0.22, 0.23, 0.24, 1.0)
GLASS: Color = (0.70, 0.82, 0.86, 1.0)
GLASS_ALPHA = 0.18


@dataclass(slots=True)
class Home:
    root: NodePath
    door: NodePath
    railings: NodePath  # pivot at the railing's foot: the creak shudders it
    rail_solid: NodePath
    rail_low: NodePath
    rail_gate: NodePath
    rail_glass: NodePath
    plank: NodePath
    panel_deck: NodePath
    panel_glass: NodePath
    planter: NodePath
    plants: NodePath
    creak_point: NodePath
    textures: list[Texture]


class _Parts(GeomBuilder):
    """A ``GeomBuilder`` whose boxes wait in a :class:`Batch` (one numpy
    pass for all of them when the node is made)."""

    def __init__(self) -> None:
        super().__init__()
        self.batch = Batch()


def _node(parent: NodePath, name: str, b: _Parts, state: RenderState | None = None) -> NodePath:
    b.batch.emit(b, uv_scale=1.0)
    b.batch = Batch()
    gn = GeomNode(name)
    gn.addGeom(b.geom(), state or RenderState.makeEmpty())
    return parent.attachNewNode(gn)


def _box(
    b: _Parts, x0: float, x1: float, y0: float, y1: float, z0: float, z1: float, color: Color
) -> None:
    """A box from its extents; UVs in metres (the decking texture's scale)."""
    b.batch.span(x0, x1, y0, y1, z0, z1, color)


def _glass_node(parent: NodePath, name: str, b: _Parts, alpha: float = GLASS_ALPHA) -> NodePath:
    node = _node(parent, name, b)
    node.setTransparency(TransparencyAttrib.MAlpha)
    node.setAlphaScale(alpha)
    node.setDepthWrite(False)
    node.setTwoSided(True)
    node.setBin("transparent", 10)
    return node


def _plant(b: _Parts, x: float, y: float, rng: np.random.Generator) -> None:
    pot = (0.62, 0.33, 0.20, 1.0)
    b.add_tube(np.array([[x, y, 0.0], [x, y, 0.48]]), np.array([0.17, 0.23]), sides=12, color=pot)
    b.add_tube(np.array([[x, y, 0.44], [x, y, 0.5]]), 0.245, sides=12, color=pot)
    soil = (0.20, 0.14, 0.10, 1.0)
    b.add_tube(np.array([[x, y, 0.46], [x, y, 0.47]]), 0.22, sides=12, color=soil)
    b.add_tube(np.array([[x, y, 0.46], [x, y, 0.9]]), 0.025, sides=5, color=(0.35, 0.27, 0.18, 1.0))
    for k in range(9):
        ang = k * 2.4
        r = 0.10 + 0.1 * (k % 3)
        z = 0.75 + 0.08 * k
        green = (0.18 + 0.05 * (k % 2), 0.40 + 0.04 * (k % 3), 0.16, 0.88 - 0.006 * k)
        b.add_ellipsoid(
            (x + r * np.cos(ang), y + r * np.sin(ang), z),
            (0.2, 0.24, 0.16),
            rings=5,
            segments=7,
            color=green,
        )
    _ = rng


def _planter(parent: NodePath) -> NodePath:
    b = _Parts()
    _box(b, -0.3, 0.3, -0.1, 0.1, 0.0, 0.17, (0.28, 0.30, 0.29, 1.0))
    _box(b, -0.31, 0.31, -0.11, 0.11, 0.15, 0.175, (0.22, 0.24, 0.23, 1.0))
    _box(b, -0.28, 0.28, -0.08, 0.08, 0.16, 0.175, (0.22, 0.15, 0.10, 1.0))
    for k in range(8):
        x = -0.24 + 0.068 * k
        b.add_ellipsoid(
            (x, 0.0, 0.24), (0.07, 0.06, 0.07), rings=4, segments=6, color=(0.2, 0.42, 0.15, 0.93)
        )
        b.add_ellipsoid(
            (x + 0.02, 0.02 * (k % 2), 0.31),
            (0.04, 0.04, 0.035),
            rings=4,
            segments=6,
            color=(0.86, 0.10 + 0.08 * (k % 3), 0.18, 0.92),
        )
    return _node(parent, "flower-box", b)


def build_home(parent: NodePath, seed: int) -> Home:
    root = parent.attachNewNode("patient-place")
    rng = np.random.default_rng(seed + 77)
    deck_tex = texture_from_array("heights-deck", deck_image(seed))
    deck_state = RenderState.make(TextureAttrib.make(deck_tex))

    # The room behind the window: floor, ceiling, walls, curtains, a plant.
    room = _Parts()
    wall: Color = (0.90, 0.88, 0.84, 1.0)
    y_back = FACE_Y - ROOM_DEPTH
    room.add_quad(
        np.array(
            [
                [-HALF_W, y_back, ROOM_H],
                [HALF_W, y_back, ROOM_H],
                [HALF_W, FACE_Y, ROOM_H],
                [-HALF_W, FACE_Y, ROOM_H],
            ]
        )[::-1],
        color=(0.95, 0.95, 0.94, 1.0),
    )
    room.add_quad(
        np.array(
            [
                [-HALF_W, y_back, 0],
                [-HALF_W, FACE_Y, 0],
                [-HALF_W, FACE_Y, ROOM_H],
                [-HALF_W, y_back, ROOM_H],
            ]
        ),
        color=wall,
    )
    room.add_quad(
        np.array(
            [
                [HALF_W, FACE_Y, 0],
                [HALF_W, y_back, 0],
                [HALF_W, y_back, ROOM_H],
                [HALF_W, FACE_Y, ROOM_H],
            ]
        ),
        color=wall,
    )
    room.add_quad(
        np.array(
            [
                [HALF_W, y_back, 0],
                [-HALF_W, y_back, 0],
                [-HALF_W, y_back, ROOM_H],
                [HALF_W, y_back, ROOM_H],
            ]
        ),
        color=wall,
    )
    curtain: Color = (0.78, 0.72, 0.62, 1.0)
    for side in (-1.0, 1.0):
        for k in range(5):
            x = side * (HALF_W - 0.06 - 0.09 * k)
            _box(
                room,
                x - 0.05,
                x + 0.05,
                FACE_Y - 0.22 + 0.03 * (k % 2),
                FACE_Y - 0.12,
                0.02,
                ROOM_H - 0.02,
                curtain,
            )
    _box(room, -HALF_W, HALF_W, FACE_Y - 0.2, FACE_Y - 0.14, ROOM_H - 0.08, ROOM_H - 0.04, STEEL)
    _box(room, 1.2, 2.4, y_back + 0.05, y_back + 0.5, 0.0, 0.8, (0.45, 0.32, 0.22, 1.0))
    _box(room, -2.4, -0.6, y_back + 0.2, y_back + 1.1, 0.0, 0.42, (0.36, 0.40, 0.46, 1.0))
    _box(room, -2.4, -0.6, y_back + 0.05, y_back + 0.3, 0.0, 0.85, (0.36, 0.40, 0.46, 1.0))
    _node(root, "room", room)
    floor = _Parts()
    _box(floor, -HALF_W, HALF_W, y_back, FACE_Y, -0.02, 0.0, (0.95, 0.88, 0.80, 1.0))
    # The balcony slab around the glass-floor panel.
    x0, x1, p0, p1 = PANEL
    for bx0, bx1, by0, by1 in (
        (-HALF_W, x0, FACE_Y, EDGE_Y),
        (x1, HALF_W, FACE_Y, EDGE_Y),
        (x0, x1, FACE_Y, p0),
        (x0, x1, p1, EDGE_Y),
    ):
        _box(floor, bx0, bx1, by0, by1, -0.25, 0.0, (1.0, 1.0, 1.0, 1.0))
    _node(root, "floors", floor, deck_state)
    panel_deck = _Parts()
    _box(
        panel_deck,
        x0 + 0.005,
        x1 - 0.005,
        p0 + 0.005,
        p1 - 0.005,
        -0.25,
        -0.003,
        (1.0, 1.0, 1.0, 1.0),
    )
    panel_deck_np = _node(root, "glass-panel-deck", panel_deck, deck_state)
    panel_deck_np.setTransparency(TransparencyAttrib.MAlpha)
    pg = _Parts()
    _box(pg, x0, x1, p0, p1, -0.05, -0.01, GLASS)
    panel_glass = _glass_node(root, "glass-panel", pg, 0.22)
    seam = _Parts()
    for a0, a1, b0, b1 in (
        (x0 - 0.01, x0, p0, p1),
        (x1, x1 + 0.01, p0, p1),
        (x0, x1, p0 - 0.01, p0),
        (x0, x1, p1, p1 + 0.01),
    ):
        _box(seam, a0, a1, b0, b1, -0.25, 0.001, (0.16, 0.13, 0.11, 1.0))
    _node(root, "glass-panel-frame", seam)

    # The window wall: frame, two fixed panes and the sliding door.
    frame = _Parts()
    fy0, fy1 = FACE_Y + 0.0, FACE_Y + 0.1
    _box(frame, -HALF_W, HALF_W, fy0, fy1, 0.0, 0.06, STEEL)
    _box(frame, -HALF_W, HALF_W, fy0, fy1, ROOM_H - 0.1, ROOM_H, STEEL)
    for x in (-HALF_W, DOOR[0], DOOR[1], HALF_W - 0.06):
        _box(frame, x, x + 0.06, fy0, fy1, 0.0, ROOM_H, STEEL)
    _node(root, "window-frame", frame)
    panes = _Parts()
    _box(panes, -HALF_W, DOOR[0], FACE_Y + 0.04, FACE_Y + 0.05, 0.06, ROOM_H - 0.1, GLASS)
    _box(panes, DOOR[1], HALF_W, FACE_Y + 0.04, FACE_Y + 0.05, 0.06, ROOM_H - 0.1, GLASS)
    _glass_node(root, "window-panes", panes)
    # Faint diagonal glints, so a closed pane reads as glass.
    glints = _Parts()
    for x0g, w in ((-2.3, 0.25), (-1.6, 0.12), (1.2, 0.3), (1.9, 0.12)):
        glints.add_quad(
            np.array(
                [
                    [x0g, FACE_Y + 0.055, 0.4],
                    [x0g + w, FACE_Y + 0.055, 0.4],
                    [x0g + w + 0.8, FACE_Y + 0.055, 2.3],
                    [x0g + 0.8, FACE_Y + 0.055, 2.3],
                ]
            ),
            color=(1.0, 1.0, 1.0, 1.0),
        )
    _glass_node(root, "window-glints", glints, 0.1)
    door = root.attachNewNode("sliding-door")
    dframe = _Parts()
    dy0, dy1 = FACE_Y + 0.12, FACE_Y + 0.18
    for a, b_ in ((DOOR[0], DOOR[0] + 0.07), (DOOR[1] - 0.07, DOOR[1])):
        _box(dframe, a, b_, dy0, dy1, 0.06, ROOM_H - 0.1, STEEL)
    _box(dframe, DOOR[0], DOOR[1], dy0, dy1, 0.06, 0.14, STEEL)
    _box(dframe, DOOR[0], DOOR[1], dy0, dy1, ROOM_H - 0.18, ROOM_H - 0.1, STEEL)
    _box(dframe, DOOR[1] - 0.16, DOOR[1] - 0.12, dy0 - 0.06, dy0, 0.95, 1.2, (0.7, 0.7, 0.7, 1.0))
    _node(door, "door-frame", dframe)
    dglass = _Parts()
    _box(
        dglass, DOOR[0] + 0.07, DOOR[1] - 0.07, dy0 + 0.025, dy0 + 0.035, 0.14, ROOM_H - 0.18, GLASS
    )
    _glass_node(door, "door-glass", dglass, 0.24)

    # Plants, a bistro table and chair: an ordinary balcony.
    plants = _Parts()
    _plant(plants, -2.15, 0.2, rng)
    _plant(plants, 2.15, 0.25, rng)
    plants_np = _node(root, "balcony-plants", plants)
    furniture = _Parts()
    metal: Color = (0.15, 0.30, 0.26, 1.0)
    furniture.add_tube(
        np.array([[-1.55, 0.75, 0.0], [-1.55, 0.75, 0.72]]), 0.025, sides=6, color=metal
    )
    furniture.add_tube(
        np.array([[-1.55, 0.75, 0.0], [-1.55, 0.75, 0.02]]), 0.22, sides=12, color=metal
    )
    furniture.add_tube(
        np.array([[-1.55, 0.75, 0.72], [-1.55, 0.75, 0.75]]), 0.32, sides=16, color=metal
    )
    for lx in (-2.2, -1.85):
        for ly in (0.95, 1.3):
            _box(furniture, lx - 0.015, lx + 0.015, ly - 0.015, ly + 0.015, 0.0, 0.45, metal)
    _box(furniture, -2.22, -1.83, 0.93, 1.32, 0.44, 0.47, metal)
    _box(furniture, -2.24, -2.2, 0.93, 1.32, 0.47, 0.9, metal)
    _node(root, "balcony-furniture", furniture)

    # Railings, pivoting at their foot under the front rail.
    railings = root.attachNewNode("railings")
    railings.setPos(0.0, RAIL_Y, 0.0)

    def rail_node(name: str, b: _Parts) -> NodePath:
        node = _node(railings, name, b)
        node.setY(-RAIL_Y)
        node.setTransparency(TransparencyAttrib.MAlpha)
        return node

    solid = _Parts()
    h = RAIL_HEIGHT["solid"]
    _box(solid, -HALF_W, HALF_W, RAIL_Y - 0.1, EDGE_Y, 0.0, h - 0.05, CONCRETE)
    _box(
        solid,
        -HALF_W - 0.02,
        HALF_W + 0.02,
        RAIL_Y - 0.14,
        EDGE_Y + 0.03,
        h - 0.05,
        h,
        (0.74, 0.74, 0.72, 1.0),
    )
    for sx in (-1.0, 1.0):
        _box(
            solid,
            sx * HALF_W - 0.09,
            sx * HALF_W + 0.09,
            FACE_Y + 0.1,
            RAIL_Y - 0.1,
            0.0,
            h,
            CONCRETE,
        )
    rail_solid = rail_node("railing-solid", solid)

    low = _Parts()
    gate = _Parts()
    h = RAIL_HEIGHT["low"]
    posts = (-HALF_W + 0.03, -1.6, -0.6, 0.6, 1.6, HALF_W - 0.03)
    for x in posts:
        _box(low, x - 0.025, x + 0.025, RAIL_Y - 0.025, RAIL_Y + 0.025, 0.0, h, STEEL)
    for z, r in ((h, 0.025), (0.45, 0.012), (0.1, 0.012)):
        for xa, xb in ((posts[0], posts[2]), (posts[3], posts[5])):
            _box(low, xa, xb, RAIL_Y - r, RAIL_Y + r, z - r, z + r, STEEL)
        _box(gate, posts[2], posts[3], RAIL_Y - r, RAIL_Y + r, z - r, z + r, STEEL)
        for sx in (-1.0, 1.0):
            x = sx * (HALF_W - 0.03)
            _box(low, x - r, x + r, FACE_Y + 0.1, RAIL_Y, z - r, z + r, STEEL)
    for sx in (-1.0, 1.0):
        for y in (0.0, 0.95):
            x = sx * (HALF_W - 0.03)
            _box(low, x - 0.025, x + 0.025, y - 0.025, y + 0.025, 0.0, h, STEEL)
    rail_low = rail_node("railing-low", low)
    rail_gate = rail_node("railing-gate", gate)

    rail_glass = railings.attachNewNode("railing-glass")
    rail_glass.setY(-RAIL_Y)
    rail_glass.setTransparency(TransparencyAttrib.MAlpha)
    h = RAIL_HEIGHT["glass"]
    panes_b = _Parts()
    _box(panes_b, -HALF_W, HALF_W, RAIL_Y - 0.01, RAIL_Y + 0.01, 0.02, h - 0.03, GLASS)
    for sx in (-1.0, 1.0):
        _box(
            panes_b,
            sx * HALF_W - 0.01,
            sx * HALF_W + 0.01,
            FACE_Y + 0.1,
            RAIL_Y,
            0.02,
            h - 0.03,
            GLASS,
        )
    _glass_node(rail_glass, "glass-panes", panes_b, 0.2)
    top = _Parts()
    _box(
        top,
        -HALF_W,
        HALF_W,
        RAIL_Y - 0.025,
        RAIL_Y + 0.025,
        h - 0.03,
        h + 0.01,
        (0.75, 0.76, 0.77, 1.0),
    )
    for sx in (-1.0, 1.0):
        _box(
            top,
            sx * HALF_W - 0.025,
            sx * HALF_W + 0.025,
            FACE_Y + 0.1,
            RAIL_Y,
            h - 0.03,
            h + 0.01,
            (0.75, 0.76, 0.77, 1.0),
        )
    for x in np.linspace(-HALF_W + 0.2, HALF_W - 0.2, 6):
        _box(top, x - 0.04, x + 0.04, RAIL_Y - 0.03, RAIL_Y + 0.03, 0.0, 0.1, (0.6, 0.6, 0.62, 1.0))
    _node(rail_glass, "glass-rail", top)

    plank = _Parts()
    px0, px1, py0, py1 = PLANK
    for k in range(3):  # three boards side by side, a little uneven
        bx = px0 + k * (px1 - px0) / 3
        tone = 0.95 + 0.05 * k
        _box(
            plank,
            bx + 0.003,
            bx + (px1 - px0) / 3 - 0.003,
            py0,
            py1,
            0.0,
            0.05 - 0.004 * k,
            (0.62 * tone, 0.50 * tone, 0.36 * tone, 1.0),
        )
    for y in (py0 + 0.15, py0 + 0.55):
        _box(plank, px0 - 0.06, px1 + 0.06, y - 0.03, y + 0.03, 0.05, 0.09, STEEL)
    plank_np = _node(root, "plank", plank)
    plank_np.setTransparency(TransparencyAttrib.MAlpha)

    planter = _planter(root)
    planter.setPos(PLANTER_X, RAIL_Y, RAIL_HEIGHT["solid"])
    creak = railings.attachNewNode("creak-point")
    creak.setPos(0.9, 0.0, 0.8)
    return Home(
        root=root,
        door=door,
        railings=railings,
        rail_solid=rail_solid,
        rail_low=rail_low,
        rail_gate=rail_gate,
        rail_glass=rail_glass,
        plank=plank_np,
        panel_deck=panel_deck_np,
        panel_glass=panel_glass,
        planter=planter,
        plants=plants_np,
        creak_point=creak,
        textures=[deck_tex],
    )
