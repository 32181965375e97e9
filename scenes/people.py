"""The shared procedural person: passengers, audiences, people in a lift, pedestrians.

A :class:`PersonLook` (build, proportions, skin tone, hair, clothing, glasses)
is drawn deterministically from a seed; :class:`Person` builds that look as
one skinned mesh (vertex colours, no texture, one shared material) over a
small rig of bone nodes, and animates it by setting a few joint angles:

    look = PersonLook.random(np.random.default_rng(seed))
    person = Person(look, scene_root, pose="seated", seat_height=0.45)
    person.root.setPos(x, y, 0)                 # the floor under the hips
    ...each frame...
    person.breathe(t)
    person.look_at(head_point, dt)              # in ``scene_root`` coordinates
    person.phone(0.0); person.arms_crossed(0.7); person.nod(t, amount)
    person.apply()                              # writes the changed joints

Frame: Panda3D's (Z up, the person faces +Y, metres). Limb bones hang along
their local -Z; a positive pitch swings a limb forward.

One draw call a person. Every body part is bound rigidly to its bone and the
GPU moves it (:func:`~palier.scenes.procedural.skinned_geom`,
:func:`~palier.scenes.procedural.bind_bones`): the bone nodes live in the
person's ``skeleton``, a graph of their own whose frame is the root's, so
posing a joint touches nothing that is drawn (the phone, shown only in the
phone pose, is a second skinned mesh). Use :meth:`Person.point` for where a
part of the body is. Rigid bones (the legs of a seated person, the forearms
and head of a far one) are baked into their parent's part at build time:
fewer bones to pose; the nodes stay, so the same animation code runs on
every person.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
from panda3d.core import (
    Geom,
    GeomNode,
    LMatrix4f,
    Material,
    NodePath,
    Point3,
    RenderState,
    ShaderAttrib,
)

from palier.scenes.procedural import (
    Color,
    GeomBuilder,
    ProceduralError,
    bind_bones,
    hand_builder,
    material,
    skinned_geom,
    skinned_lit_shader,
    transform,
)

TAU = 2.0 * math.pi
Pose = Literal["standing", "seated"]
Detail = Literal["near", "far"]

SKIN_TONES: tuple[Color, ...] = (
    (0.94, 0.80, 0.71, 1.0),  # very fair
    (0.88, 0.70, 0.58, 1.0),
    (0.80, 0.61, 0.48, 1.0),
    (0.69, 0.50, 0.37, 1.0),  # olive / light brown
    (0.57, 0.39, 0.27, 1.0),
    (0.44, 0.29, 0.20, 1.0),
    (0.32, 0.20, 0.14, 1.0),
    (0.23, 0.15, 0.11, 1.0),  # very dark
)
HAIR_COLOURS: dict[str, Color] = {
    "black": (0.035, 0.030, 0.028, 1.0),
    "dark_brown": (0.11, 0.07, 0.045, 1.0),
    "brown": (0.24, 0.15, 0.09, 1.0),
    "light_brown": (0.42, 0.30, 0.18, 1.0),
    "blonde": (0.70, 0.56, 0.36, 1.0),
    "red": (0.48, 0.20, 0.09, 1.0),
    "grey": (0.52, 0.51, 0.50, 1.0),
    "white": (0.80, 0.79, 0.76, 1.0),
}
CLOTH_COLOURS: tuple[Color, ...] = (
    (0.10, 0.12, 0.20, 1.0),  # navy
    (0.17, 0.17, 0.18, 1.0),  # charcoal
    (0.06, 0.06, 0.065, 1.0),  # black
    (0.50, 0.50, 0.50, 1.0),  # grey
    (0.86, 0.86, 0.84, 1.0),  # white
    (0.70, 0.63, 0.50, 1.0),  # beige
    (0.30, 0.32, 0.20, 1.0),  # olive
    (0.40, 0.10, 0.13, 1.0),  # burgundy
    (0.52, 0.62, 0.76, 1.0),  # light blue
    (0.35, 0.23, 0.15, 1.0),  # brown
    (0.12, 0.28, 0.22, 1.0),  # dark green
    (0.70, 0.55, 0.18, 1.0),  # mustard
    (0.62, 0.32, 0.36, 1.0),  # dusty rose
)
DENIM: Color = (0.17, 0.23, 0.36, 1.0)
IRIS_COLOURS: tuple[Color, ...] = (
    (0.16, 0.09, 0.05, 1.0),
    (0.25, 0.15, 0.07, 1.0),
    (0.30, 0.36, 0.22, 1.0),
    (0.28, 0.40, 0.55, 1.0),
)
TOPS = ("tshirt", "shirt", "sweater", "jacket")
BOTTOMS = ("trousers", "jeans", "skirt", "dress")
HAIR_STYLES = ("short", "buzz", "bob", "long", "bun", "bald")

FACE = ("lip_ul", "lip_ur", "lip_ll", "lip_lr", "mouth", "brow_l", "brow_r")
"""The face's bones: upper and lower lip halves (left, right), the mouth's
inside (opened by scaling) and the brows, children of the head, so a smile,
a frown, a yawn or a laugh is a few joint moves (see :meth:`Person.expression`)."""
BONES = (
    "pelvis",
    "chest",
    "neck",
    "head",
    "upper_arm_l",
    "forearm_l",
    "upper_arm_r",
    "forearm_r",
    "thigh_l",
    "shin_l",
    "thigh_r",
    "shin_r",
)
ALL_BONES = BONES + FACE
PARENT = {
    "pelvis": "",
    "chest": "pelvis",
    "neck": "chest",
    "head": "neck",
    "upper_arm_l": "chest",
    "forearm_l": "upper_arm_l",
    "upper_arm_r": "chest",
    "forearm_r": "upper_arm_r",
    "thigh_l": "pelvis",
    "shin_l": "thigh_l",
    "thigh_r": "pelvis",
    "shin_r": "thigh_r",
    **{bone: "head" for bone in FACE},
}
LEGS = frozenset({"thigh_l", "shin_l", "thigh_r", "shin_r"})

HEAD_YAW_MAX = 70.0
HEAD_PITCH_MAX = 35.0
CHEST_YAW_SHARE = 0.25
CHEST_YAW_MAX = 18.0


def _mix(a: Color, b: Color, t: float) -> Color:
    return (
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
        1.0,
    )


def _scale(c: Color, k: float) -> Color:
    return (min(1.0, c[0] * k), min(1.0, c[1] * k), min(1.0, c[2] * k), c[3])


@dataclass(frozen=True, slots=True)
class PersonLook:
    """Everything that makes one person look like themselves."""

    sex: Literal["female", "male"]
    height: float  # metres, standing
    shoulder: float  # half biacromial width factor (1 = typical for sex)
    hip: float  # hip width factor
    weight: float  # 0 slim .. 1 heavy
    skin: Color
    hair_style: str
    hair: Color
    top: str
    top_colour: Color
    under_colour: Color  # a jacket's shirt; a shirt's collar line
    bottom: str
    bottom_colour: Color
    shoes: Color
    iris: Color
    glasses: bool
    stubble: bool

    @staticmethod
    def random(rng: np.random.Generator) -> PersonLook:
        """An adult drawn from plausible ranges (same generator state, same person)."""
        female = bool(rng.random() < 0.5)
        height = float(np.clip(rng.normal(1.63 if female else 1.77, 0.065), 1.50, 1.98))
        tone = float(rng.random()) * (len(SKIN_TONES) - 1)
        lo = int(tone)
        hi = min(lo + 1, len(SKIN_TONES) - 1)
        skin = _mix(SKIN_TONES[lo], SKIN_TONES[hi], tone - lo)
        warm = float(rng.normal(0.0, 0.02))
        skin = (skin[0] + warm, skin[1], skin[2] - warm, 1.0)
        dark_skin = tone > 4.0
        age = float(rng.random())  # older people grey
        if age > 0.85:
            hair_name = "grey" if rng.random() < 0.6 else "white"
        elif dark_skin:
            hair_name = "black" if rng.random() < 0.75 else "dark_brown"
        else:
            names = ("black", "dark_brown", "brown", "light_brown", "blonde", "red")
            weights = np.array([0.18, 0.30, 0.24, 0.13, 0.11, 0.04])
            hair_name = names[int(rng.choice(len(names), p=weights))]
        if female:
            style = ("bob", "long", "bun", "short")[int(rng.choice(4, p=[0.3, 0.4, 0.2, 0.1]))]
        else:
            style = ("short", "buzz", "bald")[
                int(rng.choice(3, p=[0.6, 0.2 if age < 0.6 else 0.1, 0.2 if age < 0.6 else 0.3]))
            ]
        top = TOPS[int(rng.integers(len(TOPS)))]
        if female:
            bottom = BOTTOMS[int(rng.choice(4, p=[0.35, 0.25, 0.2, 0.2]))]
        else:
            bottom = BOTTOMS[int(rng.choice(2, p=[0.55, 0.45]))]
        colours = rng.permutation(len(CLOTH_COLOURS))
        top_colour = CLOTH_COLOURS[int(colours[0])]
        under = CLOTH_COLOURS[int(colours[1])] if top == "jacket" else _scale(top_colour, 0.8)
        bottom_colour = DENIM if bottom == "jeans" else CLOTH_COLOURS[int(colours[2])]
        if bottom == "dress":
            bottom_colour = top_colour
        shoes = (
            (0.85, 0.85, 0.83, 1.0)
            if rng.random() < 0.2
            else _scale((0.12, 0.08, 0.06, 1.0), 0.6 + 0.8 * float(rng.random()))
        )
        iris = (
            IRIS_COLOURS[int(rng.integers(2))] if dark_skin else IRIS_COLOURS[int(rng.integers(4))]
        )
        return PersonLook(
            sex="female" if female else "male",
            height=height,
            shoulder=float(np.clip(rng.normal(1.0, 0.05), 0.88, 1.12)),
            hip=float(np.clip(rng.normal(1.0, 0.05), 0.88, 1.12)),
            weight=float(np.clip(rng.beta(2.0, 3.0), 0.0, 1.0)),
            skin=skin,
            hair_style=style,
            hair=HAIR_COLOURS[hair_name],
            top=top,
            top_colour=top_colour,
            under_colour=under,
            bottom=bottom,
            bottom_colour=bottom_colour,
            shoes=shoes,
            iris=iris,
            glasses=bool(rng.random() < 0.25),
            stubble=(not female) and bool(rng.random() < 0.35),
        )

    @staticmethod
    def from_seed(seed: int) -> PersonLook:
        return PersonLook.random(np.random.default_rng(seed))


# -- proportions -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Body:
    """Lengths (metres) and joint positions derived from a look."""

    h: float
    hip_z: float  # hip joint above the floor, standing
    waist_dz: float  # waist (spine pivot) above the hip joint
    neck_dz: float  # neck base above the waist
    shoulder_x: float
    shoulder_dz: float  # shoulder joints above the waist
    hip_x: float
    upper_arm: float
    forearm: float
    thigh: float
    shin: float
    ankle: float  # ankle joint above the sole
    head_k: float  # head size factor
    girth: float  # limb and torso thickness factor
    belly: float
    female: bool

    @staticmethod
    def of(look: PersonLook) -> Body:
        h = look.height
        f = look.sex == "female"
        return Body(
            h=h,
            hip_z=0.53 * h,
            waist_dz=0.085 * h,
            neck_dz=0.215 * h,
            shoulder_x=(0.089 if f else 0.099) * h * look.shoulder,
            shoulder_dz=0.19 * h,
            hip_x=(0.052 if f else 0.05) * h * look.hip,
            upper_arm=0.180 * h,
            forearm=0.150 * h,
            thigh=0.245 * h,
            shin=0.245 * h,
            ankle=0.04 * h,
            head_k=(h / 1.75) ** 0.35 * (0.96 if f else 1.0),
            girth=(h / 1.75) * (0.92 + 0.28 * look.weight) * (0.94 if f else 1.0),
            belly=look.weight,
            female=f,
        )


# -- mesh helpers ----------------------------------------------------------------------------
def _surface(
    b: GeomBuilder,
    pts: np.ndarray,
    colours: np.ndarray | Color,
    xform: np.ndarray | None = None,
    *,
    centre: np.ndarray | None = None,
) -> None:
    """A closed-ish (rows, cols, 3) surface with normals from the grid, wound
    so they face away from ``centre`` (default: the points' mean)."""
    c = pts.reshape(-1, 3).mean(axis=0) if centre is None else centre
    du = np.gradient(pts, axis=1)
    dv = np.gradient(pts, axis=0)
    nrm = np.cross(dv, du)
    if float(np.einsum("ijk,ijk->", nrm, pts - c)) < 0.0:
        pts = pts[:, ::-1]
        if isinstance(colours, np.ndarray):
            colours = colours[:, ::-1]
        du = np.gradient(pts, axis=1)
        nrm = np.cross(dv, du)
    length = np.linalg.norm(nrm, axis=-1, keepdims=True)
    radial = pts - c
    radial = radial / np.maximum(np.linalg.norm(radial, axis=-1, keepdims=True), 1e-9)
    nrm = np.where(length > 1e-10, nrm / np.maximum(length, 1e-12), radial)
    rows, cols = pts.shape[:2]
    uv = np.zeros((rows, cols, 2))
    col: np.ndarray | Color = colours
    if isinstance(colours, np.ndarray):
        col = colours.reshape(-1, 4)
    b.add_grid(pts, uv, nrm, color=col, xform=xform)


def _gauss(x: np.ndarray, z: np.ndarray, cx: float, cz: float, sx: float, sz: float) -> np.ndarray:
    result: np.ndarray = np.exp(-(((x - cx) / sx) ** 2) - ((z - cz) / sz) ** 2)
    return result


class HeadShape:
    """A head as a deformed ellipsoid: (theta, phi) on the unit sphere, theta
    0 at the crown, phi 0 facing +Y, to a point in the head bone's frame
    (origin at the top of the neck)."""

    def __init__(self, look: PersonLook, body: Body) -> None:
        k = body.head_k
        f = body.female
        self.a = (0.074 if f else 0.078) * k  # half width
        self.b = (0.094 if f else 0.099) * k  # half depth
        self.c = (0.112 if f else 0.118) * k  # half height
        self.centre = np.array([0.0, 0.012 * k, 0.066 * k])
        self.jaw = 0.30 if f else 0.22
        self.brow = 0.0025 if f else 0.006
        self.k = k

    def unit(self, theta: np.ndarray, phi: np.ndarray) -> tuple[np.ndarray, ...]:
        s = np.sin(theta)
        return s * np.sin(phi), s * np.cos(phi), np.cos(theta)

    def point(self, theta: np.ndarray, phi: np.ndarray) -> np.ndarray:
        x0, y0, z0 = self.unit(np.asarray(theta, float), np.asarray(phi, float))
        k = self.k
        # Squarer face, rounder skull: flatten the front's curvature.
        yf = np.where(y0 > 0, np.abs(y0) ** 0.78, -(np.abs(y0) ** 0.95))
        x = self.a * x0
        y = self.b * yf
        z = self.c * z0
        low = np.clip(-z0, 0.0, 1.0)
        x = x * (1.0 - self.jaw * low**1.6)
        front = np.clip(y0 * 2.5, 0.0, 1.0)
        back = np.clip(-y0 * 2.0, 0.0, 1.0)
        # The lower back of the head curves in to the neck; the jaw juts.
        y = y * (1.0 - 0.45 * back * np.clip((-z0 - 0.15) / 0.85, 0.0, 1.0))
        y = y + 0.010 * k * front * np.clip(-z0, 0.0, 1.0) ** 0.8
        y = y - 0.015 * k * front * np.clip(-z0 - 0.55, 0.0, 1.0) ** 1.3 / 0.45
        # Features pressed into / raised from the front.
        ex = np.abs(x0)
        y = y - 0.011 * k * front * _gauss(ex, z0, 0.38, 0.10, 0.15, 0.10)  # eye sockets
        y = y + self.brow * k / 0.006 * 0.006 * front * _gauss(ex, z0, 0.35, 0.27, 0.30, 0.07)
        cheek = 0.006 * k * front * _gauss(ex, z0, 0.52, -0.12, 0.18, 0.16)
        y = y + cheek
        x = x + np.sign(x0) * cheek * 0.8
        y = y + 0.008 * k * front * _gauss(x0, z0, 0.0, -0.55, 0.32, 0.22)  # muzzle
        # The chin stands under the lips, its front upright and a shallow
        # hollow between: the ellipsoid alone slopes the lower face back toward
        # its pole, and under a ceiling light that downward-facing patch read
        # as a dark goatee on every face.
        y = y + 0.030 * k * front * _gauss(x0, z0, 0.0, -0.84, 0.30, 0.12)  # chin
        return np.stack([x, y, z], axis=-1) + self.centre

    def at_face(self, x0: float, z0: float) -> np.ndarray:
        """The surface point whose sphere direction has these x and z."""
        theta = math.acos(max(-1.0, min(1.0, z0)))
        s = max(math.sin(theta), 1e-6)
        phi = math.asin(max(-1.0, min(1.0, x0 / s)))
        return np.asarray(self.point(np.array(theta), np.array(phi)), dtype=float)


# -- the parts -------------------------------------------------------------------------------
def _head(look: PersonLook, body: Body, detail: Detail) -> GeomBuilder:
    b = GeomBuilder()
    hs = HeadShape(look, body)
    k = hs.k
    # Rings every 20 degrees over the crown (under the hair), 10 over the brow,
    # eyes and nose, 5 from the mouth to under the chin (the hollow under the
    # lip and the chin's front are a few degrees each).
    if detail == "near":
        th = np.radians(
            np.concatenate(
                [[0, 20, 40], np.arange(60, 115, 10), np.arange(115, 160, 5), [165, 180]]
            )
        )
        segs = 24
    else:
        th, segs = np.linspace(0.0, math.pi, 11), 12
    ph = np.linspace(-math.pi, math.pi, segs + 1)
    tt, pp = np.meshgrid(th, ph, indexing="ij")
    pts = hs.point(tt, pp)
    x0, y0, z0 = hs.unit(tt, pp)
    skin = np.array(look.skin)
    cols = np.broadcast_to(skin, (*pts.shape[:2], 4)).copy()
    front = np.clip(y0 * 2.5, 0.0, 1.0)
    blush = front * _gauss(np.abs(x0), z0, 0.5, -0.25, 0.2, 0.18)
    cols[..., 0] += 0.05 * blush * (1.0 - skin[0] * 0.3)
    cols[..., 1] -= 0.015 * blush
    socket = front * _gauss(np.abs(x0), z0, 0.38, 0.08, 0.14, 0.09)
    cols[..., :3] *= (1.0 - 0.18 * socket)[..., None]
    if look.stubble:
        jaw = np.clip((-z0 - 0.3) / 0.45, 0.0, 1.0) ** 1.5 * np.clip(y0 * 2.0 + 0.2, 0.0, 1.0)
        jaw = jaw * (1.0 - _gauss(x0, z0, 0.0, -0.55, 0.16, 0.05))
        cols[..., :3] = cols[..., :3] * (1.0 - 0.07 * jaw[..., None]) + 0.006 * jaw[..., None]
    _surface(b, pts, np.clip(cols, 0.0, 1.0), centre=hs.centre)

    lo = 6 if detail == "near" else 4
    near = detail == "near"
    # Eyes: whites, irises, pupils, set into the sockets; a dark lid line.
    for sx in (-1.0, 1.0):
        sock = hs.at_face(sx * 0.36, 0.10)
        r = 0.0118 * k
        ctr = sock + np.array([0.0, -r * 0.30, 0.0])
        b.add_ellipsoid(
            (0, 0, 0),
            (r, r, r),
            rings=lo,
            segments=lo + 4,
            color=(0.86, 0.83, 0.79, 1.0),
            xform=transform(ctr),
        )
        fwd = ctr + np.array([sx * 0.0015 * k, r * 0.93, 0.0])
        b.add_ellipsoid(
            (0, 0, 0),
            (0.0058 * k, 0.0012 * k, 0.0058 * k),
            rings=3,
            segments=8,
            color=look.iris,
            xform=transform(fwd),
        )
        b.add_ellipsoid(
            (0, 0, 0),
            (0.0026 * k, 0.0008 * k, 0.0026 * k),
            rings=2,
            segments=6,
            color=(0.02, 0.02, 0.02, 1.0),
            xform=transform(fwd + np.array([0.0, 0.0009 * k, 0.0])),
        )
        # Upper lid: a skin-coloured cap over the top of the eye, dark rim.
        lid = _scale(look.skin, 0.92)
        b.add_ellipsoid(
            (0, 0, 0),
            (r * 1.10, r * 0.98, r * 0.42),
            rings=4,
            segments=10,
            color=lid,
            xform=transform(ctr + np.array([0.0, 0.0, r * 0.78])),
        )
        t = np.linspace(-1.0, 1.0, 6)
        lash = (
            np.stack(
                [sx * 0.0 + t * r * 1.02, np.full_like(t, r * 0.72), r * 0.18 - (t**2) * r * 0.35],
                axis=1,
            )
            + ctr
        )
        if near:
            b.add_tube(lash, 0.0011 * k, sides=3, color=(0.06, 0.04, 0.035, 1.0))
    # Nose: bridge to tip, a rounded tip and two wings.
    nose_skin = _mix(look.skin, (0.7, 0.35, 0.3, 1.0), 0.06)
    root = hs.at_face(0.0, 0.12)
    tip = hs.at_face(0.0, -0.26) + np.array([0.0, (0.020 if body.female else 0.024) * k, 0.0])
    t = np.linspace(0.0, 1.0, 6)
    bridge = root[None, :] + (tip - root)[None, :] * t[:, None]
    bridge[:, 1] += -0.003 * k * np.sin(t * math.pi) + 0.002 * k
    wide = 1.0 if body.female else 1.15
    b.add_tube(
        bridge,
        (0.0055 + 0.0055 * t**1.5) * k * wide,
        sides=8 if detail == "near" else 5,
        color=nose_skin,
        flatten=0.9,
    )
    b.add_ellipsoid(
        (0, 0, 0),
        (0.0095 * k * wide, 0.0085 * k, 0.0085 * k),
        rings=lo - 2,
        segments=lo + 2,
        color=nose_skin,
        xform=transform(tip + np.array([0.0, -0.003 * k, -0.002 * k])),
    )
    for sx in (-1.0, 1.0):
        wing = hs.at_face(sx * 0.16, -0.30) + np.array([0.0, 0.006 * k, 0.0])
        b.add_ellipsoid(
            (0, 0, 0),
            (0.0075 * k * wide, 0.009 * k, 0.0065 * k),
            rings=3,
            segments=6,
            color=nose_skin,
            xform=transform(wing),
        )
    # Ears: flattened, tilted shells at the sides with a darker inner bowl.
    for sx in (-1.0, 1.0):
        ear = hs.at_face(sx * 0.98, 0.0) + np.array([sx * 0.002 * k, -0.016 * k, -0.004 * k])
        xf = transform(ear, (sx * -18.0, -12.0, sx * 8.0))
        b.add_ellipsoid(
            (0, 0, 0),
            (0.0075 * k, 0.019 * k, 0.031 * k),
            rings=4,
            segments=8,
            color=_scale(look.skin, 0.96),
            xform=xf,
        )
        b.add_ellipsoid(
            (sx * 0.0045 * k, 0.001 * k, 0.001 * k),
            (0.0035 * k, 0.011 * k, 0.018 * k),
            rings=3,
            segments=6,
            color=_scale(look.skin, 0.7),
            xform=xf,
        )
    _hair(b, look, hs, detail)
    if look.glasses:
        _glasses(b, hs, k)
    return b


def _face_pivots(hs: HeadShape) -> dict[str, np.ndarray]:
    """Where each face bone sits in the head bone's frame: the lips and the
    mouth at the mouth's middle, each brow at its middle."""
    mouth = hs.at_face(0.0, -0.52)
    out = {bone: mouth for bone in ("lip_ul", "lip_ur", "lip_ll", "lip_lr", "mouth")}
    out["brow_l"] = hs.at_face(-0.36, 0.27)
    out["brow_r"] = hs.at_face(0.36, 0.27)
    return out


def _face(look: PersonLook, body: Body, detail: Detail) -> dict[str, GeomBuilder]:
    """The face's moving parts, each modelled in its bone's frame (the head's
    frame moved to the bone's pivot): lips in halves that tilt for a smile or
    a frown, the dark inside of the mouth with its upper teeth (flat and
    hidden behind the lips until the mouth opens), and the brows."""
    hs = HeadShape(look, body)
    k = hs.k
    near = detail == "near"
    pivots = _face_pivots(hs)
    parts = {bone: GeomBuilder() for bone in FACE}
    lip = _mix(look.skin, (0.62, 0.28, 0.28, 1.0), 0.30 if body.female else 0.18)
    full = 1.2 if body.female else 1.0
    n = 5 if near else 2
    t = np.linspace(0.0, 1.0, n)
    for sx, upper, lower in ((-1.0, "lip_ul", "lip_ll"), (1.0, "lip_ur", "lip_lr")):
        # Each half runs from just past the middle (the halves overlap) to
        # the corner, following the face's curve back.
        x = sx * (-0.002 + 0.024 * t) * k
        back = -(t**2) * 0.006 * k
        taper = 1.0 - 0.55 * t**2
        for name, dz, depth, high, half_w in (
            (upper, 0.0040, 0.0055, 0.0042 * full, 1.0),
            (lower, -0.0042, 0.0058, 0.0050 * full, 0.9),
        ):
            path = np.stack(
                [x * half_w, back - 0.001 * k, np.full_like(t, dz * k) - (t**2) * 0.0012 * k],
                axis=1,
            )
            parts[name].add_tube(
                path,
                depth * k * taper,
                sides=8 if near else 4,
                flatten=high / depth,
                color=lip,
            )
        if near:  # the dark line between the lips
            line = np.stack([x * 0.96, back + 0.0035 * k, -(t**2) * 0.0015 * k], axis=1)
            parts[upper].add_tube(line, 0.0011 * k, sides=3, color=_scale(lip, 0.35))
    # Inside of the mouth: dark, with the upper teeth at its top. Flattened
    # to nothing at rest (the bone's Z scale opens it).
    inside = parts["mouth"]
    inside.add_ellipsoid(
        (0, 0, 0),
        (0.020 * k, 0.004 * k, 0.014 * k),
        rings=4 if near else 2,
        segments=10 if near else 6,
        color=(0.16, 0.05, 0.05, 1.0),
        xform=transform((0.0, -0.0015 * k, -0.004 * k)),
    )
    inside.add_ellipsoid(
        (0, 0, 0),
        (0.016 * k, 0.0035 * k, 0.0035 * k),
        rings=3 if near else 2,
        segments=8 if near else 6,
        color=(0.88, 0.86, 0.80, 1.0),
        xform=transform((0.0, 0.0004 * k, 0.004 * k)),
    )
    # Brows: flattened arcs in the hair colour on the brow ridge.
    bc = _mix(look.hair, look.skin, 0.35) if look.hair[0] > 0.5 else _scale(look.hair, 1.2)
    t = np.linspace(0.0, 1.0, 7)
    for sx, name in ((-1.0, "brow_l"), (1.0, "brow_r")):
        bx = sx * (0.16 + 0.40 * t)
        bz = 0.25 + 0.05 * np.sin(t * math.pi * 0.9) - 0.03 * t
        brow_pts = np.array(
            [hs.at_face(float(xx), float(zz)) for xx, zz in zip(bx, bz, strict=True)]
        )
        brow_pts[:, 1] += 0.0012 * k
        parts[name].add_tube(
            brow_pts - pivots[name],
            np.array([0.0030, 0.0034, 0.0032, 0.0030, 0.0026, 0.0021, 0.0015])
            * k
            * (0.8 if body.female else 1.0),
            sides=4,
            flatten=0.45,
            color=bc,
        )
    return parts


def _hair(b: GeomBuilder, look: PersonLook, hs: HeadShape, detail: Detail) -> None:
    """A shell over the skull, thick where the style is full, thinning to
    nothing at the hairline so it blends into the skin (no helmet edge)."""
    style = look.hair_style
    k = hs.k
    cols_n = 26 if detail == "near" else 12
    rows = 8 if detail == "near" else 4
    phi = np.linspace(-math.pi, math.pi, cols_n + 1)
    face = np.clip(np.cos(phi), 0.0, 1.0)  # 1 at the face, 0 from the ears back
    side = np.abs(np.sin(phi))
    # Hairline (theta, radians from the crown) round the head.
    if style in ("bob", "long"):
        line = 0.62 * face**2 + (1.0 - face**2) * (2.05 + 0.35 * (1 - side) * (1 - face))
        volume = 0.018
    elif style == "bun":
        line = 0.62 * face**2 + (1.0 - face**2) * (1.75 + 0.30 * (1 - side))
        volume = 0.008
    elif style == "buzz":
        line = 0.70 * face**2 + (1.0 - face**2) * (1.80 + 0.25 * (1 - side))
        volume = 0.003
    else:  # short; bald keeps a fringe round the back
        line = 0.66 * face**2 + (1.0 - face**2) * (1.75 + 0.30 * (1 - side))
        volume = 0.011
    start = np.zeros_like(phi)
    if style == "bald":
        start = 1.25 + 0.9 * face
        line = np.maximum(line, start + 0.35)
        volume = 0.004
    # A side parting for the longer styles: the front lifts, a little wave.
    t = np.linspace(0.0, 1.0, rows + 1)
    tt = start[None, :] + (line - start)[None, :] * t[:, None]
    pp = np.broadcast_to(phi, tt.shape)
    base = hs.point(tt, pp)
    radial = base - hs.centre
    radial /= np.linalg.norm(radial, axis=-1, keepdims=True)
    edge = np.clip((1.0 - t) / 0.35, 0.0, 1.0) ** 0.7  # thins to the hairline
    if style == "bald":
        edge = edge * np.clip(t / 0.35, 0.0, 1.0) ** 0.7
    thick = (0.0015 + volume * edge)[:, None] * k * np.ones_like(tt)
    if style in ("bob", "long"):  # fuller at the sides and back, swept off the face
        thick = thick * (1.0 + 0.6 * (1.0 - np.broadcast_to(face, tt.shape)) * t[:, None])
    pts = base + radial * thick[..., None]
    rng = np.random.default_rng(int(look.height * 1000))
    streak = 1.0 + 0.10 * np.sin(pp * 23.0 + rng.random() * 6.0) * np.sin(tt * 5.0)
    cols = np.array(look.hair)[None, None, :] * streak[..., None]
    cols[..., 3] = 1.0
    # Close the shell against the skin: an inner layer just under the scalp.
    inner = base - radial * 0.002 * k
    shell = np.concatenate([pts, inner[::-1]], axis=0)
    shell_cols = np.concatenate([cols, cols[::-1]], axis=0)
    _surface(b, shell, np.clip(shell_cols, 0.0, 1.0), centre=hs.centre)
    hair = look.hair
    if style == "long":  # a curtain down the back to the shoulder blades
        s = np.linspace(0.0, 1.0, 8 if detail == "near" else 4)
        ang = np.linspace(-2.0, 2.0, 15 if detail == "near" else 8)  # round the back
        top_z = hs.centre[2] - 0.01 * k
        drop = 0.26 * k
        r_out = (hs.a + 0.012 * k) * (1.0 + 0.05 * s)
        ring_x = np.sin(ang)[None, :] * r_out[:, None] * 1.02
        ring_y = -np.cos(ang)[None, :] * (hs.b * 0.85) * (1.0 - 0.35 * s)[:, None] + hs.centre[1]
        z = top_z - drop * s[:, None] * np.ones_like(ang)[None, :]
        outer = np.stack([ring_x, ring_y - 0.01 * k, z], axis=-1)
        inner = outer.copy()
        inner[..., 0] *= 0.86
        inner[..., 1] = (inner[..., 1] - hs.centre[1]) * 0.78 + hs.centre[1]
        loop = np.concatenate([outer, inner[:, ::-1]], axis=1)
        loop = np.concatenate([loop, loop[:, :1]], axis=1)
        c = np.broadcast_to(np.array(_scale(hair, 0.92)), (*loop.shape[:2], 4))
        _surface(b, loop, c.copy(), centre=np.array([0.0, hs.centre[1], top_z - drop / 2]))
    elif style == "bun":
        pos = hs.point(np.array(0.75), np.array(math.pi))
        pos = pos + np.array([0.0, -0.022 * k, 0.008 * k])
        b.add_ellipsoid(
            (0, 0, 0),
            (0.030 * k, 0.024 * k, 0.026 * k),
            rings=6,
            segments=10,
            color=_scale(hair, 0.95),
            xform=transform(pos, (0.0, 30.0, 0.0)),
        )
    elif style == "bob":  # the sides fall to the jaw
        for sx in (-1.0, 1.0):
            t2 = np.linspace(0.0, 1.0, 5)
            path = np.stack(
                [
                    np.full_like(t2, sx * (hs.a + 0.008 * k)),
                    hs.centre[1] - 0.02 * k - 0.02 * k * t2,
                    hs.centre[2] + 0.02 * k - 0.10 * k * t2,
                ],
                axis=1,
            )
            b.add_tube(
                path,
                np.array([0.03, 0.034, 0.034, 0.030, 0.02]) * k,
                sides=8,
                flatten=0.55,
                color=_scale(hair, 0.95),
            )


def _glasses(b: GeomBuilder, hs: HeadShape, k: float) -> None:
    frame = (0.05, 0.045, 0.045, 1.0)
    for sx in (-1.0, 1.0):
        c = hs.at_face(sx * 0.37, 0.10) + np.array([0.0, 0.012 * k, 0.0])
        a = np.linspace(0.0, TAU, 13)
        ring = np.stack(
            [sx * 0.0 + np.cos(a) * 0.023 * k, np.zeros_like(a), np.sin(a) * 0.016 * k], 1
        )
        b.add_tube(ring + c, 0.0016 * k, sides=4, color=frame, cap_start=False, cap_end=False)
        ear = hs.at_face(sx * 0.97, 0.08)
        temple = np.array(
            [
                c + np.array([sx * 0.023 * k, 0.0, 0.004 * k]),
                ear + np.array([sx * 0.004 * k, 0.0, 0.0]),
            ]
        )
        b.add_tube(temple, 0.0014 * k, sides=4, color=frame)
    left = hs.at_face(-0.13, 0.12) + np.array([0.0, 0.012 * k, 0.0])
    right = hs.at_face(0.13, 0.12) + np.array([0.0, 0.012 * k, 0.0])
    b.add_tube(
        np.array([left, (left + right) / 2 + np.array([0, 0.003 * k, 0.003 * k]), right]),
        0.0014 * k,
        sides=4,
        color=frame,
    )


# -- torso and limbs -------------------------------------------------------------------------
def _bottom_is_skirt(look: PersonLook) -> bool:
    return look.bottom in ("skirt", "dress")


def _pelvis(look: PersonLook, body: Body, detail: Detail) -> GeomBuilder:
    b = GeomBuilder()
    h, u, f = body.h, body.girth, body.female
    hipf = look.hip * (1.06 if f else 1.0)
    segs = 20 if detail == "near" else 10
    z = np.array([-0.062, -0.045, -0.02, 0.02, 0.055, body.waist_dz / h + 0.015]) * h
    w = np.array([0.118, 0.150, 0.168 * hipf, 0.172 * hipf, 0.150, 0.142 - 0.012 * f]) * u
    w = w + np.array([0, 0, 0.01, 0.012, 0.02, 0.025]) * body.belly * u
    d = np.array([0.070, 0.094, 0.104, 0.104, 0.094, 0.090]) * u
    y0 = np.array([-0.004, -0.010, -0.014, -0.010, -0.004, 0.0]) * u
    belly = np.array([0.0, 0.0, 0.0, 0.012, 0.03, 0.035]) * body.belly * u
    col = look.bottom_colour if not _bottom_is_skirt(look) else _scale(look.skin, 0.9)
    b.add_loft(z, w, d, y0, [col] * len(z), segments=segs, front_bulge=belly)
    if _bottom_is_skirt(look):  # the skirt flares from the waist to the knee
        zs = np.array([body.waist_dz / h + 0.01, 0.04, 0.0, -0.08, -0.17, -0.215]) * h
        ws = np.array([0.146, 0.178 * hipf, 0.186 * hipf, 0.192 * hipf, 0.205, 0.212]) * u
        ds = np.array([0.096, 0.112, 0.118, 0.122, 0.13, 0.134]) * u
        ys = np.array([0.0, -0.008, -0.01, 0.0, 0.01, 0.012]) * u
        b.add_loft(zs, ws, ds, ys, [look.bottom_colour] * len(zs), segments=segs, cap=True)
    return b


def _chest(look: PersonLook, body: Body, detail: Detail) -> GeomBuilder:
    b = GeomBuilder()
    h, u, f = body.h, body.girth, body.female
    sh = look.shoulder
    segs = 24 if detail == "near" else 12
    top = body.neck_dz
    jacket = look.top == "jacket"
    start = -0.09 * h if jacket else -0.035 * h
    fr = np.array([start / top, 0.0, 0.25, 0.5, 0.70, 0.84, 0.93, 0.985])
    z = fr * top
    w = np.array(
        [
            0.150,
            0.140 - 0.014 * f,
            0.148 - 0.01 * f,
            0.160 - 0.01 * f,
            0.168 * sh,
            0.160 * sh,
            0.118 * sh,
            0.066,
        ]
    )
    w = w * u + np.array([0.02, 0.025, 0.02, 0.01, 0.0, 0.0, 0.0, 0.0]) * body.belly * u
    d = np.array([0.094, 0.090, 0.094, 0.104, 0.102, 0.082, 0.066, 0.054]) * u
    w[:2] += 0.007 * u  # the top hangs over the trousers' waist
    d[:2] += 0.007 * u
    if jacket:
        w = w + 0.008 * u
        d = d + 0.008 * u
    y0 = np.array([0.0, 0.0, 0.004, 0.008, 0.004, -0.008, -0.016, -0.02]) * u
    bulge = np.array([0.03, 0.035, 0.03, 0.01, 0.0, 0.0, 0.0, 0.0]) * body.belly * u
    if f:
        bulge = bulge + np.array([0.0, 0.0, 0.006, 0.032, 0.02, 0.0, 0.0, 0.0]) * u
    cols = [look.top_colour] * len(z)
    ang_open = 0.0
    if jacket:
        ang_open = 1.0
    b.add_loft(z, w, d, y0, cols, segments=segs, front_bulge=bulge)
    if jacket or look.top == "shirt":
        # The open front of a jacket (the shirt beneath) or a shirt's placket.
        t = np.linspace(0.0, 1.0, 6)
        for sx in (-1.0, 1.0):
            ww = (0.012 + 0.045 * t**1.6 * ang_open) * u
            zz = (0.1 + 0.86 * t) * top
            yy = np.interp(zz, z, y0 + d + bulge) + 0.0025 * u
            strip = np.stack(
                [
                    np.stack([np.zeros_like(t), yy, zz], 1),
                    np.stack([sx * ww, yy - ww * 0.35, zz], 1),
                ],
                axis=1,
            )
            cc = np.broadcast_to(
                np.array(look.under_colour if jacket else _scale(look.top_colour, 0.85)),
                (*strip.shape[:2], 4),
            ).copy()
            _surface(b, strip, cc, centre=np.array([0.0, -0.2, 0.5 * top]))
    # Neck up to the head, and a collar round its base.
    nk = 0.050 * u * (0.92 if f else 1.0) / (0.92 + 0.28 * look.weight) * (1.0 + 0.1 * look.weight)
    neck = np.array(
        [
            [0.0, -0.014, top - 0.03 * h],
            [0.0, -0.006, top + 0.012 * h],
            [0.0, 0.006, top + 0.040 * h],
        ]
    )
    b.add_tube(
        neck,
        np.array([nk * 1.1, nk, nk * 0.95]),
        sides=14 if detail == "near" else 8,
        color=look.skin,
        cap_end=False,
    )
    if look.top in ("shirt", "jacket", "sweater"):
        collar = np.array([[0.0, -0.018, top - 0.012 * h], [0.0, -0.012, top + 0.012 * h]])
        b.add_tube(
            collar,
            np.array([nk * 1.28, nk * 1.18]),
            sides=14 if detail == "near" else 8,
            color=look.under_colour if jacket else look.top_colour,
        )
    return b


def _arm_r(body: Body) -> float:
    return body.girth * (0.88 if body.female else 1.0)


def _upper_arm(look: PersonLook, body: Body, detail: Detail) -> GeomBuilder:
    b = GeomBuilder()
    L, r = body.upper_arm, _arm_r(body)
    sides = 12 if detail == "near" else 7
    t = np.linspace(0.0, 1.0, 6)
    path = np.stack([np.zeros_like(t), np.zeros_like(t), -L * t - 0.01], axis=1)
    rad = np.array([0.046, 0.045, 0.042, 0.038, 0.035, 0.034]) * r
    loose = 0.006 if look.top != "tshirt" else 0.0
    if look.top == "jacket":
        loose = 0.011
    b.add_ellipsoid(
        (0, 0, 0),
        (0.046 * r + loose, 0.045 * r + loose, 0.05 * r),
        rings=6,
        segments=sides,
        color=look.top_colour,
        xform=transform((-0.0, -0.004, -0.03)),
    )
    if look.top == "tshirt":
        b.add_tube(path, rad, sides=sides, color=look.skin)
        sl = path[:3].copy()
        b.add_tube(sl, rad[:3] + 0.007 * r, sides=sides, color=look.top_colour)
    else:
        b.add_tube(path, rad + loose, sides=sides, color=look.top_colour)
    return b


HAND_LOCAL_R = np.array([[0.0, 0.0, 1.0], [-1.0, 0.0, 0.0], [0.0, -1.0, 0.0]])
HAND_LOCAL_L = np.array([[0.0, 0.0, -1.0], [1.0, 0.0, 0.0], [0.0, -1.0, 0.0]])


def _hand_scale(body: Body) -> float:
    return body.h / 1.75 * (0.93 if body.female else 1.0)


def _forearm(look: PersonLook, body: Body, detail: Detail, right: bool) -> GeomBuilder:
    b = GeomBuilder()
    L, r = body.forearm, _arm_r(body)
    sides = 12 if detail == "near" else 7
    t = np.linspace(0.0, 1.0, 5)
    path = np.stack([np.zeros_like(t), np.zeros_like(t), -L * t], axis=1)
    rad = np.array([0.036, 0.038, 0.033, 0.028, 0.025]) * r
    long_sleeve = look.top != "tshirt"
    if long_sleeve:
        loose = 0.011 if look.top == "jacket" else 0.006
        b.add_tube(path[:-1], rad[:-1] + loose, sides=sides, color=look.top_colour)
        b.add_tube(path[-2:], rad[-2:], sides=sides, color=look.skin, cap_start=False)
    else:
        b.add_tube(path, rad, sides=sides, color=look.skin)
    hs = _hand_scale(body)
    if detail == "far":  # a few metres away a hand is a mitten with a thumb
        sx = 1.0 if right else -1.0
        b.add_ellipsoid(
            (0, 0, 0),
            (0.016 * hs, 0.045 * hs, 0.075 * hs),
            rings=4,
            segments=6,
            color=look.skin,
            xform=transform((0.0, 0.0, -L - 0.07 * hs)),
        )
        b.add_tube(
            np.array([[-sx * 0.004, 0.03, -L - 0.03 * hs], [-sx * 0.006, 0.045, -L - 0.08 * hs]]),
            0.009 * hs,
            sides=4,
            color=look.skin,
        )
        return b
    hand = hand_builder(right=right, skin=look.skin, sleeve=None, coarse=True)
    m = np.eye(4)
    m[:3, :3] = (HAND_LOCAL_R if right else HAND_LOCAL_L) * hs
    m[:3, 3] = (0.0, 0.0, -L - 0.052 * hs)
    b.merge(hand, xform=m)
    return b


def _thigh(look: PersonLook, body: Body, detail: Detail) -> GeomBuilder:
    b = GeomBuilder()
    L, u = body.thigh, body.girth
    sides = 14 if detail == "near" else 8
    t = np.linspace(0.0, 1.0, 6)
    path = np.stack([np.zeros_like(t), 0.004 * np.sin(t * math.pi), -L * t + 0.02], axis=1)
    rad = np.array([0.080, 0.078, 0.070, 0.062, 0.055, 0.050]) * u
    if body.female:
        rad = rad * np.array([1.06, 1.05, 1.0, 0.97, 0.95, 0.95])
    if _bottom_is_skirt(look):
        b.add_tube(path, rad, sides=sides, color=_scale(look.skin, 0.9))
    else:
        b.add_tube(path, rad + 0.008 * u, sides=sides, color=look.bottom_colour)
    return b


def _shin(look: PersonLook, body: Body, detail: Detail) -> GeomBuilder:
    b = GeomBuilder()
    L, u = body.shin, body.girth
    sides = 12 if detail == "near" else 7
    t = np.linspace(0.0, 1.0, 6)
    path = np.stack([np.zeros_like(t), -0.008 * np.sin(t * math.pi * 0.7), -L * t], axis=1)
    rad = np.array([0.050, 0.054, 0.050, 0.040, 0.032, 0.029]) * u
    if _bottom_is_skirt(look):
        b.add_tube(path, rad, sides=sides, color=_scale(look.skin, 0.9))
    else:
        trousers = rad * 0.7 + 0.020 * u + 0.006
        b.add_tube(path, trousers, sides=sides, color=look.bottom_colour)
    fs = body.h / 1.75 * (0.92 if body.female else 1.0)
    sole = -L - body.ankle
    b.add_ellipsoid(
        (0.0, 0.0, 0.0),
        (0.047 * fs, 0.132 * fs, 0.042 * fs),
        rings=8 if detail == "near" else 5,
        segments=12 if detail == "near" else 8,
        color=look.shoes,
        xform=transform((0.0, 0.048 * fs, sole + 0.040 * fs)),
        profile=np.array([0.75, 0.9, 0.98, 1.0, 1.0, 0.98, 0.95, 0.92, 0.88])
        if detail == "near"
        else None,
    )
    b.add_box(
        (0.0, 0.050 * fs, sole + 0.006),
        (0.080 * fs, 0.240 * fs, 0.012),
        color=_scale(look.shoes, 0.55) if look.shoes[0] < 0.5 else (0.75, 0.74, 0.72, 1.0),
    )
    return b


def _phone() -> GeomBuilder:
    b = GeomBuilder()
    b.add_box((0.0, 0.0, 0.0), (0.009, 0.072, 0.150), color=(0.05, 0.05, 0.06, 1.0))
    b.add_box((-0.0047, 0.0, 0.0), (0.0008, 0.064, 0.136), color=(0.18, 0.30, 0.48, 1.0))
    return b


# -- the rig ---------------------------------------------------------------------------------
_MATERIAL: Material | None = None
MAX_TEMPLATES = 240
"""Body meshes kept for reuse: every registered scene's people, which the
engine builds at start (``EngineConfig.prepare_scenes``), with room to spare
(about 100 today); each is a few hundred kilobytes of vertex data."""
_TEMPLATES: OrderedDict[tuple[object, ...], tuple[list[str], Geom]] = OrderedDict()


def cached_meshes() -> int:
    """How many body meshes are kept for reuse (see :data:`MAX_TEMPLATES`)."""
    return len(_TEMPLATES)


@cache
def _phone_template() -> Geom:
    phone = GeomBuilder()
    phone.merge(_phone(), untextured=True)
    return skinned_geom([phone])


def _shared_material() -> Material:
    """One material for every person: same render state, batched draws."""
    global _MATERIAL
    if _MATERIAL is None:
        _MATERIAL = material((1.0, 1.0, 1.0, 1.0), specular=0.06, shininess=14.0)
    return _MATERIAL


_SKINNED: ShaderAttrib | None = None


def _skinned_shader() -> ShaderAttrib:
    """The skinned lit shader, made once (one shader for every person). Its
    priority outranks the scene root's plain :func:`lit_shader`."""
    global _SKINNED
    if _SKINNED is None:
        _SKINNED = skinned_lit_shader(priority=2)
    return _SKINNED


def _np_mat(mat: LMatrix4f) -> np.ndarray:
    """Panda's row-vector LMatrix4 as a column-vector numpy 4x4."""
    rows = [[mat.getCell(i, j) for j in range(4)] for i in range(4)]
    return np.array(rows, dtype=np.float64).T


@dataclass(slots=True)
class ArmPose:
    roll: float  # abduction (deg, away from the body)
    pitch: float  # flexion forward
    heading: float  # inward rotation
    elbow: float  # flexion
    twist: float  # forearm: + turns the palm down (pronation)

    def lerp(self, other: ArmPose, t: float) -> ArmPose:
        return ArmPose(
            self.roll + (other.roll - self.roll) * t,
            self.pitch + (other.pitch - self.pitch) * t,
            self.heading + (other.heading - self.heading) * t,
            self.elbow + (other.elbow - self.elbow) * t,
            self.twist + (other.twist - self.twist) * t,
        )


ARMS_STANDING = ArmPose(7.0, 2.0, 0.0, 12.0, 0.0)
ARMS_SEATED = ArmPose(6.0, 14.0, 10.0, 62.0, 80.0)
ARMS_PHONE = ArmPose(4.0, 14.0, 30.0, 88.0, -75.0)
# Arms folded: forearms level across the belly, the right above the left,
# each hand's back outward on the other upper arm (not wrists crossed in an X).
ARMS_CROSSED_R = ArmPose(14.0, 12.0, 58.0, 100.0, 165.0)
ARMS_CROSSED_L = ArmPose(14.0, 8.0, 54.0, 94.0, 165.0)
ARM_COUGH = ArmPose(2.0, 32.0, 30.0, 138.0, 40.0)
ARMS_CLAP = ArmPose(14.0, 40.0, 29.5, 96.0, -20.0)
ARMS_CLAP_OPEN = ArmPose(18.0, 40.0, 17.0, 96.0, -20.0)
ARM_WATCH = ArmPose(10.0, 30.0, 40.0, 118.0, -50.0)
ARM_RAISED = ArmPose(14.0, 160.0, 0.0, 28.0, 0.0)


@dataclass
class _Joint:
    node: NodePath
    last: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def set(self, h: float, p: float, r: float) -> None:
        # Skip unchanged joints: most of an audience is still most frames.
        lh, lp, lr = self.last
        if abs(h - lh) + abs(p - lp) + abs(r - lr) > 0.02:
            self.node.setHpr(h, p, r)
            self.last = (h, p, r)


@dataclass
class _State:
    breath: float = 0.0
    yaw: float = 0.0
    pitch: float = 0.0
    nod: float = 0.0
    phone: float = 0.0
    crossed: float = 0.0
    cough: float = 0.0  # 0..1 envelope
    cough_jerk: float = 0.0
    walk: float = 0.0  # amount 0..1
    phase: float = 0.0
    looking: bool = False
    smile: float = 0.0  # -1 frown .. 1 smile
    brows: float = 0.0  # -1 knitted .. 1 raised
    mouth: float = 0.0  # 0 closed .. 1 wide open
    yawn: float = 0.0  # 0..1 envelope
    laugh: float = 0.0  # amount
    laugh_shake: float = 0.0  # -1..1
    clap: float = 0.0  # amount
    clap_open: float = 0.0  # 0 palms together .. 1 apart
    watch: float = 0.0  # looking at the left wrist
    lean: float = 0.0  # -1 to the left .. 1 to the right
    hand: float = 0.0  # right hand raised


class Person:
    """One person's nodes (``root`` and a bone per joint) and animation.

    ``pose``: "standing" (root at the floor between the feet) or "seated"
    (root on the floor under the hips, the hips on a seat ``seat_height``
    high, feet on the floor). ``detail``: "near" (about 5,000 triangles) or
    "far" (about 1,800; forearms and head baked rigid unless ``rigid`` says
    otherwise). ``rigid``: bones baked into their parent's mesh (default: the
    legs when seated, plus the forearms and head when far).
    """

    def __init__(
        self,
        look: PersonLook,
        parent: NodePath,
        *,
        pose: Pose = "standing",
        seat_height: float = 0.45,
        detail: Detail = "near",
        rigid: Iterable[str] | None = None,
        name: str = "person",
    ) -> None:
        if pose not in ("standing", "seated"):
            raise ProceduralError(f"Person: unknown pose {pose!r}")
        if detail not in ("near", "far"):
            raise ProceduralError(f"Person: unknown detail {detail!r}")
        self.look = look
        self.body = body = Body.of(look)
        self.pose = pose
        self.detail = detail
        self._parent = parent
        if rigid is None:
            rig: set[str] = set(LEGS) if pose == "seated" else set()
            if detail == "far":
                rig |= {"forearm_l", "forearm_r", "head", *FACE}
            rigid = rig
        self.rigid = frozenset(rigid)
        unknown = self.rigid - set(ALL_BONES) - {"pelvis"}
        if unknown or "pelvis" in self.rigid:
            raise ProceduralError(
                f"Person: cannot make {sorted(unknown | {'pelvis'} & self.rigid)} rigid"
            )
        self.root = parent.attachNewNode(name)
        self.root.setMaterial(_shared_material(), 1)
        self.root.setTextureOff(1)
        self.nodes: dict[str, NodePath] = {}
        # The bones: a graph of their own (see the module docstring), whose
        # frame is the root's.
        self.skeleton = NodePath(f"{name}-skeleton")
        self.seat_height = seat_height
        h = body.h
        if pose == "seated":
            self.pelvis_z = seat_height + 0.056 * h * body.girth / (h / 1.75)
        else:
            self.pelvis_z = body.hip_z
        n = self.nodes
        n["pelvis"] = self.skeleton.attachNewNode("pelvis")
        n["pelvis"].setPos(0.0, 0.0, self.pelvis_z)
        n["chest"] = n["pelvis"].attachNewNode("chest")
        n["chest"].setPos(0.0, 0.0, body.waist_dz)
        n["neck"] = n["chest"].attachNewNode("neck")
        n["neck"].setPos(0.0, -0.006, body.neck_dz + 0.012 * h)
        n["head"] = n["neck"].attachNewNode("head")
        n["head"].setPos(0.0, 0.012, 0.022 * h)
        self._pivots = _face_pivots(HeadShape(look, body))
        for bone in FACE:
            n[bone] = n["head"].attachNewNode(bone)
            n[bone].setPos(*(float(v) for v in self._pivots[bone]))
        n["mouth"].setSz(0.02)  # closed: flat behind the lips
        self.twist: dict[str, NodePath] = {}
        for side, sx in (("l", -1.0), ("r", 1.0)):
            up = n["chest"].attachNewNode(f"upper_arm_{side}")
            up.setPos(sx * body.shoulder_x, -0.012, body.shoulder_dz)
            fore = up.attachNewNode(f"forearm_{side}")
            fore.setPos(0.0, 0.0, -body.upper_arm - 0.01)
            self.twist[side] = fore.attachNewNode(f"twist_{side}")
            th = n["pelvis"].attachNewNode(f"thigh_{side}")
            th.setPos(sx * body.hip_x, 0.0, 0.0)
            sh = th.attachNewNode(f"shin_{side}")
            sh.setPos(0.0, 0.0, -body.thigh)
            n[f"upper_arm_{side}"], n[f"forearm_{side}"] = up, fore
            n[f"thigh_{side}"], n[f"shin_{side}"] = th, sh
        self.joints = {name: _Joint(node) for name, node in n.items()}
        self.twists = {side: _Joint(node) for side, node in self.twist.items()}
        # Each arm's upper arm, forearm and twist, and the sign that mirrors it.
        self._arm_joints = tuple(
            (
                self.joints[f"upper_arm_{side}"],
                self.joints[f"forearm_{side}"],
                self.twists[side],
                sx,
            )
            for side, sx in (("l", -1.0), ("r", 1.0))
        )
        # The seated legs: thighs forward to a knee over the feet, shins down.
        self.thigh_pitch = 0.0
        if pose == "seated":
            knee_h = body.shin + body.ankle
            drop = (self.pelvis_z - knee_h) / body.thigh
            self.thigh_pitch = 90.0 - math.degrees(math.asin(max(-0.9, min(0.9, drop))))
        self._rest_arms = ARMS_SEATED if pose == "seated" else ARMS_STANDING
        self.state = _State()
        self._face: tuple[float, float, float] = (0.0, 0.0, 0.0)
        # What the arms were last posed from: most of a crowd's arms are
        # still most frames, and their lerps cost more than this check.
        self._arms_from: tuple[float, ...] = ()
        self._arms_drawn: tuple[ArmPose | None, ArmPose | None, float] = (None, None, 0.0)
        self._chest_scale = (1.0, 1.0, 1.0)  # its breathing scale, as last written
        self._chest_pos = tuple(n["chest"].getPos())
        # Seeded phases of breathing, laughing and clapping, so a crowd is not in step.
        h = look.height
        self._phases = ((h * 7.31) % 1.0, (h * 5.17) % 1.0, (h * 3.73) % 1.0)
        self._pose_legs(0.0, 0.0, 0.0, 0.0, 0.0)
        self._pose_arms(self._rest_arms, self._rest_arms, 0.0)
        self._build(look, body)
        self.phone_node.hide()
        eye = self.nodes["head"].getPos(self.skeleton)
        self._eye = (eye.x, eye.y, eye.z + 0.07 * body.head_k)

    # -- build ---------------------------------------------------------------------------
    def _build(self, look: PersonLook, body: Body) -> None:
        def carrier(bone: str) -> NodePath:
            return self.twist[bone[-1]] if bone.startswith("forearm") else self.nodes[bone]

        def chain(node: NodePath) -> list[NodePath]:
            links = [node]
            while links[-1].getParent() != self.skeleton:
                links.append(links[-1].getParent())
            return links[::-1]

        key = (look, self.pose, round(self.seat_height, 4), self.detail, self.rigid)
        cached = _TEMPLATES.get(key)
        if cached is None:
            cached = self._template(look, body, carrier)
            _TEMPLATES[key] = cached
            while len(_TEMPLATES) > MAX_TEMPLATES:
                del _TEMPLATES[next(iter(_TEMPLATES))]
        else:
            _TEMPLATES.move_to_end(key)
        owners, template = cached
        state = RenderState.make(_skinned_shader())
        # Bounds: a sphere round the body's middle that holds any pose.
        centre, radius = (0.0, 0.0, 0.5 * body.h), 0.5 * body.h + 0.5
        mesh = bind_bones(
            template,
            [chain(carrier(b)) for b in owners],
            f"{self.root.getName()}-mesh",
            state,
            radius,
            centre,
        )
        self.root.attachNewNode(mesh)
        self.geom_nodes: list[GeomNode] = [mesh]
        hs = _hand_scale(body)
        holder = self.twist["r"].attachNewNode("phone")
        holder.setPos(-0.026 * hs, 0.004, -body.forearm - 0.07 * hs)
        self.phone_node = self.root.attachNewNode(
            bind_bones(_phone_template(), [chain(holder)], "phone-mesh", state, radius, centre)
        )

    def _template(
        self, look: PersonLook, body: Body, carrier: Callable[[str], NodePath]
    ) -> tuple[list[str], Geom]:
        """The body's skinned mesh (bones not yet bound) and the bones that
        own a part, in the template's order: built once per look, pose and
        detail (the same person built again, as when a scene is loaded a
        second time, reuses it)."""
        d = self.detail
        parts: dict[str, GeomBuilder] = {
            "pelvis": _pelvis(look, body, d),
            "chest": _chest(look, body, d),
            "head": _head(look, body, d),
        }
        for side in ("l", "r"):
            parts[f"upper_arm_{side}"] = _upper_arm(look, body, d)
            parts[f"forearm_{side}"] = _forearm(look, body, d, side == "r")
            parts[f"thigh_{side}"] = _thigh(look, body, d)
            parts[f"shin_{side}"] = _shin(look, body, d)
        parts["neck"] = GeomBuilder()
        parts.update(_face(look, body, d))

        def owner(bone: str) -> str:
            while bone in self.rigid:
                bone = PARENT[bone]
            return bone

        merged: dict[str, GeomBuilder] = {}
        for bone in ALL_BONES:
            dest = owner(bone)
            acc = merged.setdefault(dest, GeomBuilder())
            part = parts[bone]
            if part.is_empty():
                continue
            if dest == bone:
                acc.merge(part, untextured=True)
            else:
                m = _np_mat(carrier(bone).getMat(carrier(dest)))
                acc.merge(part, untextured=True, xform=m)

        owners = [bone for bone, builder in merged.items() if not builder.is_empty()]
        return owners, skinned_geom([merged[b] for b in owners])

    # -- counts -------------------------------------------------------------------------
    def geom_count(self, *, with_phone: bool = False) -> int:
        return len(self.geom_nodes) + (1 if with_phone else 0)

    def triangle_count(self) -> int:
        total = 0
        for node in self.geom_nodes:
            for i in range(node.getNumGeoms()):
                geom = node.getGeom(i)
                for j in range(geom.getNumPrimitives()):
                    total += geom.getPrimitive(j).getNumFaces()
        return total

    # -- animation inputs (cheap; call any, then apply()) -------------------------------
    def breathe(self, t: float, rate_hz: float = 0.25) -> None:
        """Idle breathing (a seeded phase so a crowd does not breathe in step)."""
        self.state.breath = math.sin(TAU * (t * rate_hz + self._phases[0]))

    def look_at(
        self,
        point: tuple[float, float, float] | None,
        dt: float | None = None,
        rate: float = 5.0,
        *,
        in_root: bool = False,
    ) -> None:
        """Turn the head (and a little of the chest) toward ``point`` (in the
        parent's coordinates; in the root's own with ``in_root``, for a
        caller that knows where the person sits: it saves a scene-graph
        query a frame), within the neck's limits, easing at ``rate`` per
        second (``dt`` None: at once). None: back to straight ahead."""
        st = self.state
        if point is None:
            ty = tp = 0.0
        else:
            px, py, pz = point if in_root else self.root.getRelativePoint(self._parent, point)
            ex, ey, ez = self._eye
            dx, dy, dz = px - ex, py - ey, pz - ez
            ty = math.degrees(math.atan2(-dx, dy))
            tp = math.degrees(math.atan2(dz, math.hypot(dx, dy)))
            ty = max(-HEAD_YAW_MAX - CHEST_YAW_MAX, min(HEAD_YAW_MAX + CHEST_YAW_MAX, ty))
            tp = max(-HEAD_PITCH_MAX, min(HEAD_PITCH_MAX, tp))
        k = 1.0 if dt is None else 1.0 - math.exp(-rate * dt)
        st.yaw += (ty - st.yaw) * k
        st.pitch += (tp - st.pitch) * k

    def nod(self, t: float, amount: float = 1.0) -> None:
        """Nodding (about 1.6 nods a second) while ``amount`` > 0."""
        self.state.nod = amount * (0.5 - 0.5 * math.cos(TAU * 1.6 * t))

    def phone(self, amount: float) -> None:
        """0..1: head down, forearms up, the phone in the right hand."""
        self.state.phone = max(0.0, min(1.0, amount))

    def arms_crossed(self, amount: float) -> None:
        self.state.crossed = max(0.0, min(1.0, amount))

    def cough(self, progress: float | None) -> None:
        """One cough over ``progress`` 0..1 (None: not coughing): the hand
        comes to the mouth, three jerks of the shoulders and head, then back."""
        if progress is None or not 0.0 <= progress <= 1.0:
            self.state.cough = 0.0
            self.state.cough_jerk = 0.0
            return
        env = min(1.0, progress / 0.2, (1.0 - progress) / 0.2)
        self.state.cough = env
        inner = max(0.0, min(1.0, (progress - 0.2) / 0.6))
        self.state.cough_jerk = env * max(0.0, math.sin(TAU * 3.0 * inner)) ** 3

    def expression(self, smile: float, brows: float | None = None) -> None:
        """The face at rest: ``smile`` from -1 (a frown: the mouth's corners
        down) to 1 (a smile, the upper teeth showing); ``brows`` from -1
        (knitted, lowered at the middle) to 1 (raised); None: follow the
        smile (a smile lifts them a little, a frown knits them)."""
        self.state.smile = max(-1.0, min(1.0, smile))
        b = self.state.smile * (0.3 if self.state.smile > 0 else 1.0) if brows is None else brows
        self.state.brows = max(-1.0, min(1.0, b))

    def mouth_open(self, amount: float) -> None:
        """0..1: the jaw drops and the inside of the mouth shows (speaking,
        surprise); a yawn or a laugh opens it on top of this."""
        self.state.mouth = max(0.0, min(1.0, amount))

    def yawn(self, progress: float | None) -> None:
        """One yawn over ``progress`` 0..1 (None: not yawning): the mouth opens
        wide, the head tips back and the brows rise, then all settle."""
        if progress is None or not 0.0 <= progress <= 1.0:
            self.state.yawn = 0.0
            return
        self.state.yawn = min(1.0, progress / 0.35, (1.0 - progress) / 0.3)

    def laugh(self, t: float, amount: float = 1.0) -> None:
        """Laughing while ``amount`` > 0: a broad open smile, the head and
        shoulders shaking (about 4.5 shakes a second, a seeded phase)."""
        self.state.laugh = max(0.0, min(1.0, amount))
        phase = t * 4.5 + self._phases[1]
        self.state.laugh_shake = math.sin(TAU * phase) if amount > 0.0 else 0.0

    def clap(self, t: float, amount: float = 1.0) -> None:
        """Clapping while ``amount`` > 0: both hands up in front of the chest,
        meeting about 3.5 times a second (a seeded phase, so a crowd's claps
        are not in step). ``amount`` blends the arms up and down."""
        self.state.clap = max(0.0, min(1.0, amount))
        phase = t * 3.5 + self._phases[2]
        self.state.clap_open = 0.5 - 0.5 * math.cos(TAU * phase) if amount > 0.0 else 0.0

    def check_time(self, amount: float) -> None:
        """0..1: the left forearm comes up and the head bows to the watch."""
        self.state.watch = max(0.0, min(1.0, amount))

    def raise_hand(self, amount: float) -> None:
        """0..1: the right arm goes up, as to ask a question."""
        self.state.hand = max(0.0, min(1.0, amount))

    def whisper(self, amount: float) -> None:
        """Leaning to whisper to a neighbour: -1 to the person's left, 1 to
        the right (turn the head with :meth:`look_at` toward the neighbour)."""
        self.state.lean = max(-1.0, min(1.0, amount))

    def walk(self, phase: float | None, amount: float = 1.0) -> None:
        """Gait cycle at ``phase`` (cycles; one cycle is two steps). The scene
        moves ``root`` forward by :meth:`stride` per cycle. None: stand."""
        if self.pose == "seated" or phase is None:
            self.state.walk = 0.0
            return
        self.state.walk = max(0.0, min(1.0, amount))
        self.state.phase = phase

    def stride(self) -> float:
        """Distance (m) the root travels per gait cycle, feet not sliding."""
        return 1.45 * self.body.thigh * 2.0 * math.sin(math.radians(24.0)) * 1.6

    # -- evaluation -----------------------------------------------------------------------
    def _pose_arms(self, left: ArmPose, right: ArmPose, swing: float) -> None:
        # Only the joints whose angles changed (a clap moves the upper arms
        # alone): each joint touched costs more than the maths.
        was_left, was_right, was_swing = self._arms_drawn
        for arm, was, (upper, fore, twist, sx) in (
            (left, was_left, self._arm_joints[0]),
            (right, was_right, self._arm_joints[1]),
        ):
            if (
                was is None
                or swing != was_swing
                or (arm.heading, arm.pitch, arm.roll) != (was.heading, was.pitch, was.roll)
            ):
                upper.set(sx * arm.heading, arm.pitch - sx * swing, -sx * arm.roll)
            if was is None or arm.elbow != was.elbow:
                fore.set(0.0, arm.elbow, 0.0)
            if was is None or arm.twist != was.twist:
                twist.set(sx * arm.twist, 0.0, 0.0)
        self._arms_drawn = (left, right, swing)

    def _pose_legs(
        self,
        l_hip: float,
        l_knee: float,
        r_hip: float,
        r_knee: float,
        bob: float,
    ) -> None:
        j = self.joints
        if self.pose == "seated":
            j["thigh_l"].set(-4.0, self.thigh_pitch, 0.0)
            j["thigh_r"].set(4.0, self.thigh_pitch, 0.0)
            j["shin_l"].set(0.0, -self.thigh_pitch + 4.0, 0.0)
            j["shin_r"].set(0.0, -self.thigh_pitch + 4.0, 0.0)
            return
        j["thigh_l"].set(0.0, l_hip, 0.0)
        j["thigh_r"].set(0.0, r_hip, 0.0)
        j["shin_l"].set(0.0, -l_knee, 0.0)
        j["shin_r"].set(0.0, -r_knee, 0.0)
        pelvis = self.nodes["pelvis"]
        z = self.pelvis_z + bob
        if abs(pelvis.getZ() - z) > 1e-4:
            pelvis.setZ(z)

    def apply(self) -> None:
        """Write the blended pose to the joints that changed."""
        st = self.state
        j = self.joints
        busy = max(st.phone, st.crossed, st.clap, st.watch, st.hand)
        swing = 0.0
        bob = 0.0
        lh = lk = rh = rk = 0.0
        chest_h = 0.0
        if st.walk:
            w = st.walk
            a = TAU * st.phase
            s = math.sin(a)
            lh, rh = 24.0 * s * w, -24.0 * s * w
            # Knee: bent in swing (about 60 deg), nearly straight in stance.
            lk = w * (6.0 + 56.0 * max(0.0, math.sin(a - 0.6)) ** 1.5)
            rk = w * (6.0 + 56.0 * max(0.0, math.sin(a + math.pi - 0.6)) ** 1.5)
            # The pelvis rides on the lower foot: its sole stays on the floor.
            body = self.body
            low = body.shin + body.ankle
            reach = max(
                body.thigh * math.cos(math.radians(hip)) + low * math.cos(math.radians(hip - knee))
                for hip, knee in ((lh, lk), (rh, rk))
            )
            bob = reach - self.pelvis_z
            swing = 16.0 * s * w * (1.0 - busy)
            chest_h = 4.0 * s * w
        arms_from = (
            st.phone,
            st.crossed,
            st.clap,
            st.clap_open,
            st.watch,
            st.hand,
            st.cough,
            swing,
        )
        if arms_from != self._arms_from:
            self._arms_from = arms_from
            rest = self._rest_arms
            left = rest.lerp(ARMS_PHONE, st.phone) if st.phone else rest
            right = left
            if st.crossed:
                left = left.lerp(ARMS_CROSSED_L, st.crossed)
                right = right.lerp(ARMS_CROSSED_R, st.crossed)
            if st.clap:
                clap = ARMS_CLAP.lerp(ARMS_CLAP_OPEN, st.clap_open)
                left = left.lerp(clap, st.clap)
                right = right.lerp(clap, st.clap)
            if st.watch:
                left = left.lerp(ARM_WATCH, st.watch)
            if st.hand:
                right = right.lerp(ARM_RAISED, st.hand)
            if st.cough:
                right = right.lerp(ARM_COUGH, st.cough)
            self._pose_arms(left, right, swing)
        if self.pose != "seated":  # a seated person's legs were posed once
            self._pose_legs(lh, lk, rh, rk, bob)
        # Head and chest share the turn toward the target.
        chest_yaw = max(-CHEST_YAW_MAX, min(CHEST_YAW_MAX, st.yaw * CHEST_YAW_SHARE))
        head_yaw = max(-HEAD_YAW_MAX, min(HEAD_YAW_MAX, st.yaw - chest_yaw))
        head_pitch = st.pitch - 12.0 * st.nod - 32.0 * st.phone - 10.0 * st.cough_jerk
        head_pitch += 14.0 * st.yawn + st.laugh * (6.0 + 4.0 * st.laugh_shake) - 30.0 * st.watch
        shake = 2.5 * st.laugh * st.laugh_shake
        lean = 1.0 if self.pose == "seated" else 0.0
        h = chest_yaw + chest_h
        p = -lean - 5.0 * st.phone - 7.0 * st.cough_jerk - 3.0 * st.cough
        p += 0.6 * st.breath + shake - 6.0 * st.watch
        r = 9.0 * st.lean
        # The chest's turn and its breathing scale in one call when either
        # changed (past the same thresholds as any joint's).
        chest = j["chest"]
        lh, lp, lr = chest.last
        turned = abs(h - lh) + abs(p - lp) + abs(r - lr) > 0.02
        sz = 1.0 + 0.006 * st.breath
        breathed = abs(self._chest_scale[2] - sz) > 2e-4
        if turned or breathed:
            if turned:
                chest.last = (h, p, r)
            if breathed:
                self._chest_scale = (1.0, 1.0 + 0.012 * st.breath, sz)
            chest.node.setPosHprScale(*self._chest_pos, *chest.last, *self._chest_scale)
        j["neck"].set(head_yaw * 0.35, 0.0, 0.0)
        j["head"].set(head_yaw * 0.65, head_pitch * 0.8, -6.0 * st.lean)
        self._pose_face()

    def _pose_face(self) -> None:
        """The lips, mouth and brows, each written only when it changed (a
        laugh opens and closes the mouth every frame; its smile and brows
        hold)."""
        st = self.state
        smile = st.smile + (1.0 - st.smile) * st.laugh  # a laugh is a broad smile
        opened = max(st.mouth, st.yawn, st.laugh * (0.45 + 0.2 * abs(st.laugh_shake)))
        opened = max(opened, 0.22 * max(0.0, smile))  # a smile parts the lips
        brows = st.brows + 0.8 * st.yawn
        was_smile, was_opened, was_brows = self._face
        if smile == was_smile and opened == was_opened and brows == was_brows:
            return
        self._face = (smile, opened, brows)
        n = self.nodes
        k = self.body.head_k
        if smile != was_smile:
            # The halves turn about the mouth's middle (a frown's corners drop further).
            tilt = 14.0 * smile if smile > 0.0 else 24.0 * smile
            for side, sx in (("l", -1.0), ("r", 1.0)):
                n[f"lip_u{side}"].setR(sx * -tilt)
                n[f"lip_l{side}"].setR(sx * -tilt * 0.8)
        if opened != was_opened:
            low = float(self._pivots["mouth"][2]) - 0.016 * k * opened
            n["lip_ll"].setZ(low)
            n["lip_lr"].setZ(low)
            n["mouth"].setSz(max(0.02, 1.2 * opened))
        if brows != was_brows:
            knit = min(0.0, brows)
            lift = 0.004 if brows > 0.0 else 0.006
            for side, sx in (("l", -1.0), ("r", 1.0)):
                x, y, z = self._pivots[f"brow_{side}"]
                n[f"brow_{side}"].setPosHpr(
                    float(x) - sx * 0.004 * k * knit,
                    float(y),
                    float(z) + lift * k * brows,
                    0.0,
                    0.0,
                    sx * 20.0 * knit,
                )

    # -- queries for scenes and tests --------------------------------------------------------
    def point(
        self,
        bone: str,
        local: tuple[float, float, float] = (0.0, 0.0, 0.0),
        other: NodePath | None = None,
    ) -> Point3:
        """Where ``local`` (in ``bone``'s frame: a key of :attr:`nodes`) is
        drawn now, in ``other``'s frame (default: the root's). The bones are
        not in the drawn graph, so ask here rather than ``getRelativePoint``."""
        in_root = self.skeleton.getRelativePoint(self.nodes[bone], Point3(*local))
        return in_root if other is None else other.getRelativePoint(self.root, in_root)

    def soles(self) -> list[tuple[float, float, float]]:
        """Both soles' middles in the root's frame."""
        out = []
        for side in ("l", "r"):
            p = self.point(f"shin_{side}", (0.0, 0.04, -self.body.shin - self.body.ankle))
            out.append((p.x, p.y, p.z))
        return out

    def remove(self) -> None:
        self.root.removeNode()


def build_people(parent: NodePath, seeds: Iterable[int], **options: object) -> list[Person]:
    """Several people at once (positions are the scene's to set)."""
    return [
        Person(PersonLook.from_seed(s), parent, name=f"person-{s}", **options)  # type: ignore[arg-type]
        for s in seeds
    ]
