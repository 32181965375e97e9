"""A procedural house spider (Eratigena / Tegenaria type) and its walking rig.

Anatomy, in model units where the rest-pose leg span is about 1 (the rig's
``model`` node scales it to exactly 1, the spider root to metres):

* cephalothorax (prosoma) with a raised head, a median band and radial marks;
  an egg-shaped abdomen (opisthosoma) with the dorsal chevron pattern
  (folium) of house spiders; a waisted pedicel between them; a sternum;
* eight glossy eyes in two rows; two bulbous chelicerae with fangs; two
  pedipalps;
* eight legs, each coxa + femur + patella/tibia + metatarsus/tarsus, the
  last three driven by two-bone inverse kinematics so the feet stay planted;
* fur: a hair-streak texture on every part plus thin bristle geometry (short
  hairs on the body, hairs and long spines on the legs).

Geometry is built once per scene build (:class:`SpiderProto`) and shared by
every spider (:class:`SpiderRig` instances the same ``GeomNode`` objects), so
ten spiders cost ten small node hierarchies, not ten meshes.

Gait: alternating tetrapod (L1 R2 L3 R4 swing while R1 L2 R3 L4 stand, then
the reverse). Stance feet move backward in the body frame at exactly the body's
velocity (plus the turning term), so they do not slide on the ground.
"""

from __future__ import annotations

import functools
import math
import struct
from dataclasses import dataclass, field

import numpy as np
from panda3d.core import (
    Geom,
    GeomNode,
    Material,
    MaterialAttrib,
    NodePath,
    Point3,
    PTA_LVecBase4f,
    RenderState,
    ShaderAttrib,
    Texture,
    TextureAttrib,
    TransparencyAttrib,
)

from palier.scenes.procedural import (
    GeomBuilder,
    fractal_noise,
    hair_streaks,
    material,
    palette_geom,
    palette_lit_shader,
    palette_node,
    radial_falloff,
    texture_from_array,
    transform,
)

TAU = 2.0 * math.pi
_POSE = struct.Struct("16f").pack  # a rig's gait, as its limb shader's ``spider_pose``

# Body layout (model units).
PROSOMA_C = (0.0, 0.040, 0.052)
PROSOMA_R = (0.040, 0.054, 0.022)
ABDOMEN_C = (0.0, -0.088, 0.062)
ABDOMEN_R = (0.047, 0.074, 0.043)
HIP_Z = 0.046

# Per leg pair (I..IV): hip angle from forward (deg), segment lengths
# (femur, patella+tibia, metatarsus+tarsus), rest femur and tibia pitch (deg),
# thickness factor. Legs IV and I are the longest, as in Eratigena.
LEG_TABLE = (
    (38.0, (0.138, 0.158, 0.180), 54.0, -24.0, 1.00),
    (68.0, (0.124, 0.138, 0.152), 57.0, -26.0, 0.96),
    (108.0, (0.112, 0.121, 0.142), 57.0, -28.0, 0.93),
    (142.0, (0.145, 0.160, 0.198), 52.0, -24.0, 1.02),
)
BODY_SCALE = 1.3  # the body below is modelled small, then scaled (hips and palps follow)
# Direction each rest foot points (deg from forward), spread like a resting
# house spider: front legs forward, back legs backward.
FOOT_ANGLE = (30.0, 64.0, 112.0, 154.0)
COXA_LEN = 0.024
COXA_DZ = 0.004

# Tetrapod groups: (side, pair) with side -1 left, +1 right; group 0 is
# L1 R2 L3 R4, group 1 is R1 L2 R3 L4.
LEG_GROUP = {
    (-1, 0): 0,
    (1, 1): 0,
    (-1, 2): 0,
    (1, 3): 0,
    (1, 0): 1,
    (-1, 1): 1,
    (1, 2): 1,
    (-1, 3): 1,
}

STRIDE = 0.16  # nominal stride of each foot (model units)
STRIDE_MAX = 0.24  # longest step the legs can make
STEP_FREQ_MIN = 0.8  # Hz: below this the stride shrinks instead
STEP_FREQ_MAX = 11.0  # Hz: fast scuttle of a big house spider

HAIR_DARK = (0.045, 0.035, 0.025, 1.0)
HAIR_TIP = (0.30, 0.24, 0.17, 1.0)
SPINE = (0.05, 0.035, 0.025, 1.0)


