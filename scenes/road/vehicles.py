"""The road scene's vehicles, modelled in code: a hatchback, a saloon, a
van, a lorry, a motorbike, an ambulance and a police car.

Each model is built once (:func:`model`, cached per process) as four
builders: the body (white, so each vehicle's paint is its colour scale), the
trim (glass, tyres, grille, bumpers, plates: never tinted), the front lamps
and the rear lamps (drawn by the glow shader, their brightness the colour
scale: headlights at night, brake lights, a flash of the headlights), plus
the emergency vehicles' blue beacons. The scene makes one ``GeomNode`` per
part per kind and instances it under every vehicle that uses it.

The body is lofted: a side profile (a bottom line with the wheel arches cut
in, a top line from the bumper over the bonnet, windscreen, roof and boot)
swept across the width, narrowing above the waist as a real car's glass
does. Conventions: +X forward, +Y to the vehicle's left, Z up, metres, the
origin on the ground under the middle of the wheelbase.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from panda3d.core import Geom

from palier.scenes.heights.batch import Batch
from palier.scenes.procedural import GeomBuilder, transform

Color = tuple[float, float, float, float]

PAINT: Color = (1.0, 1.0, 1.0, 1.0)
GLASS: Color = (0.07, 0.09, 0.11, 1.0)
TYRE: Color = (0.05, 0.05, 0.05, 1.0)
RIM: Color = (0.55, 0.56, 0.58, 1.0)
PLASTIC: Color = (0.10, 0.10, 0.11, 1.0)
CHROME: Color = (0.70, 0.71, 0.73, 1.0)
PLATE: Color = (0.92, 0.92, 0.90, 1.0)
HEAD_LENS: Color = (0.95, 0.95, 0.92, 1.0)
TAIL_LENS: Color = (0.85, 0.08, 0.06, 1.0)
INDICATOR: Color = (1.0, 0.55, 0.1, 1.0)
BLUE: Color = (0.15, 0.35, 1.0, 1.0)

KINDS = ("hatchback", "saloon", "van", "lorry", "motorbike", "ambulance", "police")


@dataclass(frozen=True, slots=True)
class Model:
    kind: str
    body: Builder
    trim: Builder
    front: Builder
    rear: Builder
    beacon: Builder | None
    length: float
    width: float
    lamp_z: float
    """Height of the headlights (for their reflections on a wet road)."""


class Builder(GeomBuilder):
    """A ``GeomBuilder`` whose untransformed, untextured boxes are collected
    and written in one numpy pass (``heights.batch.Batch``) when the geometry
    is read: a vehicle has dozens of small boxes, and one ``add_mesh`` per
    face each would take most of its build time."""

    def __init__(self) -> None:
        super().__init__()
        self._batch = Batch()

    def add_box(
        self,
        center: Sequence[float],
        size: Sequence[float],
        *,
        color: Color = (1, 1, 1, 1),
        xform: np.ndarray | None = None,
        uv_scale: float = 1.0,
    ) -> None:
        if xform is not None:
            super().add_box(center, size, color=color, xform=xform, uv_scale=uv_scale)
            return
        c, z = center, size
        self._batch.box((c[0], c[1], c[2]), (z[0], z[1], z[2]), color)

    def flush(self) -> Builder:
        if not self._batch.is_empty():
            self._batch.emit(self)
            self._batch = Batch()
        return self

    def geom(self) -> Geom:
        self.flush()
        return super().geom()

    def is_empty(self) -> bool:
        return super().is_empty() and self._batch.is_empty()


def _interp(xs: np.ndarray, pts: list[tuple[float, float]]) -> np.ndarray:
    px = np.array([p[0] for p in pts])
    pz = np.array([p[1] for p in pts])
    return np.interp(xs, px, pz)


class _Loft:
    """A body swept across its width from a side profile."""

    def __init__(
        self,
        top: list[tuple[float, float]],
        bottom_z: float,
        half_width: float,
        waist_z: float,
        tumble: float,
        wheels: tuple[tuple[float, float], ...],
    ) -> None:
        self.top = sorted(top)
        self.x0, self.x1 = self.top[0][0], self.top[-1][0]
        self.bottom_z = bottom_z
        self.hw = half_width
        self.waist_z = waist_z
        self.tumble = tumble
        self.wheels = wheels

    def half_width(self, z: np.ndarray) -> np.ndarray:
        above = np.clip((z - self.waist_z) / 0.6, 0.0, 1.0)
        # A little rounding at the sills, and the glass leaning in above the waist.
        sill = np.clip((self.bottom_z + 0.12 - z) / 0.12, 0.0, 1.0)
        out: np.ndarray = self.hw - self.tumble * above**1.3 - 0.04 * sill
        return out

    def bottom(self, xs: np.ndarray) -> np.ndarray:
        zb = np.full_like(xs, self.bottom_z)
        for wx, r in self.wheels:
            d = np.abs(xs - wx)
            arch = r + 0.05
            inside = d < arch
            zb = np.where(inside, np.maximum(zb, r + np.sqrt(np.maximum(arch**2 - d**2, 0.0))), zb)
        return zb

    def side(
        self,
        b: GeomBuilder,
        xa: float,
        xb: float,
        z_lo: float | None,
        z_hi: float | None,
        color: Color,
        cols: int = 16,
        rows: int = 4,
    ) -> None:
        """Both sides between x = xa and xb, from the bottom line (or
        ``z_lo``) to the top line (or ``z_hi``), each clamped to the other."""
        xs = np.linspace(xa, xb, cols)
        top = _interp(xs, self.top)
        lo = self.bottom(xs) if z_lo is None else np.maximum(self.bottom(xs), z_lo)
        hi = top if z_hi is None else np.minimum(top, z_hi)
        lo = np.minimum(lo, hi)
        t = np.linspace(0.0, 1.0, rows)[:, None]
        zz = lo[None, :] + (hi - lo)[None, :] * t
        xx = np.broadcast_to(xs[None, :], zz.shape)
        for sign in (1.0, -1.0):
            yy = sign * self.half_width(zz)
            pts = np.stack([xx, yy, zz], axis=-1)
            uv = np.full((*zz.shape, 2), -1.0e4)
            b.add_grid(pts, uv, color=color, flip=sign < 0)

    def roof(self, b: GeomBuilder, xa: float, xb: float, color: Color, cols: int = 10) -> None:
        """The top surface between xa and xb, across the width."""
        xs = np.linspace(xa, xb, cols)
        zs = _interp(xs, self.top)
        hw = self.half_width(zs)
        across = np.linspace(-1.0, 1.0, 7)[:, None]
        # A slight crown across the roof and bonnet.
        zz = zs[None, :] + 0.03 * (1.0 - across**2)
        yy = across * hw[None, :]
        xx = np.broadcast_to(xs[None, :], zz.shape)
        pts = np.stack([xx, yy, zz], axis=-1)
        uv = np.full((*zz.shape, 2), -1.0e4)
        b.add_grid(pts, uv, color=color, flip=True)

    def end(self, b: GeomBuilder, x: float, color: Color, z_hi: float | None = None) -> None:
        """A vertical end face (the front or the back) at x."""
        ztop = float(_interp(np.array([x]), self.top)[0]) if z_hi is None else z_hi
        zs = np.linspace(self.bottom_z, ztop, 4)
        hw = self.half_width(zs)
        sign = 1.0 if x > 0 else -1.0
        pts = np.stack(
            [
                np.stack([np.full(4, x), -hw, zs], axis=-1),
                np.stack([np.full(4, x), hw, zs], axis=-1),
            ]
        )
        uv = np.full((2, 4, 2), -1.0e4)
        b.add_grid(pts, uv, color=color, flip=sign < 0)


def _wheel(trim: GeomBuilder, x: float, y: float, r: float, width: float = 0.2) -> None:
    side = 1.0 if y > 0 else -1.0
    trim.add_tube(np.array([[x, y - width / 2, r], [x, y + width / 2, r]]), r, sides=16, color=TYRE)
    # The rim: a disc just proud of the tyre's outer face, with a darker hub.
    outer = y + side * (width / 2 + 0.005)
    trim.add_tube(
        np.array([[x, outer - side * 0.01, r], [x, outer, r]]), r * 0.62, sides=14, color=RIM
    )
    trim.add_tube(
        np.array([[x, outer, r], [x, outer + side * 0.01, r]]),
        r * 0.18,
        sides=8,
        color=PLASTIC,
    )


def _lamp_pair(
    b: GeomBuilder, x: float, y: float, z: float, size: tuple[float, float], color: Color
) -> None:
    for sy in (1.0, -1.0):
        b.add_box((x, sy * y, z), (0.05, size[0], size[1]), color=color)


def _mirrors(trim: GeomBuilder, x: float, y: float, z: float) -> None:
    for sy in (1.0, -1.0):
        trim.add_box((x, sy * (y + 0.09), z), (0.12, 0.16, 0.11), color=PLASTIC)


def _plate(trim: GeomBuilder, x: float, z: float) -> None:
    trim.add_box((x, 0.0, z), (0.02, 0.52, 0.11), color=PLATE)
    # The blue bands of a European plate.
    for sy in (1.0, -1.0):
        trim.add_box((x + math.copysign(0.002, x), sy * 0.235, z), (0.02, 0.05, 0.11), color=BLUE)


def _car(kind: str) -> Model:
    saloon = kind in ("saloon", "police")
    hw = 0.90 if saloon else 0.87
    r = 0.31
    fx, rx = (1.40, -1.35) if saloon else (1.25, -1.25)
    xf, xr = fx + 0.95, rx - (1.05 if saloon else 0.75)
    top = [
        (xr, 0.62),
        (xr + 0.05, 0.92 if saloon else 0.98),
        (xr + (0.45 if saloon else 0.15), 1.00 if saloon else 1.05),
        (xr + (0.75 if saloon else 0.22), 1.02 if saloon else 1.12),
        (rx + (0.25 if saloon else -0.15), 1.40),
        (fx - 1.45, 1.44),
        (fx - 0.50, 0.97),
        (xf - 0.25, 0.82),
        (xf, 0.62),
    ]
    if not saloon:
        top = [
            (xr, 0.55),
            (xr + 0.03, 1.00),
            (xr + 0.18, 1.38),
            (xr + 0.45, 1.45),
            (fx - 1.25, 1.47),
            (fx - 0.45, 0.98),
            (xf - 0.25, 0.84),
            (xf, 0.60),
        ]
    top = sorted(top)
    loft = _Loft(top, 0.27, hw, 0.95, 0.16, ((fx, r), (rx, r)))
    body, trim, front, rear = Builder(), Builder(), Builder(), Builder()
    belt = 0.96 if saloon else 0.99
    # Lower body and the bonnet/boot tops, painted.
    loft.side(body, xr, xf, None, belt, PAINT, cols=36)
    windscreen_x0 = fx - 0.50
    roof_x0, roof_x1 = (rx + 0.25, fx - 1.45) if saloon else (xr + 0.45, fx - 1.25)
    rear_glass_x0 = xr + (0.75 if saloon else 0.18)
    loft.roof(body, windscreen_x0, xf, PAINT)  # bonnet
    loft.roof(body, xr, rear_glass_x0, PAINT)  # boot or tailgate's lower part
    loft.roof(trim, roof_x1, windscreen_x0, GLASS)  # windscreen
    loft.roof(body, roof_x0, roof_x1, PAINT)  # roof
    loft.roof(trim, rear_glass_x0, roof_x0, GLASS)  # rear window
    # The glasshouse's sides: glass between pillars.
    loft.side(trim, rear_glass_x0 + 0.02, windscreen_x0 - 0.02, belt, None, GLASS, cols=14, rows=3)
    b_pillar = (roof_x0 + roof_x1) / 2 + 0.1
    for px, w in ((b_pillar, 0.09), (rear_glass_x0 + 0.12, 0.16 if not saloon else 0.1)):
        xs = np.array([px])
        z_top = float(_interp(xs, top)[0])
        hwp = float(loft.half_width(np.array([(belt + z_top) / 2]))[0]) + 0.006
        for sy in (1.0, -1.0):
            body.add_box((px, sy * hwp, (belt + z_top) / 2), (w, 0.012, z_top - belt), color=PAINT)
    loft.end(body, xf, PAINT)
    loft.end(body, xr, PAINT)
    # Bumpers, grille, plates, sills, door handles and the shut lines of the doors.
    trim.add_box((xf + 0.03, 0.0, 0.38), (0.10, hw * 2 - 0.04, 0.20), color=PLASTIC)
    trim.add_box((xr - 0.03, 0.0, 0.40), (0.10, hw * 2 - 0.04, 0.22), color=PLASTIC)
    trim.add_box((xf + 0.01, 0.0, 0.60), (0.04, 0.80, 0.14), color=(0.04, 0.04, 0.05, 1.0))
    _plate(trim, xf + 0.085, 0.40)
    _plate(trim, xr - 0.085, 0.52)
    for sy in (1.0, -1.0):
        trim.add_box((0.0, sy * (hw - 0.02), 0.30), (fx - rx - 0.55, 0.05, 0.08), color=PLASTIC)
        for hx in (b_pillar + 0.55, b_pillar - 0.35):
            trim.add_box((hx, sy * (hw + 0.004), 0.86), (0.14, 0.02, 0.03), color=CHROME)
        for lx in (b_pillar, b_pillar + 1.05, rear_glass_x0 + 0.4):
            trim.add_box((lx, sy * (hw + 0.002), 0.62), (0.008, 0.008, 0.62), color=PLASTIC)
    _mirrors(trim, windscreen_x0 - 0.05, hw, 1.0)
    for wx in (fx, rx):
        for sy in (1.0, -1.0):
            _wheel(trim, wx, sy * (hw - 0.11), r)
    _lamp_pair(front, xf - 0.02, hw - 0.20, 0.72, (0.30, 0.10), HEAD_LENS)
    _lamp_pair(front, xf + 0.0, hw - 0.05, 0.70, (0.06, 0.06), INDICATOR)
    _lamp_pair(rear, xr - 0.01, hw - 0.14, 0.80, (0.26, 0.12), TAIL_LENS)
    beacon = None
    if kind == "police":
        # A blue stripe along the sides, a light bar on the roof.
        for sy in (1.0, -1.0):
            body.add_box((0.1, sy * (hw + 0.003), 0.72), (xf - xr - 0.5, 0.01, 0.12), color=BLUE)
        z_roof = float(_interp(np.array([(roof_x0 + roof_x1) / 2]), top)[0]) + 0.03
        trim.add_box(
            ((roof_x0 + roof_x1) / 2, 0.0, z_roof + 0.03), (0.25, 1.1, 0.06), color=PLASTIC
        )
        beacon = Builder()
        for sy in (1.0, -1.0):
            beacon.add_box(
                ((roof_x0 + roof_x1) / 2, sy * 0.32, z_roof + 0.10), (0.22, 0.36, 0.09), color=BLUE
            )
    return Model(kind, body, trim, front, rear, beacon, xf - xr, 2 * hw, 0.72)


def _van(kind: str) -> Model:
    r = 0.34
    hw = 1.0
    fx, rx = 1.55, -1.75
    xf, xr = fx + 0.85, rx - 0.95
    top = [
        (xr, 2.25),
        (fx - 1.05, 2.30),
        (fx - 0.35, 1.45),
        (xf - 0.25, 1.08),
        (xf, 0.70),
    ]
    loft = _Loft(top, 0.32, hw, 1.1, 0.08, ((fx, r), (rx, r)))
    body, trim, front, rear = Builder(), Builder(), Builder(), Builder()
    belt = 1.12
    cab_back = fx - 1.65
    windscreen_x0 = fx - 0.35
    loft.side(body, xr, xf, None, belt, PAINT, cols=36)
    loft.side(body, xr, cab_back, belt, None, PAINT, cols=12)  # the cargo box's sides
    loft.side(trim, cab_back + 0.05, windscreen_x0 - 0.03, belt, None, GLASS, cols=8, rows=3)
    hwp = float(loft.half_width(np.array([1.7]))[0]) + 0.006
    for sy in (1.0, -1.0):
        body.add_box((cab_back + 0.03, sy * hwp, 1.70), (0.1, 0.012, 1.15), color=PAINT)
    loft.roof(body, xr, fx - 1.05, PAINT)
    loft.roof(trim, fx - 1.05, windscreen_x0, GLASS)
    loft.roof(body, windscreen_x0, xf, PAINT)
    loft.end(body, xf, PAINT)
    loft.end(body, xr, PAINT)
    trim.add_box((xr - 0.004, 0.0, 1.35), (0.01, 0.01, 1.9), color=PLASTIC)  # rear doors' split
    trim.add_box((xf + 0.03, 0.0, 0.42), (0.10, hw * 2 - 0.04, 0.22), color=PLASTIC)
    trim.add_box((xr - 0.03, 0.0, 0.42), (0.10, hw * 2 - 0.04, 0.22), color=PLASTIC)
    trim.add_box((xf + 0.01, 0.0, 0.72), (0.04, 1.0, 0.22), color=(0.04, 0.04, 0.05, 1.0))
    _plate(trim, xf + 0.085, 0.44)
    _plate(trim, xr - 0.085, 0.55)
    _mirrors(trim, windscreen_x0 - 0.1, hw, 1.25)
    for sy in (1.0, -1.0):
        trim.add_box((fx - 0.75, sy * (hw + 0.004), 1.02), (0.16, 0.02, 0.035), color=CHROME)
        trim.add_box((-0.3, sy * (hw + 0.002), 1.2), (0.01, 0.01, 1.6), color=PLASTIC)
    for wx in (fx, rx):
        for sy in (1.0, -1.0):
            _wheel(trim, wx, sy * (hw - 0.13), r, 0.22)
    _lamp_pair(front, xf - 0.03, hw - 0.22, 0.88, (0.32, 0.14), HEAD_LENS)
    _lamp_pair(rear, xr - 0.01, hw - 0.10, 0.95, (0.14, 0.32), TAIL_LENS)
    beacon = None
    if kind == "ambulance":
        # Hi-vis bands (a chequer of yellow and green along each side) and
        # blue beacons at the roof's four corners.
        for sy in (1.0, -1.0):
            for i in range(8):
                x = xr + 0.2 + i * 0.5
                c: Color = (0.95, 0.85, 0.05, 1.0) if i % 2 else (0.1, 0.6, 0.25, 1.0)
                body.add_box((x, sy * (hw + 0.004), 0.80), (0.5, 0.01, 0.22), color=c)
        beacon = Builder()
        for bx in (xr + 0.15, fx - 1.15):
            for sy in (1.0, -1.0):
                beacon.add_box((bx, sy * (hw - 0.12), 2.37), (0.18, 0.18, 0.12), color=BLUE)
        for sy in (1.0, -1.0):
            beacon.add_box((xf + 0.02, sy * 0.42, 0.78), (0.04, 0.12, 0.06), color=BLUE)
    return Model(kind, body, trim, front, rear, beacon, xf - xr, 2 * hw, 0.88)


def _lorry() -> Model:
    body, trim, front, rear = Builder(), Builder(), Builder(), Builder()
    hw = 1.25
    r = 0.50
    cab_x0, cab_x1 = 2.2, 4.3
    # The cab: a tall box with a sloping windscreen (lofted), on the chassis.
    top = [(cab_x0, 3.05), (cab_x1 - 0.25, 3.05), (cab_x1 - 0.05, 1.95), (cab_x1, 0.9)]
    cab = _Loft(top, 0.75, hw, 1.9, 0.05, ())
    cab.side(body, cab_x0, cab_x1, None, 1.85, PAINT, cols=8)
    cab.side(body, cab_x0, cab_x0 + 0.9, 1.85, None, PAINT, cols=4)
    cab.side(trim, cab_x0 + 0.9, cab_x1 - 0.1, 1.85, None, GLASS, cols=6, rows=3)
    cab.roof(body, cab_x0, cab_x1 - 0.25, PAINT)
    cab.roof(trim, cab_x1 - 0.25, cab_x1 - 0.05, GLASS)
    cab.roof(body, cab_x1 - 0.05, cab_x1, PAINT)
    cab.end(body, cab_x1, PAINT, z_hi=1.95)
    cab.end(body, cab_x0, PAINT)
    trim.add_box((cab_x1 + 0.02, 0.0, 1.25), (0.05, 1.9, 0.6), color=(0.05, 0.05, 0.06, 1.0))
    trim.add_box((cab_x1 + 0.05, 0.0, 0.62), (0.12, 2.45, 0.3), color=PLASTIC)
    _plate(trim, cab_x1 + 0.12, 0.62)
    _mirrors(trim, cab_x1 - 0.2, hw + 0.15, 2.1)
    for sy in (1.0, -1.0):
        trim.add_box((cab_x1 - 0.2, sy * (hw + 0.2), 2.1), (0.05, 0.05, 0.5), color=PLASTIC)
    # The box body (a separate colour: the box is white whatever the cab's paint).
    box_x0, box_x1 = -5.2, 2.05
    trim.add_box(
        ((box_x0 + box_x1) / 2, 0.0, 2.35), (box_x1 - box_x0, 2 * hw + 0.05, 2.9), color=PLATE
    )
    trim.add_box(((box_x0 + box_x1) / 2, 0.0, 0.72), (box_x1 - box_x0, 1.0, 0.3), color=PLASTIC)
    for sy in (1.0, -1.0):
        trim.add_box(
            ((box_x0 + box_x1) / 2, sy * (hw - 0.1), 0.75),
            (box_x1 - box_x0 - 0.4, 0.05, 0.25),
            color=TYRE,
        )
    trim.add_box((box_x0 - 0.01, 0.0, 2.35), (0.02, 0.02, 2.8), color=PLASTIC)
    _plate(trim, box_x0 - 0.03, 0.7)
    for wx in (3.3, -2.6, -3.7):
        for sy in (1.0, -1.0):
            _wheel(trim, wx, sy * (hw - 0.2), r, 0.35)
    _lamp_pair(front, cab_x1 + 0.08, hw - 0.3, 0.95, (0.34, 0.16), HEAD_LENS)
    _lamp_pair(rear, box_x0 - 0.02, hw - 0.2, 0.75, (0.30, 0.14), TAIL_LENS)
    return Model("lorry", body, trim, front, rear, None, cab_x1 - box_x0, 2 * hw, 0.95)


def _motorbike() -> Model:
    body, trim, front, rear = Builder(), Builder(), Builder(), Builder()
    r = 0.31
    for wx in (0.72, -0.72):
        trim.add_tube(np.array([[wx, -0.07, r], [wx, 0.07, r]]), r, sides=18, color=TYRE)
        trim.add_tube(np.array([[wx, -0.075, r], [wx, 0.075, r]]), 0.2, sides=12, color=RIM)
    # Fork, frame, engine, exhaust, handlebars.
    trim.add_tube(np.array([[0.72, 0.0, r], [0.55, 0.0, 0.95]]), 0.035, sides=6, color=CHROME)
    trim.add_tube(np.array([[0.5, 0.0, 0.9], [-0.5, 0.0, 0.75]]), 0.05, sides=6, color=PLASTIC)
    trim.add_box((0.0, 0.0, 0.5), (0.5, 0.3, 0.35), color=(0.25, 0.25, 0.27, 1.0))
    trim.add_tube(np.array([[0.1, -0.18, 0.35], [-0.9, -0.2, 0.45]]), 0.05, sides=8, color=CHROME)
    trim.add_tube(np.array([[0.52, -0.35, 1.05], [0.52, 0.35, 1.05]]), 0.02, sides=6, color=PLASTIC)
    # Tank, seat, front fairing and rear fender: the paint.
    body.add_ellipsoid((0.22, 0.0, 0.92), (0.17, 0.28, 0.13), color=PAINT)
    body.add_ellipsoid((0.58, 0.0, 1.0), (0.16, 0.12, 0.18), color=PAINT)
    body.add_box((-0.7, 0.0, 0.75), (0.5, 0.16, 0.06), color=PAINT)
    trim.add_box((-0.25, 0.0, 0.86), (0.55, 0.26, 0.08), color=PLASTIC)
    front.add_box((0.73, 0.0, 0.98), (0.03, 0.14, 0.12), color=HEAD_LENS)
    rear.add_box((-0.95, 0.0, 0.8), (0.03, 0.12, 0.06), color=TAIL_LENS)
    _plate(trim, -0.97, 0.66)
    return Model("motorbike", body, trim, front, rear, None, 2.1, 0.8, 0.98)


@cache
def model(kind: str) -> Model:
    """The model of one kind (built once a process; its builders are only read)."""
    if kind in ("hatchback", "saloon", "police"):
        m = _car(kind)
    elif kind in ("van", "ambulance"):
        m = _van(kind)
    elif kind == "lorry":
        m = _lorry()
    elif kind == "motorbike":
        m = _motorbike()
    else:
        raise ValueError(f"no vehicle kind {kind!r}; kinds: {', '.join(KINDS)}")
    for part in (m.body, m.trim, m.front, m.rear, m.beacon):
        if part is not None:
            part.flush()
    return m


@cache
def geoms(kind: str) -> dict[str, Geom | None]:
    """The kind's parts as ``Geom`` s (made once a process, shared by every
    scene that shows the kind: geoms are read-only once made)."""
    m = model(kind)
    return {
        "body": m.body.geom(),
        "trim": m.trim.geom(),
        "front": m.front.geom(),
        "rear": m.rear.geom(),
        "beacon": m.beacon.geom() if m.beacon is not None else None,
    }


def baked(kind: str, paint: Color, xform: np.ndarray) -> GeomBuilder:
    """A parked vehicle as one builder (body painted, lamps dark), placed by
    ``xform``: parked cars are merged into the street's static geometry."""
    m = model(kind)
    out = GeomBuilder()
    out.merge(_tinted(m.body, paint), xform=xform)
    out.merge(m.trim, xform=xform)
    out.merge(_tinted(m.front, (0.75, 0.75, 0.75, 1.0)), xform=xform)
    out.merge(_tinted(m.rear, (0.6, 0.6, 0.6, 1.0)), xform=xform)
    return out


def _tinted(b: GeomBuilder, color: Color) -> GeomBuilder:
    """A copy of ``b`` with its vertex colours multiplied by ``color``."""
    out = GeomBuilder()
    out.merge(b)
    k = np.asarray(color, dtype=np.float32)
    for verts in out._verts:  # a fresh copy: merge copied every chunk
        verts[:, 6:10] *= k
    return out


def place(x: float, y: float, heading: float) -> np.ndarray:
    return transform((x, y, 0.0), (heading, 0.0, 0.0))
