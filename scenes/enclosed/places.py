"""The lift and the small room: geometry built once, resized by moving nodes.

Frame: the patient stands at the origin facing +Y (the doors); the floor is
z = 0. A place is a box from ``back`` to ``front`` (y), ``width`` wide (x,
centred) and ``height`` high. Each wall is a unit quad on its own node,
placed and scaled by :meth:`Shell.fit`, so the walls and the ceiling move in
smoothly with the ``space`` parameter without touching a vertex; the front
wall is three pieces round a door opening of fixed size (people do not
shrink). :func:`Dims` says where the walls are; the scene's free-volume
figure is computed from the nodes themselves (:meth:`Shell.inner_box`).

The lift has two wall layers: a panoramic glass lift (brushed steel below
the handrail, glass above, the atrium beyond) and a cramped old lift (worn
painted panels, studded rubber floor); the scene cross-fades them. Beyond the
doors a concrete shaft wall carries a landing per floor (:class:`Shaft`),
moved up and down as the lift travels; behind the glass, an atrium's facades
(:class:`Atrium`). Everything outside the cabin is unlit with its light
baked in (cheap, and the cabin's lights going out must not darken a sunlit
atrium).
"""

from __future__ import annotations

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

from palier.scenes.enclosed.textures import Textures
from palier.scenes.procedural import Color, GeomBuilder

DOOR_W = 0.80  # lift door opening (two leaves of 0.40)
DOOR_H = 2.00
ROOM_DOOR_W = 0.83
ROOM_DOOR_H = 2.04
RAIL_Z = 0.92  # handrail height; the glass starts just above
GLASS_Z = 0.98
FLOOR_H = 3.2  # storey height of the building the lift serves
TOP_FLOOR = 6
LANDING_W = 0.80  # the landing doors' opening matches the cabin's
SHAFT_HW = 1.25  # half width of the shaft's concrete landing wall


@dataclass(frozen=True)
class Dims:
    width: float
    back: float
    front: float
    height: float

    @property
    def depth(self) -> float:
        return self.front - self.back

    def lerp(self, other: Dims, t: float) -> Dims:
        return Dims(
            self.width + (other.width - self.width) * t,
            self.back + (other.back - self.back) * t,
            self.front + (other.front - self.front) * t,
            self.height + (other.height - self.height) * t,
        )


LIFT_ROOMY = Dims(width=2.1, back=-0.9, front=1.5, height=2.5)
LIFT_CRAMPED = Dims(width=1.1, back=-0.3, front=1.0, height=2.2)
ROOM_ROOMY = Dims(width=3.2, back=-1.2, front=2.2, height=2.6)
ROOM_CRAMPED = Dims(width=1.3, back=-0.45, front=0.95, height=2.2)


def dims(place: str, space: float) -> Dims:
    """Where a place's walls are at ``space`` (0 roomy .. 1 cramped)."""
    if place == "lift":
        return LIFT_ROOMY.lerp(LIFT_CRAMPED, space)
    return ROOM_ROOMY.lerp(ROOM_CRAMPED, space)


# -- unit quads ---------------------------------------------------------------------------
_UNIT = {
    # corners counter-clockwise seen from inside the box
    "floor": ((-0.5, 0, 0), (0.5, 0, 0), (0.5, 1, 0), (-0.5, 1, 0)),
    "ceiling": ((-0.5, 1, 0), (0.5, 1, 0), (0.5, 0, 0), (-0.5, 0, 0)),
    "left": ((0, 0, 0), (0, 1, 0), (0, 1, 1), (0, 0, 1)),
    "right": ((0, 1, 0), (0, 0, 0), (0, 0, 1), (0, 1, 1)),
    "back": ((0.5, 0, 0), (-0.5, 0, 0), (-0.5, 0, 1), (0.5, 0, 1)),
    "front": ((-0.5, 0, 0), (0.5, 0, 0), (0.5, 0, 1), (-0.5, 0, 1)),
    "front_piece": ((0, 0, 0), (1, 0, 0), (1, 0, 1), (0, 0, 1)),
}
_UV_AXES = {
    "floor": (0, 1),
    "ceiling": (0, 1),
    "left": (1, 2),
    "right": (1, 2),
    "back": (0, 2),
    "front": (0, 2),
    "front_piece": (0, 2),
}


