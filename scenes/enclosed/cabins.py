"""The two places' furnishings, built once, fitted to their walls on a change.

:class:`Lift`: the glass lift's and the old lift's wall layers, the sliding
leaves of both, handrails, the floor display above the doors, the button
panel with its alarm button, the ceiling light, the ventilation grille and
its fan, the emergency lamp, and outside the shaft and the atrium.
:class:`Room`: a small windowless storeroom with a hinged door onto a
corridor (or, for one event, onto a bricked-up doorway), a metal shelf, a
fluorescent fitting, a grille and an emergency call point by the door.

``fit(dims)`` is called only when the walls move (a ``space`` ramp): it sets
node transforms, never builds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from panda3d.core import NodePath, Texture, TransparencyAttrib

from palier.scenes.enclosed.places import (
    DOOR_H,
    DOOR_W,
    LIFT_CRAMPED,
    LIFT_ROOMY,
    RAIL_Z,
    ROOM_DOOR_H,
    ROOM_DOOR_W,
    ROOM_ROOMY,
    Atrium,
    Dims,
    Display,
    Panel,
    Shaft,
    Shell,
    Vent,
    _node,
    _unit_quad,
    _unlit,
    _unlit_quad,
    build_atrium,
    build_display,
    build_panel,
    build_shaft,
    build_shell,
    build_vent,
)
from palier.scenes.enclosed.textures import Textures
from palier.scenes.procedural import GeomBuilder

STEEL = (0.80, 0.81, 0.82, 1.0)
OLD_PAINT = (1.0, 1.0, 1.0, 1.0)


def _rail(parent: NodePath, name: str, along: str) -> NodePath:
    """A unit-length handrail along local +Y (``along`` 'y') or +X, with two
    brackets; the node is scaled along its length."""
    b = GeomBuilder()
    if along == "y":
        path = np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    else:
        path = np.array([[-0.5, 0.0, 0.0], [0.5, 0.0, 0.0]])
    b.add_tube(path, 0.018, sides=12, color=(0.86, 0.86, 0.86, 1.0))
    return _node(parent, name, b, None)


@dataclass
class Lift:
    root: NodePath
    modern: NodePath  # the glass lift's layer
    old: NodePath  # the old lift's layer
    shells: tuple[Shell, Shell]
    glass: NodePath  # the glazing (part of the modern layer)
    leaves: list[NodePath]  # cabin door leaves: modern l, r, old l, r
    rails: dict[str, NodePath]
    posts: list[NodePath]
    light_panel: NodePath
    vent: Vent
    display: Display
    panel: Panel
    emergency: NodePath
    emergency_face: NodePath
    shaft: Shaft
    atrium: Atrium
    sill: NodePath

    def fit(self, d: Dims) -> None:
        for shell in self.shells:
            shell.fit(d)
        self.sill.setY(d.front - 0.01)
        w = d.width
        inset = 0.05
        self.rails["left"].setPos(-w / 2 + inset, d.back + 0.15, RAIL_Z)
        self.rails["left"].setSy(d.depth - 0.3)
        self.rails["right"].setPos(w / 2 - inset, d.back + 0.15, RAIL_Z)
        self.rails["right"].setSy(d.depth - 0.3)
        self.rails["back"].setPos(0.0, d.back + inset, RAIL_Z)
        self.rails["back"].setSx(w - 0.3)
        for post, (sx, y) in zip(
            self.posts, ((-1, d.back), (1, d.back), (-1, d.front), (1, d.front)), strict=True
        ):
            post.setPos(sx * (w / 2 - 0.02), y + (0.02 if y == d.back else -0.02), 0.0)
            post.setSz(d.height)
        self.light_panel.setPos(0.0, d.back + d.depth * 0.45, d.height - 0.004)
        self.light_panel.setScale(w * 0.55, d.depth * 0.45, 1.0)
        self.vent.root.setPos(w * 0.25, d.back + 0.22, d.height)
        self.display.root.setPos(0.0, d.front - 0.002, DOOR_H + (d.height - DOOR_H) / 2)
        side = (w - DOOR_W) / 2
        self.panel.root.setPos(DOOR_W / 2 + min(side / 2, 0.2), d.front - 0.001, 1.18)
        self.emergency.setPos(-DOOR_W / 2 - min(side / 2, 0.2), d.front - 0.001, d.height - 0.12)
        self.shaft.root.setY(d.front)
        for leaf in self.leaves:
            leaf.setY(d.front + 0.012)

    @property
    def diffuser(self) -> NodePath:
        return self.light_panel

    def doors(self, opening: float) -> None:
        """Slide the cabin's leaves: 0 closed, 1 fully open."""
        hw = DOOR_W / 2
        for i, leaf in enumerate(self.leaves):
            sx = -1.0 if i % 2 == 0 else 1.0
            leaf.setX(sx * (hw / 2 + opening * hw * 0.98))