# -- textures ---------------------------------------------------------------------
def _mix(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    result: np.ndarray = a + (b - a) * t[..., None]
    return result


def abdomen_image(rng: np.random.Generator, size: int = 256) -> np.ndarray:
    """Dorsal folium of a house spider: a paler, mottled band down the
    midline broken by soft dark chevrons pointing forward, dark-edged; dark
    flanks speckled with pale hair tufts; a dark belly; everything under a
    layer of hair streaks. u (columns): round the body, dorsal midline in the
    middle; v (rows): front at the top."""
    h = w = size
    u = (np.arange(w) + 0.5) / w
    v = 1.0 - (np.arange(h) + 0.5) / h  # row 0 = front (v = 1)
    uu, vv = np.meshgrid(u, v)
    lateral = np.abs(uu - 0.5)  # 0 dorsal midline, 0.5 belly
    base = np.array([0.13, 0.095, 0.065])
    pale = np.array([0.40, 0.31, 0.21])
    dark = np.array([0.045, 0.035, 0.025])
    mottle = fractal_noise(h, w, (8, 8), rng, octaves=4)
    fine = fractal_noise(h, w, (32, 32), rng, octaves=2)
    fur = hair_streaks(h, w, rng, density=0.9, length=18)
    img = np.broadcast_to(base, (h, w, 3)) * (0.7 + 0.6 * mottle[..., None])
    # Folium: band half-width wavy along the body, narrowing to the rear.
    wobble = 0.012 * np.sin(vv * 38.0)
    half = 0.05 + 0.06 * np.clip(vv, 0.0, 1.0) ** 0.8 + wobble
    band = np.clip((half - lateral) / 0.03, 0.0, 1.0) * (vv > 0.06) * (vv < 0.93)
    img = _mix(img, pale * (0.75 + 0.5 * fine[..., None]), 0.75 * band)
    # Soft dark chevrons across the band, warped by noise so none is ruled.
    warp = vv + 0.035 * (mottle - 0.5) + lateral * 1.7
    chev = 0.5 + 0.5 * np.cos(warp * 2.0 * np.pi * 6.0)
    img = _mix(img, dark, 0.7 * band * np.clip((chev - 0.55) / 0.3, 0.0, 1.0))
    edge = np.clip(1.0 - np.abs(lateral - half) / 0.02, 0.0, 1.0) * (vv > 0.06) * (vv < 0.93)
    img = _mix(img, dark, 0.55 * edge)
    # Pale hair tufts speckled over the flanks.
    tufts = np.clip((fine - 0.62) / 0.12, 0.0, 1.0) * (lateral > 0.12) * (lateral < 0.32)
    img = _mix(img, pale * 0.9, 0.5 * tufts)
    img = img * (1.0 - 0.5 * np.clip((lateral - 0.3) / 0.15, 0.0, 1.0))[..., None]
    img = img * (0.72 + 0.55 * fur[..., None])
    return np.clip(img, 0.0, 1.0)


def prosoma_image(rng: np.random.Generator, size: int = 256) -> np.ndarray:
    """Carapace: light median band, dark radial striae, darker margins."""
    h = w = size
    u = (np.arange(w) + 0.5) / w
    v = 1.0 - (np.arange(h) + 0.5) / h
    uu, vv = np.meshgrid(u, v)
    lateral = np.abs(uu - 0.5)
    base = np.array([0.22, 0.155, 0.10])
    dark = np.array([0.06, 0.045, 0.03])
    mottle = fractal_noise(h, w, (6, 6), rng, octaves=3)
    fur = hair_streaks(h, w, rng, density=0.7, length=14)
    img = np.broadcast_to(base, (h, w, 3)) * (0.8 + 0.4 * mottle[..., None])
    # Radial striae: dark wedges fanning from the fovea (dorsal centre).
    ang = np.arctan2(lateral, (vv - 0.45) * 0.6)
    stria = (np.cos(ang * 9.0) > 0.55) * (lateral > 0.06) * (lateral < 0.3)
    img = _mix(img, dark, 0.55 * stria)
    median = np.clip(1.0 - lateral / 0.045, 0.0, 1.0)
    img = _mix(img, np.array([0.55, 0.42, 0.28]), 0.55 * median * (vv < 0.92))
    margin = np.clip((lateral - 0.25) / 0.08, 0.0, 1.0)
    img = _mix(img, dark, 0.75 * margin)
    img = img * (0.7 + 0.55 * fur[..., None])
    return np.clip(img, 0.0, 1.0)


def leg_image(rng: np.random.Generator, width: int = 64, height: int = 256) -> np.ndarray:
    """Leg segment skin: dark brown under dense hair streaks along the leg,
    faint darker rings (annulation) near the joint ends."""
    v = 1.0 - (np.arange(height) + 0.5) / height
    base = np.array([0.17, 0.12, 0.08])
    fur = hair_streaks(height, width, rng, density=1.1, length=22)
    mottle = fractal_noise(height, width, (4, 8), rng, octaves=3)
    ring = 0.55 + 0.45 * np.clip(np.abs(v - 0.5) / 0.5, 0.0, 1.0) ** 3
    img = np.broadcast_to(base, (height, width, 3)) * (0.8 + 0.35 * mottle[..., None])
    img = img * (1.0 - 0.45 * (ring[:, None] - 0.55) / 0.45)[..., None]
    img = img * (0.6 + 0.7 * fur[..., None])
    return np.clip(img, 0.0, 1.0)


# -- geometry helpers ------------------------------------------------------------------
def _surface_hairs(
    b: GeomBuilder,
    rng: np.random.Generator,
    center: tuple[float, ...],
    radii: tuple[float, ...],
    n: int,
    length: float,
    *,
    lie: float = 0.75,
    min_lateral: float = -1.0,
    color: tuple[float, float, float, float] = HAIR_DARK,
    tip: tuple[float, float, float, float] | None = HAIR_TIP,
) -> None:
    """Hairs over an ellipsoid (long axis +Y), lying back toward the rear
    (``lie`` 0 upright .. 1 flat), only where the surface normal's z is above
    ``min_lateral`` (to keep them off the belly)."""
    theta = np.arccos(rng.uniform(-0.96, 0.96, n * 2))
    phi = rng.uniform(0.0, TAU, n * 2)
    rx, ry, rz = radii
    x = -rx * np.sin(theta) * np.sin(phi)
    y = ry * np.cos(theta)
    z = -rz * np.sin(theta) * np.cos(phi)
    nrm = np.stack([x / rx**2, y / ry**2, z / rz**2], axis=1)
    nrm /= np.linalg.norm(nrm, axis=1, keepdims=True)
    keep = nrm[:, 2] > min_lateral
    pts = np.stack([x, y, z], axis=1)[keep][:n] + np.asarray(center)
    nrm = nrm[keep][:n]
    back = np.array([0.0, -1.0, 0.0])
    along = back - nrm * (nrm @ back)[:, None]
    along /= np.maximum(np.linalg.norm(along, axis=1, keepdims=True), 1e-9)
    dirs = nrm * (1.0 - lie) + along * lie + rng.normal(0.0, 0.18, (len(pts), 3))
    lens = length * rng.uniform(0.6, 1.4, len(pts))
    b.add_bristles(
        pts - nrm * 0.0008, dirs, lens, nrm, width=length * 0.14, color=color, tip_color=tip
    )


def _segment(
    b_skin: GeomBuilder,
    b_hair: GeomBuilder,
    rng: np.random.Generator,
    length: float,
    r0: float,
    r1: float,
    *,
    hairs: int,
    spines: int,
    bow: float = 0.0,
    claw: bool = False,
) -> None:
    """One leg segment along +Y from 0 to ``length``: a slightly bowed,
    tapering tube, hairs pointing toward the tip, a few long spines."""
    t = np.linspace(0.0, 1.0, 9)
    path = np.stack([np.zeros_like(t), t * length, np.sin(t * math.pi) * bow], axis=1)
    rad = r0 + (r1 - r0) * t
    rad = rad * (1.0 + 0.12 * np.sin(t * math.pi))  # muscles swell mid-segment
    b_skin.add_tube(path, rad, sides=8, cap_start=True, cap_end=not claw)
    if claw:  # tarsal claws: a dark little hook at the tip
        tip = np.array(
            [
                [0.0, length, 0.0],
                [0.0, length + r1 * 2.0, -r1 * 0.8],
                [0.0, length + r1 * 2.6, -r1 * 2.0],
            ]
        )
        b_hair.add_tube(tip, np.array([r1 * 0.8, r1 * 0.5, r1 * 0.15]), sides=5, color=SPINE)
    # Hairs all round the segment, leaning toward the tip.
    tt = rng.uniform(0.02, 1.0, hairs)
    aa = rng.uniform(0.0, TAU, hairs)
    radial = np.stack([np.cos(aa), np.zeros(hairs), np.sin(aa)], axis=1)
    rr = np.interp(tt, t, rad)
    roots = (
        np.stack([np.zeros(hairs), tt * length, np.sin(tt * math.pi) * bow], axis=1)
        + radial * rr[:, None] * 0.9
    )
    lean = rng.uniform(0.55, 0.85, hairs)[:, None]
    dirs = (
        radial * (1.0 - lean) + np.array([0.0, 1.0, 0.0]) * lean + rng.normal(0.0, 0.12, (hairs, 3))
    )
    lens = rng.uniform(1.6, 3.2, hairs) * (r0 + r1) * 0.5
    b_hair.add_bristles(
        roots, dirs, lens, radial, width=(r0 + r1) * 0.16, color=HAIR_DARK, tip_color=HAIR_TIP
    )
    if spines:
        tt = rng.uniform(0.1, 0.9, spines)
        aa = rng.uniform(-0.3, math.pi + 0.3, spines)  # mostly on the upper and side faces
        radial = np.stack([np.cos(aa), np.zeros(spines), np.sin(aa)], axis=1)
        rr = np.interp(tt, t, rad)
        roots = (
            np.stack([np.zeros(spines), tt * length, np.sin(tt * math.pi) * bow], axis=1)
            + radial * rr[:, None] * 0.9
        )
        dirs = radial * 0.55 + np.array([0.0, 1.0, 0.0]) * 0.45
        lens = rng.uniform(4.5, 6.5, spines) * (r0 + r1) * 0.5
        b_hair.add_bristles(
            roots,
            dirs,
            lens,
            radial,
            width=(r0 + r1) * 0.16,
            color=SPINE,
            tip_color=(0.12, 0.09, 0.06, 1.0),
        )


@dataclass(slots=True)
class LegSpec:
    side: float
    pair: int
    group: int
    hip: tuple[float, float, float]
    lengths: tuple[float, float, float]
    rest_foot: tuple[float, float]
    rest_reach: float
    femur_rest: float  # radians


@dataclass
class SpiderProto:
    """Shared geometry, textures and leg layout for every spider of a scene."""

    body: NodePath
    limbs: Geom
    """Every leg segment and both palps in one palette-skinned mesh (one draw
    call a spider, and one for its cast shadow): bones 0-31 are the legs'
    coxa, femur, tibia and metatarsus in ``legs`` order, 32 and 33 the left
    and right palp, posed on the GPU (:func:`limb_shader`)."""
    limb_state: RenderState
    limb_radius: float  # model units: a sphere round the body holding every pose
    shadow: NodePath
    legs: list[LegSpec]
    norm: float  # model units -> leg span 1
    material: Material
    leg_table: _LegTable = field(init=False)
    limb_shader: ShaderAttrib = field(init=False)

    def __post_init__(self) -> None:
        self.leg_table = _LegTable([LegRig(spec, i) for i, spec in enumerate(self.legs)])
        self.limb_shader = limb_shader(self.leg_table)


def _geom_node(name: str, parts: list[tuple[GeomBuilder, RenderState]]) -> NodePath:
    node = GeomNode(name)
    for builder, state in parts:
        if not builder.is_empty():
            node.addGeom(builder.geom(), state)
    return NodePath(node)


@functools.lru_cache(maxsize=2)
def spider_textures(seed: int) -> tuple[Texture, Texture, Texture, Texture]:
    """The spider's textures, made once per seed and kept for the process:
    reloading the scene then reuses the textures already on the GPU instead
    of uploading new ones while the old wait for Panda's state cache to let
    go of them (a fixed few hundred kilobytes, not a growing leak)."""
    rng = np.random.default_rng(seed)
    shade = np.zeros((64, 64, 4))
    shade[..., 3] = radial_falloff(64, power=1.6) * 0.8
    return (
        texture_from_array("spider-abdomen", abdomen_image(rng)),
        texture_from_array("spider-prosoma", prosoma_image(rng)),
        texture_from_array("spider-leg", leg_image(rng)),
        texture_from_array("spider-shadow", shade, repeat=False),
    )


def build_proto(seed: int) -> SpiderProto:
    """Make the meshes (a few tens of milliseconds) around cached textures."""
    rng = np.random.default_rng(seed)
    tex_abd, tex_pro, tex_leg, tex_shadow = spider_textures(seed)
    st_abd = RenderState.make(TextureAttrib.make(tex_abd))
    st_pro = RenderState.make(TextureAttrib.make(tex_pro))
    st_leg = RenderState.make(TextureAttrib.make(tex_leg))
    eye_mat = material((0.015, 0.015, 0.02, 1.0), specular=1.6, shininess=70.0)
    st_eye = RenderState.make(TextureAttrib.makeAllOff(), MaterialAttrib.make(eye_mat))

    # -- body ----------------------------------------------------------------------
    abd, pro, hair, dark = GeomBuilder(), GeomBuilder(), GeomBuilder(), GeomBuilder()
    rings = 16
    th = np.linspace(0.0, math.pi, rings + 1)
    egg = 0.82 + 0.18 * np.sin(np.clip(th * 1.1, 0, math.pi))  # fuller toward the rear
    abd.add_ellipsoid(
        ABDOMEN_C,
        ABDOMEN_R,
        rings=rings,
        segments=24,
        profile=egg,
        xform=transform(hpr=(0.0, -6.0, 0.0)),
    )
    head = 0.72 + 0.28 * np.sin(np.clip(th, 0, math.pi) * 0.5 + 0.9) ** 2
    pro.add_ellipsoid(PROSOMA_C, PROSOMA_R, rings=rings, segments=20, profile=head)
    # Raised head region (caput) carrying the eyes.
    pro.add_ellipsoid((0.0, 0.070, 0.061), (0.022, 0.022, 0.013), rings=8, segments=14)
    # Sternum, pedicel, spinnerets: plain dark parts.
    dark.add_ellipsoid(
        (0.0, 0.038, 0.036),
        (0.027, 0.036, 0.007),
        rings=6,
        segments=12,
        color=(0.22, 0.16, 0.10, 1.0),
    )
    dark.add_tube(
        np.array([[0.0, -0.005, 0.050], [0.0, -0.018, 0.056]]),
        0.010,
        sides=8,
        color=(0.15, 0.11, 0.07, 1.0),
    )
    for sx in (-1.0, 1.0):
        dark.add_tube(
            np.array([[sx * 0.006, -0.150, 0.056], [sx * 0.009, -0.172, 0.058]]),
            np.array([0.0055, 0.0035]),
            sides=6,
            color=(0.18, 0.13, 0.08, 1.0),
        )
    _surface_hairs(hair, rng, ABDOMEN_C, ABDOMEN_R, 1500, 0.013, lie=0.72)
    _surface_hairs(hair, rng, PROSOMA_C, PROSOMA_R, 500, 0.010, lie=0.8, min_lateral=-0.2)
    # Eyes: two rows of four, the anterior medians largest; glossy black.
    eyes = GeomBuilder()
    for sx in (-1.0, 1.0):
        for x, y, z, r in (
            (0.0062, 0.0905, 0.0655, 0.0046),
            (0.0165, 0.0865, 0.0640, 0.0050),
            (0.0072, 0.0805, 0.0720, 0.0042),
            (0.0185, 0.0780, 0.0695, 0.0046),
        ):
            eyes.add_ellipsoid((sx * x, y, z), (r, r, r), rings=8, segments=12)
    # Chelicerae: bulbous, hanging down in front, with dark curved fangs.
    chel = GeomBuilder()
    for sx in (-1.0, 1.0):
        chel.add_ellipsoid(
            (0.0, 0.0, 0.0),
            (0.0095, 0.0175, 0.0105),
            rings=10,
            segments=12,
            xform=transform((sx * 0.0095, 0.0915, 0.040), (sx * 6.0, -68.0, 0.0)),
        )
        fang = np.array(
            [[sx * 0.011, 0.097, 0.024], [sx * 0.006, 0.099, 0.019], [sx * 0.0005, 0.096, 0.017]]
        )
        dark.add_tube(
            fang, np.array([0.0028, 0.0018, 0.0004]), sides=6, color=(0.04, 0.03, 0.02, 1.0)
        )
    _surface_hairs(hair, rng, (0.0, 0.0915, 0.040), (0.018, 0.012, 0.014), 60, 0.008, lie=0.3)
    # Three draw calls for the whole body: hairs and the dark parts ride in
    # the textured meshes with "untextured" UVs (see GeomBuilder.merge).
    pro.merge(chel)
    pro.merge(dark, untextured=True)
    pro.merge(hair, untextured=True)
    body_geom = _geom_node("spider-body", [(abd, st_abd), (pro, st_pro), (eyes, st_eye)])
    body = NodePath("spider-torso")
    body_geom.reparentTo(body)
    body_geom.setScale(BODY_SCALE)

    # -- pedipalps (one mesh, mirrored by the rig) -----------------------------------
    palp_skin, palp_hair = GeomBuilder(), GeomBuilder()
    t = np.linspace(0.0, 1.0, 10)
    # Femur up and forward, then patella, tibia and tarsus bending down to
    # touch the ground ahead of the chelicerae, the tip a little clubbed.
    palp_path = np.stack(
        [
            0.006 * np.sin(t * math.pi),
            0.058 * t,
            0.016 * np.sin(t * math.pi * 0.8) - 0.034 * t**2.2,
        ],
        axis=1,
    )
    palp_skin.add_tube(palp_path, 0.0056 * (1.0 + 0.35 * t**4), sides=8)
    roots = palp_path[1:] + rng.normal(0.0, 0.002, (9, 3))
    for _ in range(3):
        palp_hair.add_bristles(
            roots,
            np.array([0.0, 1.0, 0.6]) + rng.normal(0, 0.4, (9, 3)),
            rng.uniform(0.010, 0.016, 9),
            np.tile([0.0, 0.0, 1.0], (9, 1)),
            width=0.0011,
            color=HAIR_DARK,
            tip_color=HAIR_TIP,
        )
    palp_skin.merge(palp_hair, untextured=True)

    # -- legs -------------------------------------------------------------------------
    segments: list[list[GeomBuilder]] = []  # per pair: coxa, femur, tibia, metatarsus
    legs: list[LegSpec] = []
    for pair, (hip_deg, lengths, femur_deg, tibia_deg, thick) in enumerate(LEG_TABLE):
        a, b, c = lengths
        parts = []
        coxa_skin = GeomBuilder()
        coxa_skin.add_tube(
            np.array(
                [[0.0, -0.004, -0.002], [0.0, COXA_LEN * 0.5, 0.001], [0.0, COXA_LEN, COXA_DZ]]
            ),
            np.array([0.0115, 0.0120, 0.0115]) * thick,
            sides=8,
        )
        parts.append(coxa_skin)
        r_f = 0.0118 * thick
        for name, length, r0, r1, hairs, spines, bow, claw in (
            ("femur", a, r_f, r_f * 0.82, 150, 6, 0.006, False),
            ("tibia", b, r_f * 0.78, r_f * 0.66, 130, 6, 0.003, False),
            ("meta", c, r_f * 0.6, r_f * 0.36, 110, 4, -0.002, True),
        ):
            skin, hair_b = GeomBuilder(), GeomBuilder()
            _segment(
                skin, hair_b, rng, length, r0, r1, hairs=hairs, spines=spines, bow=bow, claw=claw
            )
            if name == "tibia":  # patella: the knee knob at the top of the leg
                skin.add_ellipsoid(
                    (0.0, 0.006, 0.002), (r0 * 1.15, 0.013, r0 * 1.2), rings=6, segments=10
                )
            skin.merge(hair_b, untextured=True)
            parts.append(skin)
        segments.append(parts)
        for side in (-1.0, 1.0):
            ang = math.radians(hip_deg)
            hip = (
                side * math.sin(ang) * PROSOMA_R[0] * 0.78 * BODY_SCALE,
                (PROSOMA_C[1] + math.cos(ang) * PROSOMA_R[1] * 0.62) * BODY_SCALE,
                HIP_Z * BODY_SCALE,
            )
            # Rest pose by forward kinematics: femur up, tibia slightly down,
            # metatarsus angled to touch the ground.
            f_r, t_r = math.radians(femur_deg), math.radians(tibia_deg)
            z = hip[2] + COXA_DZ + a * math.sin(f_r) + b * math.sin(t_r)
            m_r = -math.asin(min(0.98, z / c))
            reach = COXA_LEN + a * math.cos(f_r) + b * math.cos(t_r) + c * math.cos(m_r)
            foot_ang = math.radians(FOOT_ANGLE[pair])
            fx = hip[0] + side * math.sin(foot_ang) * reach
            fy = hip[1] + math.cos(foot_ang) * reach
            legs.append(
                LegSpec(
                    side, pair, LEG_GROUP[(int(side), pair)], hip, lengths, (fx, fy), reach, f_r
                )
            )
    feet = np.array([leg.rest_foot for leg in legs])
    span = float(np.max(np.linalg.norm(feet[:, None] - feet[None, :], axis=2)))
    bones = [part for leg in legs for part in segments[leg.pair]]
    limbs = palette_geom([*bones, palp_skin.mirrored_x(), palp_skin])

    # -- soft contact shadow -------------------------------------------------------------
    sb = GeomBuilder()
    sb.add_quad(
        np.array([[-0.5, -0.5, 0.0], [0.5, -0.5, 0.0], [0.5, 0.5, 0.0], [-0.5, 0.5, 0.0]]),
        color=(1, 1, 1, 1),
    )
    shadow = _geom_node(
        "spider-shadow",
        [
            (
                sb,
                RenderState.make(
                    TextureAttrib.make(tex_shadow),
                    TransparencyAttrib.make(TransparencyAttrib.MAlpha),
                ),
            )
        ],
    )
    shadow.setDepthWrite(False)
    shadow.setLightOff(1)
    shadow.setShaderOff(1)
    shadow.setBin("transparent", 0)
    return SpiderProto(
        body,
        limbs,
        st_leg,
        span,  # the longest leg reaches well under one span from the body's centre
        shadow,
        legs,
        1.0 / span,
        material((1.0, 1.0, 1.0, 1.0), specular=0.22, shininess=28.0),
    )


# -- the per-spider rig ---------------------------------------------------------------------
LEG_BONES = 4  # coxa (turns about the hip), femur, tibia, metatarsus
PALP_BONE = 32  # first palp's bone; the legs' are 0-31
PALP_POS = ((-0.0145, 0.082, 0.036), (0.0145, 0.082, 0.036))  # left, right (x BODY_SCALE)
PALP_HEADING = (14.0, -14.0)  # degrees: splayed outward


class LegRig:
    """One leg's layout and its index among the limbs' bones (``LEG_BONES *
    index`` onward)."""

    __slots__ = (
        "a",
        "b",
        "c",
        "femur_rest",
        "group",
        "hip_x",
        "hip_y",
        "hip_z",
        "index",
        "rest_reach",
        "rest_x",
        "rest_y",
    )

    def __init__(self, spec: LegSpec, index: int) -> None:
        self.index = index
        self.hip_x, self.hip_y, self.hip_z = spec.hip
        self.rest_x, self.rest_y = spec.rest_foot
        self.a, self.b, self.c = spec.lengths
        self.group = spec.group
        self.rest_reach = spec.rest_reach
        self.femur_rest = spec.femur_rest


class _LegTable:
    """Every leg of a proto as arrays, for the vectorised inverse kinematics."""

    def __init__(self, legs: list[LegRig]) -> None:
        self.hip = np.array([(leg.hip_x, leg.hip_y, leg.hip_z) for leg in legs])
        self.a = np.array([leg.a for leg in legs])
        self.b = np.array([leg.b for leg in legs])
        self.c = np.array([leg.c for leg in legs])
        self.femur_rest = np.array([leg.femur_rest for leg in legs])
        self.rest_reach = np.array([leg.rest_reach for leg in legs])
        self.rest_x = np.array([leg.rest_x for leg in legs])
        self.rest_y = np.array([leg.rest_y for leg in legs])
        self.group = np.array([float(leg.group) for leg in legs])
        self.leg_index = np.arange(len(legs), dtype=float)
        # Hanging: front legs (feet ahead of the hip) reach 8 cm further, the others draw in.
        self.reach_ahead = np.where(self.rest_y > self.hip[:, 1], 0.08, -0.02)


def foot_targets(table: _LegTable, gait: np.ndarray) -> np.ndarray:
    """Every foot's target (body frame, shape ``(rigs, legs, 3)``) from each
    rig's gait row (see ``SpiderRig.gait``). Legs in the same group step
    together: half the cycle swinging forward, lifted, half in stance
    sliding back on the ground, the stride set by the body's velocity and
    turn; a twitch jerks one leg up and in; a hanging spider spreads its
    legs in the body's plane, the front ones reaching ahead, slowly groping."""
    phase, lift, half, vx, vy, omega, bump, which, hang, body_z, wave_phase = (
        gait[:, k, None] for k in range(11)
    )
    rx, ry, hip = table.rest_x, table.rest_y, table.hip
    lp = (phase + 0.5 * table.group) % 1.0
    sx = (vx - omega * ry) * half
    sy = (vy + omega * rx) * half
    slen = np.hypot(sx, sy)
    slip = np.where(slen > STRIDE_MAX, STRIDE_MAX / np.maximum(slen, 1e-12), 1.0)
    sx, sy = sx * slip, sy * slip  # past the fastest stepping rate: feet slip
    swing = lp < 0.5
    off = np.where(swing, lp * 2.0 - 0.5, 0.5 - (lp - 0.5) * 2.0)
    z = np.where(swing, lift * np.sin(np.pi * lp * 2.0), 0.0)
    fx, fy = rx + sx * off, ry + sy * off
    jerk = bump * (which == table.leg_index)
    z = z + 0.045 * jerk
    fx = fx - (rx - hip[:, 0]) * 0.12 * jerk
    fy = fy - (ry - hip[:, 1]) * 0.12 * jerk
    wave = 0.025 * np.sin(wave_phase + table.leg_index * 1.7)
    fy = fy + (table.reach_ahead + wave) * hang
    fx = fx + (fx - hip[:, 0]) * 0.08 * hang
    z = z + (hip[:, 2] * 0.8 + 0.5 * wave) * hang
    out: np.ndarray = np.stack([fx, fy, z - body_z], axis=-1)
    return out


def leg_bones(table: _LegTable, feet: np.ndarray) -> np.ndarray:
    """Bone matrices (Panda's convention, in the body frame) of every leg
    reaching for ``feet`` (shape ``(..., legs, 3)``, body frame): shape
    ``(..., legs, 4, 4, 4)``, the coxa, femur, tibia and metatarsus.

    The same two-bone solve a leg of nodes did joint by joint: the coxa
    turns about the hip toward the foot, the femur lifts by how far the foot
    is from its rest reach, the tibia and metatarsus close the triangle to
    the foot. Each segment pitches about its own X axis, so their angles
    add up along the leg (``f1``, ``t2``, ``t3`` from the coxa's frame)."""
    hip, a, b, c = table.hip, table.a, table.b, table.c
    dx = feet[..., 0] - hip[:, 0]
    dy = feet[..., 1] - hip[:, 1]
    yaw = np.arctan2(dy, dx) - 0.5 * math.pi
    r = np.hypot(dx, dy) - COXA_LEN
    dz = feet[..., 2] - hip[:, 2] - COXA_DZ
    f1 = np.clip(
        table.femur_rest + 0.7 * (table.rest_reach - COXA_LEN - r) / (a + b + c), 0.25, 1.2
    )
    kx, kz = a * np.cos(f1), a * np.sin(f1)
    ex, ez = r - kx, dz - kz
    d = np.clip(np.hypot(ex, ez), np.abs(b - c) + 1e-4, b + c - 1e-4)
    alpha = np.arccos(np.clip((b * b + d * d - c * c) / (2.0 * b * d), -1.0, 1.0))
    t2 = np.arctan2(ez, ex) + alpha
    jx, jz = kx + b * np.cos(t2), kz + b * np.sin(t2)
    t3 = np.arctan2(dz - jz, r - jx)
    # Each bone's pitch and origin in the coxa's frame (y ahead along the leg, z up).
    theta = np.stack([np.zeros_like(f1), f1, t2, t3], axis=-1)
    oy = np.stack(
        [np.zeros_like(f1), np.full_like(f1, COXA_LEN), COXA_LEN + kx, COXA_LEN + jx], axis=-1
    )
    oz = np.stack(
        [np.zeros_like(f1), np.full_like(f1, COXA_DZ), COXA_DZ + kz, COXA_DZ + jz], axis=-1
    )
    ch, sh = np.cos(yaw)[..., None], np.sin(yaw)[..., None]
    ct, st = np.cos(theta), np.sin(theta)
    out = np.zeros((*theta.shape, 4, 4))
    # Rows of pitch(theta) @ heading(yaw), then the origin turned by the
    # heading and moved to the hip (row vectors: p_body = p_bone @ M).
    out[..., 0, 0], out[..., 0, 1] = ch, sh
    out[..., 1, 0], out[..., 1, 1], out[..., 1, 2] = -ct * sh, ct * ch, st
    out[..., 2, 0], out[..., 2, 1], out[..., 2, 2] = st * sh, -st * ch, ct
    out[..., 3, 0] = -oy * sh + hip[:, 0, None]
    out[..., 3, 1] = oy * ch + hip[:, 1, None]
    out[..., 3, 2] = oz + hip[:, 2, None]
    out[..., 3, 3] = 1.0
    return out


def palp_bones(torso_roll: np.ndarray, pitch: np.ndarray) -> np.ndarray:
    """Bone matrices of both palps (``pitch`` shape ``(..., 2)``, degrees;
    ``torso_roll`` shape ``(...)``, degrees), in the body frame: each palp
    is scaled by BODY_SCALE, turned by its heading then its pitch, placed on
    the torso, which rolls about its Y axis."""
    p = np.radians(pitch)
    h = np.radians(np.array(PALP_HEADING))
    cp, sp, ch, sh = np.cos(p), np.sin(p), np.cos(h), np.sin(h)
    local = np.zeros((*p.shape, 4, 4))
    local[..., 0, 0], local[..., 0, 1] = ch, sh
    local[..., 1, 0], local[..., 1, 1], local[..., 1, 2] = -cp * sh, cp * ch, sp
    local[..., 2, 0], local[..., 2, 1], local[..., 2, 2] = sp * sh, -sp * ch, cp
    local[..., :3, :3] *= BODY_SCALE
    local[..., 3, :3] = np.array(PALP_POS) * BODY_SCALE
    local[..., 3, 3] = 1.0
    r = np.radians(torso_roll)
    cr, sr = np.cos(r), np.sin(r)
    roll = np.zeros((*r.shape, 4, 4))
    roll[..., 0, 0], roll[..., 0, 2] = cr, -sr
    roll[..., 1, 1] = 1.0
    roll[..., 2, 0], roll[..., 2, 2] = sr, cr
    roll[..., 3, 3] = 1.0
    out: np.ndarray = local @ roll[..., None, :, :]
    return out


_LIMB_BONES_GLSL = """
// The spiders' limbs posed on the GPU: the same solve as reference_bones
// (foot_targets, leg_bones and palp_bones in numpy, which the tests hold it
// to), per vertex from its spider's pose, so the CPU writes 16 numbers a
// spider a frame instead of 34 matrices. Bones are in the model's frame:
// the body's bob lifts them all.
#define STRIDE_MAX @STRIDE_MAX@
#define COXA_LEN @COXA_LEN@
#define COXA_DZ @COXA_DZ@
#define BODY_SCALE @BODY_SCALE@
uniform vec4 spider_legs[24];  // per leg: hip xyz, a; b, c, femur_rest, rest_reach;
                               // rest_x, rest_y, group, reach_ahead (_LegTable)
uniform vec4 spider_pose[4];   // this spider's gait (SpiderRig.animate)

mat4 turned(float ch, float sh, float theta, vec3 origin) {
    // Pitch theta about X after heading (ch, sh) about Z, then placed at
    // origin: rows of Panda's matrix, which are GLSL's columns.
    float ct = cos(theta), st = sin(theta);
    return mat4(vec4(ch, sh, 0.0, 0.0), vec4(-ct * sh, ct * ch, st, 0.0),
                vec4(st * sh, -st * ch, ct, 0.0), vec4(origin, 1.0));
}

mat4 palier_bone_matrix(int bone) {
    vec4 p0 = spider_pose[0], p1 = spider_pose[1], p2 = spider_pose[2], p3 = spider_pose[3];
    if (bone >= @PALP_BONE@) {  // a palp: scaled, headed, pitched, on the rolling torso
        bool left = bone == @PALP_BONE@;
        float h = radians(left ? @PALP_H0@ : @PALP_H1@);
        vec3 at = (left ? vec3(@PALP_P0@) : vec3(@PALP_P1@)) * BODY_SCALE;
        mat4 local = turned(cos(h), sin(h), radians(left ? p3.x : p3.y), at);
        local[0].xyz *= BODY_SCALE;
        local[1].xyz *= BODY_SCALE;
        local[2].xyz *= BODY_SCALE;
        float r = radians(p2.w), cr = cos(r), sr = sin(r);
        mat4 roll = mat4(vec4(cr, 0.0, -sr, 0.0), vec4(0.0, 1.0, 0.0, 0.0),
                         vec4(sr, 0.0, cr, 0.0), vec4(0.0, 0.0, p2.y, 1.0));
        return roll * local;
    }
    int leg = bone / 4, seg = bone - 4 * leg;
    vec4 l0 = spider_legs[3 * leg], l1 = spider_legs[3 * leg + 1], l2 = spider_legs[3 * leg + 2];
    vec3 hip = l0.xyz;
    float a = l0.w, b = l1.x, c = l1.y, rx = l2.x, ry = l2.y;
    // The foot's target (foot_targets).
    float phase = p0.x, lift = p0.y, half_period = p0.z, vx = p0.w;
    float vy = p1.x, omega = p1.y, bump = p1.z, which = p1.w;
    float hang = p2.x, body_z = p2.y, wave_phase = p2.z;
    float lp = mod(phase + 0.5 * l2.z, 1.0);
    vec2 stride = vec2(vx - omega * ry, vy + omega * rx) * half_period;
    float slen = length(stride);
    stride *= slen > STRIDE_MAX ? STRIDE_MAX / max(slen, 1e-12) : 1.0;
    bool swing = lp < 0.5;
    float off = swing ? lp * 2.0 - 0.5 : 0.5 - (lp - 0.5) * 2.0;
    float z = swing ? lift * sin(3.14159265 * lp * 2.0) : 0.0;
    float fx = rx + stride.x * off, fy = ry + stride.y * off;
    float jerk = abs(which - float(leg)) < 0.5 ? bump : 0.0;
    z += 0.045 * jerk;
    fx -= (rx - hip.x) * 0.12 * jerk;
    fy -= (ry - hip.y) * 0.12 * jerk;
    float wave = 0.025 * sin(wave_phase + float(leg) * 1.7);
    fy += (l2.w + wave) * hang;
    fx += (fx - hip.x) * 0.08 * hang;
    z += (hip.z * 0.8 + 0.5 * wave) * hang;
    // The leg reaching for it (leg_bones).
    float dx = fx - hip.x, dy = fy - hip.y;
    float yaw = atan(dy, dx) - 0.5 * 3.14159265;
    float ch = cos(yaw), sh = sin(yaw);
    if (seg == 0) return turned(ch, sh, 0.0, hip + vec3(0.0, 0.0, body_z));
    float r = length(vec2(dx, dy)) - COXA_LEN;
    float dz = z - body_z - hip.z - COXA_DZ;
    float f1 = clamp(l1.z + 0.7 * (l1.w - COXA_LEN - r) / (a + b + c), 0.25, 1.2);
    float kx = a * cos(f1), kz = a * sin(f1);
    float theta = f1, oy = COXA_LEN, oz = COXA_DZ;
    if (seg >= 2) {
        float ex = r - kx, ez = dz - kz;
        float d = clamp(length(vec2(ex, ez)), abs(b - c) + 1e-4, b + c - 1e-4);
        float alpha = acos(clamp((b * b + d * d - c * c) / (2.0 * b * d), -1.0, 1.0));
        float t2 = atan(ez, ex) + alpha;
        theta = t2;
        oy = COXA_LEN + kx;
        oz = COXA_DZ + kz;
        if (seg == 3) {
            float jx = kx + b * cos(t2), jz = kz + b * sin(t2);
            theta = atan(dz - jz, r - jx);
            oy = COXA_LEN + jx;
            oz = COXA_DZ + jz;
        }
    }
    return turned(ch, sh, theta, vec3(-oy * sh + hip.x, oy * ch + hip.y, oz + hip.z + body_z));
}
"""


def _glsl_floats(values: tuple[float, ...]) -> str:
    return ", ".join(repr(float(v)) for v in values)


def limb_shader(table: _LegTable) -> ShaderAttrib:
    """The limbs' shader for one proto: palette skinning whose bone matrices
    the vertex shader solves from the proto's legs and each spider's
    ``spider_pose`` (see :meth:`SpiderRig.animate`). Above the cast
    shadow's shader-off (priority 3)."""
    source = _LIMB_BONES_GLSL
    for key, value in {
        "PALP_BONE": str(PALP_BONE),
        "STRIDE_MAX": repr(STRIDE_MAX),
        "COXA_LEN": repr(COXA_LEN),
        "COXA_DZ": repr(COXA_DZ),
        "BODY_SCALE": repr(BODY_SCALE),
        "PALP_H0": repr(PALP_HEADING[0]),
        "PALP_H1": repr(PALP_HEADING[1]),
        "PALP_P0": _glsl_floats(PALP_POS[0]),
        "PALP_P1": _glsl_floats(PALP_POS[1]),
    }.items():
        source = source.replace(f"@{key}@", value)
    legs = PTA_LVecBase4f.emptyArray(24)
    rows = np.asarray(memoryview(legs))
    rows[0::3, :3], rows[0::3, 3] = table.hip, table.a
    rows[1::3] = np.stack([table.b, table.c, table.femur_rest, table.rest_reach], axis=1)
    rows[2::3] = np.stack([table.rest_x, table.rest_y, table.group, table.reach_ahead], axis=1)
    return palette_lit_shader(priority=3, bones_glsl=source).setShaderInput("spider_legs", legs)


def reference_bones(rigs: list[SpiderRig]) -> np.ndarray:
    """What the limb shader draws for each rig's last :meth:`SpiderRig.animate`,
    solved in numpy: shape ``(rigs, 34, 4, 4)``, Panda-convention matrices in
    the rig's ``model`` frame, bones as in :attr:`SpiderProto.limbs`. For
    tests and :meth:`SpiderRig.foot_tip`; nothing calls it a frame."""
    table = rigs[0].leg_table
    gait = np.array([rig.gait for rig in rigs])
    legs = leg_bones(table, foot_targets(table, gait)).reshape(len(rigs), -1, 4, 4)
    palps = palp_bones(gait[:, 11], gait[:, 12:14])
    out: np.ndarray = np.concatenate([legs, palps], axis=1)
    out[..., 3, 2] += gait[:, 9, None]  # the body's bob lifts every limb
    return out


def _hash01(i: int, k: int) -> float:
    """Deterministic pseudo-random 0..1 from two integers (no allocation)."""
    x = (i * 374761393 + k * 668265263) & 0xFFFFFFFF
    x = ((x ^ (x >> 13)) * 1274126177) & 0xFFFFFFFF
    return ((x ^ (x >> 16)) & 0xFFFF) / 65535.0


class SpiderRig:
    """One spider's nodes and its gait state. ``root`` is placed by the
    scene (metres, on a surface); everything below is animated here."""

    def __init__(self, proto: SpiderProto, parent: NodePath, name: str, index: int) -> None:
        self.index = index
        self.root = parent.attachNewNode(name)
        self.shadow = proto.shadow.instanceTo(self.root)
        self.shadow.setScale(0.75, 0.85, 1.0)
        self.shadow.setZ(0.0015)
        self.model = self.root.attachNewNode("model")
        self.model.setMaterial(proto.material)
        self.model.setScale(proto.norm)
        # The torso bobs and sways on its own node; the limbs' frame stays
        # level (their shader adds the bob, the feet stay where they stand).
        self.torso = self.model.attachNewNode("torso")
        proto.body.instanceTo(self.torso)
        # Cast shadow: the same animated model, flattened onto the surface
        # (light from straight above), drawn flat dark and see-through. It
        # instances the model node, so it follows every pose for free.
        self.cast = self.root.attachNewNode("cast-shadow")
        self.cast.setPos(0.0, 0.0, 0.0008)
        self.cast.setScale(1.0, 1.0, 0.001)
        self.model.instanceTo(self.cast)
        self.cast.setColor((0.0, 0.0, 0.0, 0.34), 2)
        self.cast.setTextureOff(2)
        self.cast.setLightOff(2)
        self.cast.setShaderOff(2)
        self.cast.setMaterialOff(2)
        self.cast.setTransparency(TransparencyAttrib.MAlpha, 2)
        self.cast.setBin("transparent", 1)
        # The limbs' pose: 16 numbers a frame (``gait``, written by
        # ``animate``) from which the limb shader solves every bone on the
        # GPU, instead of 26 joint nodes posed one call at a time or 34
        # matrices solved on the CPU.
        self.legs = [LegRig(spec, i) for i, spec in enumerate(proto.legs)]
        self.leg_table = proto.leg_table
        self.pose = PTA_LVecBase4f.emptyArray(4)
        self._pose_bytes = memoryview(self.pose).cast("B")
        self.gait: tuple[float, ...] = (0.0, 0.0, 0.0625, *(0.0,) * 4, -1.0, *(0.0,) * 8)
        self.limbs = limbs = self.model.attachNewNode(
            palette_node(proto.limbs, "spider-limbs", proto.limb_state, proto.limb_radius)
        )
        # Above the cast's shader-off (priority 2): the cast shadow draws the
        # same skinned limbs, flat in its colour (its ``palier_flat`` input
        # outranks theirs), so it still follows every pose for free.
        limbs.setAttrib(proto.limb_shader, 3)
        limbs.setShaderInput("spider_pose", self.pose)  # after the shader: it holds the inputs
        self.cast.setShaderInput("palier_flat", 1.0, priority=4)
        self.phase = _hash01(index, 7)
        self.twitch_period = 1.6 + 2.2 * _hash01(index, 3)
        self.twitch_offset = 5.0 * _hash01(index, 5)
        self._twitch_k = -1  # the twitch cycle ``_twitching`` was drawn for
        self._twitching = 0
        self.hanging = 0.0  # 0 standing .. 1 dangling on a thread (legs spread)

    def foot_tip(self, leg: LegRig, other: NodePath) -> Point3:
        """Where ``leg``'s tip is drawn (after :meth:`animate`), in
        ``other``'s frame."""
        meta = reference_bones([self])[0, leg.index * LEG_BONES + 3]
        x, y, z, _ = np.array([0.0, leg.c, 0.0, 1.0]) @ meta
        return other.getRelativePoint(self.model, Point3(float(x), float(y), float(z)))

    def animate(
        self, t: float, dt: float, vx: float, vy: float, omega: float, twitchiness: float
    ) -> None:
        """Advance the gait and pose the body and limbs. ``vx, vy``: body
        velocity in its own frame (model units/s, +y forward); ``omega``:
        turn rate (rad/s, + to the left)."""
        speed = math.hypot(vx, vy) + abs(omega) * 0.25
        freq = min(STEP_FREQ_MAX, max(STEP_FREQ_MIN, speed / (2.0 * STRIDE)))
        self.phase = phase = (self.phase + freq * dt) % 1.0
        moving = min(1.0, speed / 0.35)
        # Twitches: every few seconds one leg or palp jerks, the body shifts.
        cycle = (t + self.twitch_offset) / self.twitch_period
        k = int(cycle)
        if k != self._twitch_k:
            self._twitch_k, self._twitching = k, int(_hash01(self.index, k) * 11.0)
        which = self._twitching
        s = cycle - k
        bump = math.sin(math.pi * min(1.0, s / 0.22)) * twitchiness if s < 0.22 else 0.0
        body_z = 0.006 * moving * math.sin(2.0 * TAU * phase) - 0.004 * bump * (which == 10)
        roll = 2.5 * moving * math.sin(TAU * phase)
        self.torso.setPosHpr(0.0, 0.0, body_z, 0.0, 0.0, roll)
        palp_bump = bump * 18.0 if which in (8, 9) else 0.0
        drum = 6.0 * (1.0 - moving) * twitchiness
        palp = -10.0 * moving
        # What the limb shader solves the feet and bones from (and
        # :func:`reference_bones` in numpy): phase, lift, half period (s;
        # stride = velocity x half period), velocity, turn rate, twitch bump,
        # twitching limb, hanging, body bob, wave phase (wrapped, so a
        # single float keeps its precision however long the session has
        # run), torso roll, left and right palp pitch (degrees).
        self.gait = gait = (
            phase,
            0.055 * moving,
            0.5 / freq,
            vx,
            vy,
            omega,
            bump,
            float(which),
            self.hanging,
            body_z,
            (t * 2.3) % TAU,
            roll,
            palp + drum * math.sin(t * 5.0) + palp_bump * (which == 8),
            palp + drum * math.sin(t * 5.0 + 2.1) + palp_bump * (which == 9),
            0.0,
            0.0,
        )
        self._pose_bytes[:] = _POSE(*gait)