def _unit_quad(kind: str, uv_size: tuple[float, float], color: Color = (1, 1, 1, 1)) -> GeomBuilder:
    pts = np.array(_UNIT[kind], dtype=float)
    a, b = _UV_AXES[kind]
    uvs = np.stack([pts[:, a] * uv_size[0], pts[:, b] * uv_size[1]], axis=1)
    if kind in ("right", "front"):
        uvs[:, 0] = -uvs[:, 0]  # keep the texture upright and unmirrored
    out = GeomBuilder()
    out.add_quad(pts, uvs=uvs, color=color)
    return out


def _node(parent: NodePath, name: str, builder: GeomBuilder, tex: Texture | None) -> NodePath:
    gn = GeomNode(name)
    state = (
        RenderState.make(TextureAttrib.make(tex))
        if tex is not None
        else RenderState.make(TextureAttrib.makeAllOff())
    )
    gn.addGeom(builder.geom(), state)
    return parent.attachNewNode(gn)


def _unlit(path: NodePath) -> NodePath:
    path.setLightOff(1)
    path.setShaderOff(1)
    return path


# -- the walls of a box -----------------------------------------------------------------------
@dataclass
class Shell:
    """One set of walls (a layer) of a box; ``fit`` moves them to ``Dims``.

    ``split`` walls have a lower part up to :data:`GLASS_Z` and an upper part
    (the glass lift's glazing goes above its handrail)."""

    root: NodePath
    door_w: float
    door_h: float
    parts: dict[str, NodePath] = field(default_factory=dict)
    split: bool = False

    def fit(self, d: Dims) -> None:
        w, h = d.width, d.height
        p = self.parts
        side = (w - self.door_w) / 2.0
        place = {
            "floor": ((0.0, d.back, 0.0), (w, d.depth, 1.0)),
            "ceiling": ((0.0, d.back, h), (w, d.depth, 1.0)),
            "front_l": ((-w / 2, d.front, 0.0), (side, 1.0, h)),
            "front_r": ((self.door_w / 2, d.front, 0.0), (side, 1.0, h)),
            "transom": ((0.0, d.front, self.door_h), (self.door_w, 1.0, h - self.door_h)),
        }
        if self.split:
            up = h - GLASS_Z
            place |= {
                "left": ((-w / 2, d.back, 0.0), (1.0, d.depth, GLASS_Z)),
                "right": ((w / 2, d.back, 0.0), (1.0, d.depth, GLASS_Z)),
                "back": ((0.0, d.back, 0.0), (w, 1.0, GLASS_Z)),
                "left_up": ((-w / 2, d.back, GLASS_Z), (1.0, d.depth, up)),
                "right_up": ((w / 2, d.back, GLASS_Z), (1.0, d.depth, up)),
                "back_up": ((0.0, d.back, GLASS_Z), (w, 1.0, up)),
            }
        else:
            place |= {
                "left": ((-w / 2, d.back, 0.0), (1.0, d.depth, h)),
                "right": ((w / 2, d.back, 0.0), (1.0, d.depth, h)),
                "back": ((0.0, d.back, 0.0), (w, 1.0, h)),
            }
        for name, (pos, scale) in place.items():
            node = p.get(name)
            if node is not None:
                node.setPos(*pos)
                node.setScale(max(scale[0], 1e-3), max(scale[1], 1e-3), max(scale[2], 1e-3))

    def inner_box(self) -> tuple[float, float, float, float, float, float]:
        """x0, x1, y0, y1, z0, z1 of the box the walls enclose, read from the
        wall nodes (not from ``Dims``): what the patient sees is what counts."""
        p = self.parts
        return (
            p["left"].getX(),
            p["right"].getX(),
            p["back"].getY(),
            p["front_l"].getY(),
            p["floor"].getZ(),
            p["ceiling"].getZ(),
        )