def _leaf(
    parent: NodePath, name: str, tex: Texture, color: tuple[float, float, float, float]
) -> NodePath:
    b = GeomBuilder()
    b.add_box((0.0, 0.0, DOOR_H / 2), (DOOR_W / 2, 0.02, DOOR_H), color=color, uv_scale=1.0)
    return _node(parent, name, b, tex)


def build_lift(parent: NodePath, tex: Textures) -> Lift:
    root = parent.attachNewNode("lift")
    modern = root.attachNewNode("lift-glass")
    old = root.attachNewNode("lift-old")
    nominal = LIFT_ROOMY.lerp(LIFT_CRAMPED, 0.5)
    glass_color = (0.55, 0.66, 0.68, 0.16)
    new_shell = build_shell(
        modern,
        "glass-lift-walls",
        wall=tex.steel,
        floor=tex.terrazzo,
        ceiling=tex.ceiling_new,
        tile=1.0,
        nominal=nominal,
        door_w=DOOR_W,
        door_h=DOOR_H,
        upper=(None, glass_color),
        wall_color=STEEL,
    )
    glass = modern.attachNewNode("glazing")
    for key in ("left_up", "right_up", "back_up"):
        new_shell.parts[key].reparentTo(glass)
    glass.setTransparency(TransparencyAttrib.MAlpha)
    glass.setDepthWrite(False)
    glass.setTwoSided(True)
    old_shell = build_shell(
        old,
        "old-lift-walls",
        wall=tex.old,
        floor=tex.rubber,
        ceiling=tex.ceiling_old,
        tile=1.0,
        nominal=nominal,
        door_w=DOOR_W,
        door_h=DOOR_H,
        wall_color=OLD_PAINT,
    )
    old.setDepthOffset(1)  # drawn over the glass lift's walls while they cross-fade
    leaves = [
        _leaf(modern, "leaf-l", tex.steel, STEEL),
        _leaf(modern, "leaf-r", tex.steel, STEEL),
        _leaf(old, "old-leaf-l", tex.old, (0.9, 0.9, 0.85, 1.0)),
        _leaf(old, "old-leaf-r", tex.old, (0.9, 0.9, 0.85, 1.0)),
    ]
    fixtures = root.attachNewNode("lift-fixtures")
    rails = {
        "left": _rail(fixtures, "rail-left", "y"),
        "right": _rail(fixtures, "rail-right", "y"),
        "back": _rail(fixtures, "rail-back", "x"),
    }
    sill = GeomBuilder()
    sill.add_box((0.0, 0.035, 0.003), (DOOR_W + 0.08, 0.07, 0.006), color=(0.62, 0.62, 0.60, 1.0))
    sill_np = _node(fixtures, "cabin-sill", sill, None)
    posts = []
    for i in range(4):
        b = GeomBuilder()
        b.add_box((0.0, 0.0, 0.5), (0.04, 0.04, 1.0), color=(0.55, 0.56, 0.57, 1.0))
        posts.append(_node(modern, f"glass-post-{i}", b, None))
    # Ceiling light: a flat diffuser, unlit (its brightness is the light level).
    glow = GeomBuilder()
    glow.add_quad(
        np.array([[-0.5, 1.0, 0.0], [0.5, 1.0, 0.0], [0.5, 0.0, 0.0], [-0.5, 0.0, 0.0]])
        - (0, 0.5, 0),
        uvs=np.array([[0, 1], [1, 1], [1, 0], [0, 0]], dtype=float),
    )
    light_panel = _unlit(_node(fixtures, "ceiling-light", glow, tex.glow))
    vent = build_vent(fixtures, size=0.26, color=(0.72, 0.72, 0.72, 1.0))
    display = build_display(fixtures)
    panel = build_panel(fixtures, floors=True, plate=(0.70, 0.71, 0.72, 1.0))
    lamp = GeomBuilder()
    lamp.add_box((0.0, -0.015, 0.0), (0.16, 0.03, 0.05), color=(0.85, 0.85, 0.82, 1.0))
    emergency = _node(fixtures, "emergency-lamp", lamp, None)
    lamp_face = GeomBuilder()
    lamp_face.add_quad(
        np.array(
            [
                [-0.07, -0.031, -0.018],
                [0.07, -0.031, -0.018],
                [0.07, -0.031, 0.018],
                [-0.07, -0.031, 0.018],
            ]
        ),
        color=(1.0, 1.0, 1.0, 1.0),
    )
    face = _unlit(_node(emergency, "emergency-face", lamp_face, None))
    face.setColorScale(0.35, 0.35, 0.33, 1.0)
    shaft = build_shaft(root, tex)
    atrium = build_atrium(modern, tex)
    return Lift(
        root,
        modern,
        old,
        (new_shell, old_shell),
        glass,
        leaves,
        rails,
        posts,
        light_panel,
        vent,
        display,
        panel,
        emergency,
        face,
        shaft,
        atrium,
        sill_np,
    )


