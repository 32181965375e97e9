"""The car's cabin round the front passenger seat (France drives on the
right: the driver sits on the patient's left). Built in the patient's frame
(the root's: the head anchor above the origin, facing +Y, the road at z = 0)
and never moved: in the car the street moves, not the patient.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from panda3d.core import Geom, GeomNode, NodePath, TransparencyAttrib

from palier.scenes.procedural import UNTEXTURED_UV, GeomBuilder, transform
from palier.scenes.road.shaders import glow_shader

DRIVER_X = -0.74  # the driver's seat centre, left of the patient
DASH_Y = 0.66
DASH_Z = 0.80
GLASS_BASE = (1.18, 0.90)  # y, z of the windscreen's foot
GLASS_TOP = (0.48, 1.44)  # y, z of its head


@dataclass(slots=True)
class Cabin:
    root: NodePath
    glass: NodePath
    """The windscreen: faintly visible, streaked with rain (alpha by rain)."""
    wipers: list[NodePath]
    instruments: NodePath


def _panel(b: GeomBuilder, corners: list[tuple[float, float, float]], color: tuple) -> None:
    b.add_quad(np.array(corners, dtype=float), uvs=np.full((4, 2), UNTEXTURED_UV), color=color)


@cache
def _geoms() -> tuple[Geom, Geom, Geom, Geom]:
    """The cabin, its instruments, the windscreen and a wiper blade (made
    once a process; the geoms are read-only)."""
    b = GeomBuilder()
    dash = (0.13, 0.13, 0.14, 1.0)
    trim = (0.30, 0.30, 0.31, 1.0)
    lining = (0.62, 0.61, 0.58, 1.0)
    # The dashboard: a broad top sloping to the windscreen, a face toward the patient.
    # The top slopes up from the face to the windscreen's foot.
    top = np.array(
        [
            [[x, DASH_Y, DASH_Z], [x, GLASS_BASE[0] + 0.02, GLASS_BASE[1] - 0.02]]
            for x in (0.45, -1.15)
        ]
    )
    b.add_grid(top, np.full((2, 2, 2), UNTEXTURED_UV), color=(0.16, 0.16, 0.17, 1.0))
    b.add_box((-0.35, DASH_Y, DASH_Z - 0.18), (1.6, 0.12, 0.30), color=dash)
    b.add_box((0.05, DASH_Y - 0.07, DASH_Z - 0.22), (0.55, 0.03, 0.18), color=trim)  # glovebox
    b.add_box((-0.35, DASH_Y - 0.12, DASH_Z - 0.45), (0.25, 0.45, 0.35), color=dash)  # console
    b.add_box((DRIVER_X, DASH_Y + 0.02, DASH_Z + 0.02), (0.45, 0.18, 0.10), color=dash)  # binnacle
    # The A-pillars from the dashboard's corners to the roof, and the header rail.
    for x0, x1 in ((0.47, 0.42), (-1.17, -1.12)):
        b.add_tube(
            np.array([[x0, GLASS_BASE[0], GLASS_BASE[1]], [x1, GLASS_TOP[0], GLASS_TOP[1]]]),
            0.045,
            sides=8,
            color=trim,
        )
    b.add_box((-0.35, GLASS_TOP[0] - 0.05, GLASS_TOP[1] + 0.03), (1.6, 0.12, 0.06), color=lining)
    _panel(
        b,
        [
            (0.45, -0.9, 1.44),
            (-1.15, -0.9, 1.44),
            (-1.15, GLASS_TOP[0], 1.42),
            (0.45, GLASS_TOP[0], 1.42),
        ],
        lining,
    )
    # The patient's door: its panel, armrest, and the side window's frame.
    _panel(b, [(0.52, -0.7, 0.35), (0.52, 0.9, 0.35), (0.52, 0.9, 0.92), (0.52, -0.7, 0.92)], trim)
    b.add_box((0.49, 0.0, 0.66), (0.06, 0.5, 0.05), color=dash)
    b.add_tube(np.array([[0.5, -0.55, 0.93], [0.5, -0.55, 1.40]]), 0.04, sides=6, color=trim)
    # The rear-view mirror.
    b.add_box((-0.37, GLASS_TOP[0] + 0.10, 1.36), (0.20, 0.025, 0.05), color=(0.1, 0.1, 0.1, 1.0))
    b.add_box((-0.37, GLASS_TOP[0] + 0.12, 1.41), (0.02, 0.02, 0.06), color=dash)
    # The steering wheel in front of the driver.
    ring = np.array(
        [
            [DRIVER_X + 0.19 * np.cos(a), 0.0, 0.19 * np.sin(a)]
            for a in np.linspace(0, 2 * np.pi, 25)
        ]
    )
    wheel = transform((0.0, DASH_Y - 0.16, DASH_Z - 0.02), (0.0, 22.0, 0.0))
    b.add_tube(ring, 0.018, sides=6, color=(0.06, 0.06, 0.06, 1.0), xform=wheel)
    b.add_box((DRIVER_X, 0.0, 0.0), (0.36, 0.03, 0.05), color=(0.08, 0.08, 0.08, 1.0), xform=wheel)
    # The bonnet seen through the windscreen (painted dark blue), and its lip.
    paint = (0.10, 0.16, 0.30, 1.0)
    pts = np.array(
        [[x, y, z] for y, z in ((1.15, 0.93), (2.7, 0.80)) for x in np.linspace(-1.10, 0.42, 6)]
    ).reshape(2, 6, 3)
    pts[:, :, 2] += 0.05 * (1.0 - ((pts[:, :, 0] + 0.34) / 0.76) ** 2)
    b.add_grid(pts, np.full((2, 6, 2), UNTEXTURED_UV), color=paint, flip=True)
    # Instruments: a soft glow behind the wheel (bright at night).
    ib = GeomBuilder()
    ib.add_box(
        (DRIVER_X, DASH_Y - 0.07, DASH_Z + 0.02), (0.34, 0.01, 0.08), color=(0.9, 0.6, 0.3, 1.0)
    )
    ib.add_box(
        (0.0 - 0.35, DASH_Y - 0.065, DASH_Z - 0.10), (0.16, 0.01, 0.07), color=(0.4, 0.7, 1.0, 1.0)
    )
    # The windscreen: a faint tint with the rain on it (drops in its alpha).
    gb = GeomBuilder()
    y0, z0 = GLASS_BASE
    y1, z1 = GLASS_TOP
    rng = np.random.default_rng(7)
    gb.add_quad(
        np.array([[0.45, y0, z0], [-1.15, y0, z0], [-1.10, y1, z1], [0.40, y1, z1]]),
        color=(0.55, 0.6, 0.65, 0.10),
    )
    for _ in range(160):  # rain drops and runs
        f, s = rng.random(), rng.random()
        x = 0.42 - 1.55 * s
        y = y0 + (y1 - y0) * f
        z = z0 + (z1 - z0) * f - 0.002
        h = rng.uniform(0.003, 0.012)
        w = rng.uniform(0.0015, 0.004)
        gb.add_quad(
            np.array(
                [
                    [x - w, y + h * 0.5, z - h],
                    [x + w, y + h * 0.5, z - h],
                    [x + w, y, z],
                    [x - w, y, z],
                ]
            ),
            color=(0.8, 0.85, 0.9, 0.3),
        )
    wb = GeomBuilder()
    wb.add_box((0.0, 0.27, 0.0), (0.02, 0.55, 0.012), color=(0.05, 0.05, 0.05, 1.0))
    return b.geom(), ib.geom(), gb.geom(), wb.geom()


def _node(parent: NodePath, name: str, geom: Geom) -> NodePath:
    node = GeomNode(name)
    node.addGeom(geom)
    return parent.attachNewNode(node)


def build_cabin(parent: NodePath) -> Cabin:
    root = parent.attachNewNode("car-cabin")
    cabin, dials, screen, blade = _geoms()
    _node(root, "cabin", cabin).setTwoSided(True)
    instruments = _node(root, "instruments", dials)
    instruments.setShader(glow_shader(), 1)
    glass = _node(root, "windscreen", screen)
    glass.setShader(glow_shader(), 1)
    glass.setTwoSided(True)
    glass.setTransparency(TransparencyAttrib.MAlpha)
    glass.setDepthWrite(False)
    glass.setBin("transparent", 10)
    wipers: list[NodePath] = []
    y0, z0 = GLASS_BASE
    for px in (-0.10, -0.85):
        pivot = root.attachNewNode("wiper")
        pivot.setPos(px, y0 - 0.03, z0 + 0.015)
        pivot.setP(-57.0)  # lie in the glass's plane
        wipers.append(_node(pivot, "wiper-blade", blade))
    return Cabin(root, glass, wipers, instruments)