def build_shell(
    parent: NodePath,
    name: str,
    *,
    wall: Texture,
    floor: Texture,
    ceiling: Texture,
    tile: float,
    nominal: Dims,
    door_w: float,
    door_h: float,
    upper: tuple[Texture | None, Color] | None = None,
    wall_color: Color = (1, 1, 1, 1),
) -> Shell:
    """A box's walls as unit quads; UVs for ``nominal`` size over ``tile`` m."""
    root = parent.attachNewNode(name)
    shell = Shell(root, door_w, door_h, split=upper is not None)
    w, dpt, h = nominal.width, nominal.depth, nominal.height
    k = 1.0 / tile
    parts = shell.parts
    parts["floor"] = _node(root, "floor", _unit_quad("floor", (w * k, dpt * k)), floor)
    parts["ceiling"] = _node(root, "ceiling", _unit_quad("ceiling", (w * k, dpt * k)), ceiling)
    low_h = GLASS_Z if upper is not None else h
    c = wall_color
    parts["left"] = _node(root, "left", _unit_quad("left", (dpt * k, low_h * k), c), wall)
    parts["right"] = _node(root, "right", _unit_quad("right", (dpt * k, low_h * k), c), wall)
    parts["back"] = _node(root, "back", _unit_quad("back", (w * k, low_h * k), c), wall)
    side = (w - door_w) / 2.0
    for piece in ("front_l", "front_r"):
        q = _unit_quad("front_piece", (side * k, h * k), c)
        parts[piece] = _node(root, piece, q, wall)
    parts["transom"] = _node(
        root, "transom", _unit_quad("front", (door_w * k, (h - door_h) * k), c), wall
    )
    if upper is not None:
        tex, color = upper
        up_h = h - GLASS_Z
        for key, kind, length in (("left_up", "left", dpt), ("right_up", "right", dpt)):
            parts[key] = _node(root, key, _unit_quad(kind, (length * k, up_h * k), color), tex)
        parts["back_up"] = _node(root, "back_up", _unit_quad("back", (w * k, up_h * k), color), tex)
    return shell


# -- 7-segment glyphs ---------------------------------------------------------------------------
_SEGMENTS = {  # a b c d e f g (top, top right, bottom right, bottom, bottom left, top left, middle)
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
    "-": "g",
}


def glyph(
    b: GeomBuilder, char: str, x: float, z: float, size: float, y: float, color: Color
) -> None:
    """A 7-segment character ``size`` high centred at (x, z) in the plane
    ``y``, facing -Y (toward the patient)."""
    hw, hh, t = size * 0.28, size * 0.5, size * 0.12
    segs = {
        "a": (0.0, hh, 2 * hw, t),
        "d": (0.0, -hh, 2 * hw, t),
        "g": (0.0, 0.0, 2 * hw, t),
        "b": (hw, hh / 2, t, hh),
        "c": (hw, -hh / 2, t, hh),
        "e": (-hw, -hh / 2, t, hh),
        "f": (-hw, hh / 2, t, hh),
    }
    for s in _SEGMENTS[char]:
        cx, cz, sw, sh = segs[s]
        x0, x1 = x + cx - sw / 2, x + cx + sw / 2
        z0, z1 = z + cz - sh / 2, z + cz + sh / 2
        b.add_quad(np.array([[x0, y, z0], [x1, y, z0], [x1, y, z1], [x0, y, z1]]), color=color)


def arrow(
    b: GeomBuilder, up: bool, x: float, z: float, size: float, y: float, color: Color
) -> None:
    s = size / 2 if up else -size / 2
    tri = GeomBuilder()
    pts = np.array([[x - abs(s), y, z - s], [x + abs(s), y, z - s], [x, y, z + s]])
    if not up:
        pts = pts[[1, 0, 2]]
    tri.add_mesh(
        pts, np.tile((0.0, -1.0, 0.0), (3, 1)), np.zeros((3, 2)), np.array([[0, 1, 2]]), color
    )
    b.merge(tri)


LED_RED: Color = (1.0, 0.16, 0.08, 1.0)


@dataclass
class Display:
    """The floor indicator: one node per character and per arrow, shown or
    hidden (nothing is drawn anew on a frame)."""

    root: NodePath
    chars: dict[str, NodePath]
    up: NodePath
    down: NodePath
    shown: str = ""

    def show(self, text: str, direction: int) -> None:
        if text != self.shown:
            for key, node in self.chars.items():
                if key == text:
                    node.show()
                else:
                    node.hide()
            self.shown = text
        for node, on in ((self.up, direction > 0), (self.down, direction < 0)):
            if on and node.isHidden():
                node.show()
            elif not on and not node.isHidden():
                node.hide()