@dataclass
class Room:
    root: NodePath
    shell: Shell
    door: NodePath  # the leaf, on its hinge
    frame: NodePath
    corridor: NodePath
    bricks: NodePath
    shelf: NodePath
    light_panel: NodePath  # the fitting (moved with the ceiling)
    diffuser: NodePath  # its glowing face (brightness = light level)
    vent: Vent
    panel: Panel
    emergency: NodePath
    emergency_face: NodePath
    notice: NodePath

    def fit(self, d: Dims) -> None:
        self.shell.fit(d)
        w = d.width
        self.frame.setY(d.front)
        self.door.setPos(-ROOM_DOOR_W / 2, d.front + 0.02, 0.0)
        self.corridor.setY(d.front)
        self.bricks.setY(d.front)
        self.shelf.setPos(-w / 2 + 0.04, d.back, 0.0)
        self.notice.setPos(-w / 2, d.back + d.depth * 0.55, 0.0)
        self.light_panel.setPos(0.0, d.back + d.depth * 0.5, d.height)
        self.vent.root.setPos(w * 0.2, d.back + 0.002, d.height - 0.25)
        side = (w - ROOM_DOOR_W) / 2
        self.panel.root.setPos(ROOM_DOOR_W / 2 + min(side / 2, 0.3), d.front - 0.001, 1.3)
        self.emergency.setPos(0.0, d.front - 0.001, ROOM_DOOR_H + (d.height - ROOM_DOOR_H) / 2)

    def swing(self, opening: float) -> None:
        """Open the door outward (a cramped room leaves no room for it to
        swing in): 0 closed, 1 wide open (95 degrees)."""
        self.door.setH(95.0 * opening)


def build_room(parent: NodePath, tex: Textures) -> Room:
    root = parent.attachNewNode("small-room")
    nominal = ROOM_ROOMY
    shell = build_shell(
        root,
        "room-walls",
        wall=tex.wall_room,
        floor=tex.linoleum,
        ceiling=tex.wall_corridor,
        tile=1.5,
        nominal=nominal,
        door_w=ROOM_DOOR_W,
        door_h=ROOM_DOOR_H,
    )
    hw = ROOM_DOOR_W / 2
    frame_b = GeomBuilder()
    paint = (0.62, 0.60, 0.55, 1.0)
    for sx in (-1, 1):
        frame_b.add_box(
            (sx * (hw + 0.03), -0.01, ROOM_DOOR_H / 2), (0.06, 0.04, ROOM_DOOR_H), color=paint
        )
    frame_b.add_box((0.0, -0.01, ROOM_DOOR_H + 0.03), (ROOM_DOOR_W + 0.12, 0.04, 0.06), color=paint)
    frame_b.add_box((0.0, 0.06, -0.004), (ROOM_DOOR_W, 0.16, 0.01), color=(0.35, 0.34, 0.32, 1.0))
    frame = _node(root, "door-frame", frame_b, None)
    leaf_b = GeomBuilder()
    leaf_b.add_box(
        (hw, 0.02, ROOM_DOOR_H / 2),
        (ROOM_DOOR_W - 0.01, 0.04, ROOM_DOOR_H - 0.01),
        color=(0.68, 0.66, 0.60, 1.0),
    )
    for side_y in (-0.01, 0.05):
        leaf_b.add_tube(
            np.array([[ROOM_DOOR_W - 0.08, side_y, 1.02], [ROOM_DOOR_W - 0.2, side_y, 1.02]]),
            0.011,
            sides=8,
            color=(0.75, 0.75, 0.74, 1.0),
        )
    door = _node(root, "door", leaf_b, None)
    # Beyond the door: a plain corridor, lit (unlit geometry, light baked).
    corridor = root.attachNewNode("corridor")
    _unlit(corridor)
    x0, x1, y0, y1, zc = -1.8, 1.8, 0.0, 1.8, 2.5
    _unlit_quad(
        corridor,
        "corridor-floor",
        [(x0, y0, 0), (x1, y0, 0), (x1, y1, 0), (x0, y1, 0)],
        [(0, 0), (3.6, 0), (3.6, 1.8), (0, 1.8)],
        tex.linoleum,
        (0.95, 0.95, 0.95, 1),
    )
    _unlit_quad(
        corridor,
        "corridor-wall",
        [(x0, y1, 0), (x1, y1, 0), (x1, y1, zc), (x0, y1, zc)],
        [(0, 0), (2.4, 0), (2.4, 1.7), (0, 1.7)],
        tex.wall_corridor,
        (0.95, 0.94, 0.90, 1),
    )
    for xe, ya, yb in ((x0, y0, y1), (x1, y1, y0)):
        _unlit_quad(
            corridor,
            "corridor-end",
            [(xe, ya, 0), (xe, yb, 0), (xe, yb, zc), (xe, ya, zc)],
            [(0, 0), (1.2, 0), (1.2, 1.7), (0, 1.7)],
            tex.wall_corridor,
            (0.85, 0.84, 0.80, 1),
        )
    _unlit_quad(
        corridor,
        "corridor-ceiling",
        [(x0, y1, zc), (x1, y1, zc), (x1, y0, zc), (x0, y0, zc)],
        [(0, 0), (2, 0), (2, 1), (0, 1)],
        tex.wall_corridor,
        (1.0, 1.0, 1.0, 1),
    )
    notice = GeomBuilder()
    notice.add_box((0.5, y1 - 0.01, 1.5), (0.3, 0.01, 0.42), color=(0.95, 0.95, 0.92, 1))
    notice.add_box((0.5, y1 - 0.016, 1.62), (0.22, 0.004, 0.03), color=(0.2, 0.5, 0.3, 1))
    notice.add_box((-0.9, y1 - 0.01, 0.05), (1.8, 0.02, 0.1), color=(0.4, 0.4, 0.38, 1))
    _unlit(_node(corridor, "corridor-things", notice, None))
    # For one event: the door opens onto a bricked-up niche, the door's
    # width and a little more beyond it (the leaf swings outward into it).
    bricks = root.attachNewNode("bricked-up-doorway")
    _unlit(bricks)
    bx, by, bz = 0.75, 0.95, ROOM_DOOR_H + 0.1
    brick_tone = (0.75, 0.72, 0.70, 1.0)
    _unlit_quad(
        bricks,
        "bricks-back",
        [(-bx, by, 0), (bx, by, 0), (bx, by, bz), (-bx, by, bz)],
        [(0, 0), (3.4, 0), (3.4, 7.1), (0, 7.1)],
        tex.brick,
        brick_tone,
    )
    for xe, ya, yb in ((-bx, 0.0, by), (bx, by, 0.0)):
        _unlit_quad(
            bricks,
            "bricks-side",
            [(xe, ya, 0), (xe, yb, 0), (xe, yb, bz), (xe, ya, bz)],
            [(0, 0), (2.2, 0), (2.2, 7.1), (0, 7.1)],
            tex.brick,
            (0.6, 0.58, 0.56, 1.0),
        )
    _unlit_quad(
        bricks,
        "bricks-floor",
        [(-bx, 0, 0.001), (bx, 0, 0.001), (bx, by, 0.001), (-bx, by, 0.001)],
        [(0, 0), (1, 0), (1, 0.6), (0, 0.6)],
        tex.concrete,
        (0.55, 0.55, 0.53, 1.0),
    )
    _unlit_quad(
        bricks,
        "bricks-top",
        [(-bx, by, bz), (bx, by, bz), (bx, 0, bz), (-bx, 0, bz)],
        [(0, 0), (1, 0), (1, 0.6), (0, 0.6)],
        tex.concrete,
        (0.35, 0.35, 0.34, 1.0),
    )
    bricks.hide()
    # A grey metal shelf against the back wall (behind the patient), boxes on it.
    shelf_b = GeomBuilder()
    grey = (0.45, 0.46, 0.47, 1.0)
    depth, length = 0.25, 0.9
    for z in (0.12, 0.55, 1.0, 1.45, 1.85):
        shelf_b.add_box((length / 2, depth / 2, z), (length, depth, 0.025), color=grey)
    for dx in (0.015, length - 0.015):
        for dy in (0.015, depth - 0.015):
            shelf_b.add_box((dx, dy, 0.95), (0.03, 0.03, 1.9), color=grey)
    rng = np.random.default_rng(77)
    for z in (0.135, 0.565, 1.015, 1.465):
        x = 0.05
        while x < length - 0.2:
            bw = float(rng.uniform(0.18, 0.32))
            bh = float(rng.uniform(0.16, 0.32))
            tone = float(rng.uniform(0.85, 1.1))
            shelf_b.add_box(
                (x + bw / 2, depth * 0.5, z + 0.0125 + bh / 2),
                (bw, depth * 0.8, bh),
                color=(0.62 * tone, 0.47 * tone, 0.30 * tone, 1.0),
            )
            x += bw + float(rng.uniform(0.02, 0.08))
    # On the left wall: the building's safety notice; by the door, a switch.
    notice = GeomBuilder()
    notice.add_box((0.005, 0.0, 1.45), (0.01, 0.30, 0.42), color=(0.93, 0.93, 0.90, 1.0))
    notice.add_box((0.011, 0.0, 1.61), (0.002, 0.24, 0.05), color=(0.15, 0.45, 0.25, 1.0))
    for k in range(6):
        notice.add_box(
            (0.011, 0.0, 1.52 - k * 0.045), (0.002, 0.22, 0.012), color=(0.4, 0.4, 0.4, 1.0)
        )
    notice_np = _node(root, "safety-notice", notice, None)
    shelf = _node(root, "shelf", shelf_b, None)
    # Fluorescent fitting: a metal channel with an opal diffuser (unlit lamp).
    tube = GeomBuilder()
    tube.add_box((0.0, 0.0, -0.03), (0.16, 1.25, 0.05), color=(0.85, 0.85, 0.83, 1.0))
    fitting = _node(root, "tube-fitting", tube, None)
    diff = GeomBuilder()
    diff.add_quad(
        np.array(
            [
                [-0.065, 0.6, -0.056],
                [0.065, 0.6, -0.056],
                [0.065, -0.6, -0.056],
                [-0.065, -0.6, -0.056],
            ]
        ),
        uvs=np.array([[0, 1], [1, 1], [1, 0], [0, 0]], dtype=float),
    )
    light_panel = _unlit(_node(fitting, "tube-diffuser", diff, tex.glow))
    fitting.reparentTo(root)
    vent = build_vent(root, size=0.30, color=(0.78, 0.77, 0.74, 1.0))
    vent.root.setP(90.0)  # into the back wall, the slats facing the room
    panel = build_panel(root, floors=False, plate=(0.85, 0.84, 0.80, 1.0))
    lamp = GeomBuilder()
    lamp.add_box((0.0, -0.015, 0.0), (0.22, 0.03, 0.06), color=(0.9, 0.9, 0.88, 1.0))
    emergency = _node(root, "emergency-lamp", lamp, None)
    lamp_face = GeomBuilder()
    lamp_face.add_quad(
        np.array(
            [
                [-0.1, -0.031, -0.022],
                [0.1, -0.031, -0.022],
                [0.1, -0.031, 0.022],
                [-0.1, -0.031, 0.022],
            ]
        ),
        color=(1.0, 1.0, 1.0, 1.0),
    )
    face = _unlit(_node(emergency, "emergency-face", lamp_face, None))
    face.setColorScale(0.35, 0.35, 0.33, 1.0)
    return Room(
        root,
        shell,
        door,
        frame,
        corridor,
        bricks,
        shelf,
        fitting,
        light_panel,
        vent,
        panel,
        emergency,
        face,
        notice_np,
    )


__all__ = ["Lift", "Room", "_unit_quad", "build_lift", "build_room"]