def build_display(parent: NodePath) -> Display:
    root = parent.attachNewNode("floor-display")
    case = GeomBuilder()
    case.add_box((0.0, 0.006, 0.0), (0.20, 0.012, 0.085), color=(0.05, 0.05, 0.05, 1.0))
    case.add_box((0.0, 0.008, 0.0), (0.22, 0.010, 0.10), color=(0.55, 0.56, 0.57, 1.0))
    _node(root, "display-case", case, None)
    chars: dict[str, NodePath] = {}
    for text in [str(i) for i in range(TOP_FLOOR + 1)] + ["--"]:
        b = GeomBuilder()
        for i, ch in enumerate(text):
            glyph(b, ch, 0.018 + (i - (len(text) - 1) / 2) * 0.04, 0.0, 0.058, -0.001, LED_RED)
        node = _unlit(_node(root, f"display-{text}", b, None))
        node.hide()
        chars[text] = node
    arrows = []
    for up in (True, False):
        b = GeomBuilder()
        arrow(b, up, -0.055, 0.0, 0.04, -0.001, LED_RED)
        node = _unlit(_node(root, "arrow-up" if up else "arrow-down", b, None))
        node.hide()
        arrows.append(node)
    return Display(root, chars, arrows[0], arrows[1])


# -- the button panel (and the room's emergency call point) ---------------------------------------
@dataclass
class Panel:
    root: NodePath
    alarm_light: NodePath  # the bell button's lamp (colour-scaled)
    intercom_led: NodePath
    speaker: NodePath  # where the intercom's voice comes from


def build_panel(parent: NodePath, *, floors: bool, plate: Color) -> Panel:
    """A steel plate facing -Y: floor buttons (two columns, 7-segment labels)
    when ``floors``, the yellow alarm button with a bell, the intercom's
    speaker holes and its LED. Origin: the plate's centre on the wall."""
    root = parent.attachNewNode("button-panel")
    base = GeomBuilder()
    height = 0.44 if floors else 0.20
    base.add_box((0.0, -0.004, 0.0), (0.11, 0.008, height), color=plate)
    labels = GeomBuilder()
    top = height / 2
    if floors:
        for i in range(TOP_FLOOR + 1):
            col, row = (i + 1) % 2, (i + 1) // 2
            x = -0.025 + 0.05 * col
            z = -top + 0.13 + row * 0.05
            base.add_tube(
                np.array([[x, -0.004, z], [x, -0.014, z]]),
                0.016,
                sides=14,
                color=(0.78, 0.78, 0.76, 1.0),
            )
            glyph(labels, str(i), x, z, 0.016, -0.0146, (0.08, 0.08, 0.08, 1.0))
    # Speaker: a grid of dark holes at the top of the plate.
    for ix in range(5):
        for iz in range(4):
            x, z = -0.03 + ix * 0.015, top - 0.035 - iz * 0.012
            labels.add_quad(
                np.array(
                    [
                        [x - 0.003, -0.0085, z - 0.003],
                        [x + 0.003, -0.0085, z - 0.003],
                        [x + 0.003, -0.0085, z + 0.003],
                        [x - 0.003, -0.0085, z + 0.003],
                    ]
                ),
                color=(0.03, 0.03, 0.03, 1.0),
            )
    _node(root, "panel-plate", base, None)
    _node(root, "panel-labels", labels, None)
    speaker = root.attachNewNode("intercom-speaker")
    speaker.setPos(0.0, -0.01, top - 0.05)
    # Alarm button: yellow, a black bell on it; its face is a lamp.
    az = -top + 0.05
    face = GeomBuilder()
    face.add_tube(
        np.array([[0.0, -0.004, az], [0.0, -0.016, az]]),
        0.022,
        sides=18,
        color=(0.98, 0.78, 0.08, 1),
    )
    alarm = _node(root, "alarm-button", face, None)
    bell = GeomBuilder()
    bell.add_ellipsoid(
        (0.0, 0.0, 0.0), (0.009, 0.008, 0.002), rings=6, segments=10, color=(0.05, 0.05, 0.05, 1)
    )
    bell.add_box((0.0, 0.0, -0.008), (0.02, 0.002, 0.003), color=(0.05, 0.05, 0.05, 1))
    bell_np = _node(root, "alarm-bell", bell, None)
    bell_np.setPos(0.0, -0.0175, az + 0.002)
    bell_np.setP(90.0)
    led = GeomBuilder()
    led.add_ellipsoid((0.0, 0.0, 0.0), (0.004, 0.004, 0.004), rings=5, segments=8)
    led_np = _unlit(_node(root, "intercom-led", led, None))
    led_np.setPos(0.04, -0.009, top - 0.03)
    led_np.setColorScale(0.1, 0.25, 0.1, 1.0)
    return Panel(root, alarm, led_np, speaker)


# -- the ventilation grille and its fan ------------------------------------------------------------
@dataclass
class Vent:
    root: NodePath
    fan: NodePath


def build_vent(parent: NodePath, *, size: float, color: Color) -> Vent:
    """A square grille housing 4 cm deep, open side toward local -Z (hung
    from a ceiling; turn it to set it in a wall), slats across its mouth and
    a four-bladed fan inside."""
    root = parent.attachNewNode("vent")
    h = size / 2
    b = GeomBuilder()
    for sx in (-1, 1):
        b.add_box((sx * h, 0.0, -0.02), (0.008, size, 0.04), color=color)
        b.add_box((0.0, sx * h, -0.02), (size, 0.008, 0.04), color=color)
    n = 7
    for i in range(n):
        y = -h + (i + 0.5) * size / n
        b.add_box((0.0, y, -0.035), (size, 0.012, 0.008), color=color)
    _node(root, "vent-grille", b, None)
    back = GeomBuilder()
    back.add_quad(
        np.array([[-h, -h, -0.001], [-h, h, -0.001], [h, h, -0.001], [h, -h, -0.001]]),
        color=(0.05, 0.05, 0.05, 1.0),
    )
    _unlit(_node(root, "vent-dark", back, None))
    fan_b = GeomBuilder()
    for k in range(4):
        ang = k * 90.0
        m = np.eye(4)
        c, s = np.cos(np.radians(ang)), np.sin(np.radians(ang))
        m[:2, :2] = [[c, -s], [s, c]]
        fan_b.add_box(
            (h * 0.42, 0.0, 0.0), (h * 0.75, h * 0.28, 0.004), color=(0.5, 0.5, 0.5, 1), xform=m
        )
    fan_b.add_tube(
        np.array([[0, 0, 0.006], [0, 0, -0.006]]), h * 0.15, sides=10, color=(0.3, 0.3, 0.3, 1)
    )
    fan = _node(root, "vent-fan", fan_b, None)
    fan.setZ(-0.012)
    return Vent(root, fan)


# -- outside the lift ------------------------------------------------------------------------------
def _unlit_quad(
    parent: NodePath,
    name: str,
    corners: list[tuple[float, float, float]],
    uvs: list[tuple[float, float]],
    tex: Texture | None,
    color: Color = (1, 1, 1, 1),
) -> NodePath:
    b = GeomBuilder()
    b.add_quad(np.array(corners, dtype=float), uvs=np.array(uvs, dtype=float), color=color)
    return _unlit(_node(parent, name, b, tex))


@dataclass
class Shaft:
    """The shaft's landing wall beyond the doors: one module per storey
    (concrete round a landing opening, the landing doors), modules at -1..2
    storeys; the current landing's lobby behind module 0. ``root`` moves in
    y with the cabin's front and in z as the lift travels."""

    root: NodePath
    leaves: list[tuple[NodePath, NodePath]]  # landing doors of modules -1, 0, 1, 2
    lobby: NodePath
    shade: NodePath  # the concrete and doors, colour-scaled by the cabin's light


def build_shaft(parent: NodePath, tex: Textures) -> Shaft:
    root = parent.attachNewNode("shaft")
    shade = root.attachNewNode("shaft-shade")
    _unlit(shade)
    leaves: list[tuple[NodePath, NodePath]] = []
    hw = LANDING_W / 2
    y = 0.06
    for k in (-1, 0, 1, 2):
        z0 = k * FLOOR_H
        mod = shade.attachNewNode(f"storey-{k}")
        wall = GeomBuilder()
        for xa, xb, za, zb in (
            (-SHAFT_HW, -hw, 0.0, FLOOR_H),
            (hw, SHAFT_HW, 0.0, FLOOR_H),
            (-hw, hw, DOOR_H + 0.05, FLOOR_H),
        ):
            wall.add_quad(
                np.array([[xa, y, za], [xb, y, za], [xb, y, zb], [xa, y, zb]]),
                uvs=np.array([[xa, za], [xb, za], [xb, zb], [xa, zb]]) / 2.4,
            )
        _node(mod, "shaft-wall", wall, tex.concrete)
        trim = GeomBuilder()
        # Landing door frame and sill (steel), the slab's edge below the sill.
        steel = (0.42, 0.43, 0.44, 1.0)
        trim.add_box((0.0, y - 0.01, -0.01), (LANDING_W + 0.12, 0.03, 0.03), color=steel)
        trim.add_box((0.0, y - 0.005, DOOR_H + 0.03), (LANDING_W + 0.12, 0.02, 0.05), color=steel)
        for sx in (-1, 1):
            trim.add_box(
                (sx * (hw + 0.03), y - 0.005, DOOR_H / 2), (0.05, 0.02, DOOR_H), color=steel
            )
        trim.add_box(
            (0.0, y + 0.02, -0.2), (2 * SHAFT_HW, 0.02, 0.35), color=(0.30, 0.30, 0.29, 1.0)
        )
        _node(mod, "landing-frame", trim, None)
        pair = []
        for sx in (-1, 1):
            leaf = GeomBuilder()
            leaf.add_box(
                (sx * hw / 2, 0.0, DOOR_H / 2), (hw, 0.02, DOOR_H), color=(0.40, 0.42, 0.45, 1)
            )
            node = _node(mod, f"landing-leaf-{sx}", leaf, None)
            node.setY(y + 0.03)
            pair.append(node)
        leaves.append((pair[0], pair[1]))
        mod.setZ(z0)
    # The lobby behind module 0's landing doors: bright, ordinary.
    lobby = root.attachNewNode("lobby")
    _unlit(lobby)
    y0, y1, x0, x1, zc = y + 0.02, 4.5, -2.2, 2.2, 2.7
    _unlit_quad(
        lobby,
        "lobby-floor",
        [(x0, y0, 0), (x1, y0, 0), (x1, y1, 0), (x0, y1, 0)],
        [(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
        tex.terrazzo,
        (1.05, 1.03, 1.0, 1),
    )
    _unlit_quad(
        lobby,
        "lobby-ceiling",
        [(x0, y1, zc), (x1, y1, zc), (x1, y0, zc), (x0, y0, zc)],
        [(0, 0), (3, 0), (3, 3), (0, 3)],
        tex.ceiling_new,
        (1.0, 1.0, 1.0, 1),
    )
    for xa, ya, xb, yb in ((x0, y0, x0, y1), (x1, y1, x1, y0), (x0, y1, x1, y1)):
        length = float(np.hypot(xb - xa, yb - ya))
        _unlit_quad(
            lobby,
            "lobby-wall",
            [(xa, ya, 0), (xb, yb, 0), (xb, yb, zc), (xa, ya, zc)],
            [(0, 0), (length / 2, 0), (length / 2, zc / 2), (0, zc / 2)],
            tex.wall_corridor,
            (0.95, 0.94, 0.92, 1),
        )
    deco = GeomBuilder()
    deco.add_box((1.2, y1 - 0.02, 1.5), (1.2, 0.03, 0.8), color=(0.35, 0.45, 0.55, 1))  # a poster
    deco.add_box((-1.5, y1 - 0.6, 0.25), (0.45, 0.45, 0.5), color=(0.45, 0.30, 0.22, 1))  # planter
    deco.add_ellipsoid(
        (-1.5, y1 - 0.6, 0.9), (0.35, 0.35, 0.5), rings=6, segments=10, color=(0.18, 0.36, 0.16, 1)
    )
    deco.add_box(
        (0.0, 1.6, zc - 0.01), (0.6, 0.6, 0.02), color=(1.3, 1.3, 1.25, 1)
    )  # ceiling light
    _unlit(_node(lobby, "lobby-things", deco, None))
    return Shaft(root, leaves, lobby, shade)


@dataclass
class Atrium:
    """What the glass lift looks out on: an atrium's storeys of glazing and
    balconies (tiled), its floor far below and a bright roof above.
    ``storeys`` moves by the fraction of a storey the lift has travelled;
    ``ground`` and ``roof`` by the whole distance."""

    root: NodePath
    storeys: NodePath
    ground: NodePath
    roof: NodePath


def build_atrium(parent: NodePath, tex: Textures) -> Atrium:
    root = parent.attachNewNode("atrium")
    _unlit(root)
    storeys = root.attachNewNode("atrium-storeys")
    x0, x1, y0, y1 = -10.0, 10.0, -12.0, 1.6
    z0, z1 = -8 * FLOOR_H, 8 * FLOOR_H
    n = (z1 - z0) / FLOOR_H
    for name, a, b in (
        ("back", (x1, y0), (x0, y0)),
        ("left", (x0, y0), (x0, y1)),
        ("right", (x1, y1), (x1, y0)),
    ):
        length = float(np.hypot(b[0] - a[0], b[1] - a[1]))
        bays = max(1.0, round(length / 7.0))
        _unlit_quad(
            storeys,
            f"facade-{name}",
            [(a[0], a[1], z0), (b[0], b[1], z0), (b[0], b[1], z1), (a[0], a[1], z1)],
            [(0, n), (bays, n), (bays, 0), (0, 0)],
            tex.facade,
        )
    # The lift's own side of the atrium, either side of its shaft.
    for sx in (-1, 1):
        xa, xb = (SHAFT_HW, x1) if sx > 0 else (x0, -SHAFT_HW)
        _unlit_quad(
            storeys,
            "facade-front",
            [(xa, y1, z0), (xb, y1, z0), (xb, y1, z1), (xa, y1, z1)],
            [(0, n), (1, n), (1, 0), (0, 0)],
            tex.facade,
        )
    # Slab soffits every storey: horizontal bands jutting out from the facades.
    soffit = GeomBuilder()
    for k in range(-8, 8):
        z = k * FLOOR_H - 0.02
        for ax, ay, bx, by, nx, ny in (
            (x0, y0, x1, y0, 0.0, 1.0),
            (x0, y0, x0, y1, 1.0, 0.0),
            (x1, y0, x1, y1, -1.0, 0.0),
        ):
            depth = 1.2
            soffit.add_quad(
                np.array(
                    [
                        [ax, ay, z],
                        [ax + nx * depth, ay + ny * depth, z],
                        [bx + nx * depth, by + ny * depth, z],
                        [bx, by, z],
                    ]
                ),
                color=(0.82, 0.82, 0.80, 1.0),
            )
    soff = _unlit(_node(storeys, "atrium-slabs", soffit, None))
    soff.setTwoSided(True)
    ground = _unlit_quad(
        root,
        "atrium-ground",
        [(x0, y0, 0.0), (x1, y0, 0.0), (x1, y1, 0.0), (x0, y1, 0.0)],
        [(0, 0), (12, 0), (12, 8), (0, 8)],
        tex.terrazzo,
        (0.9, 0.88, 0.84, 1.0),
    )
    roof = _unlit_quad(
        root,
        "atrium-roof",
        [(x0, y1, 0.0), (x1, y1, 0.0), (x1, y0, 0.0), (x0, y0, 0.0)],
        [(0, 0), (1, 0), (1, 1), (0, 1)],
        None,
        (0.95, 0.97, 1.0, 1.0),
    )
    return Atrium(root, storeys, ground, roof)


def transparent(path: NodePath, alpha: float) -> None:
    """Fade ``path`` to ``alpha``: opaque (and cheaper) at 1, hidden at 0."""
    if alpha <= 0.001:
        if not path.isHidden():
            path.hide()
        return
    if path.isHidden():
        path.show()
    if alpha >= 0.999:
        path.setTransparency(TransparencyAttrib.MNone)
        path.clearColorScale()
    else:
        path.setTransparency(TransparencyAttrib.MAlpha)
        path.setAlphaScale(alpha)
