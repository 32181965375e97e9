"""The consulting room around the spiders: wooden floor, plastered walls, a
wooden table in front of the seated patient, ceiling light.

Layout (metres; the rig origin is under the patient's chair, eyes at 1.2 m,
looking +Y): an ordinary table of 1.6 x 0.9 m, the patient at one end, runs
away from the patient from y = 0.28 to 1.88, top at 0.755 m, so a spider can
sit anywhere from 15 cm to 1.5 m from its edge; its legs' outer faces are
flush with the top's edge so a spider climbing a leg walks straight onto the
top. A pale wool rug
covers the floor where floor spiders walk (ahead and to the left, out to
3 m): a small dark spider far away must still be seen, as it would be on a
light floor.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from panda3d.core import (
    AmbientLight,
    DirectionalLight,
    GeomNode,
    NodePath,
    PointLight,
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
    value_noise,
)

TABLE_TOP = 0.755
TABLE_X = 0.45  # half width: a 0.9 m wide table
TABLE_FRONT = 0.28
TABLE_BACK = 1.88  # 1.6 m long: a table a room would have
TABLE_THICK = 0.035
LEG_SIZE = 0.05
ROOM_X = (-3.4, 2.4)
ROOM_Y = (-1.5, 4.4)
CEILING = 2.6
RUG = (-2.95, 0.25, -0.55, 2.65)  # x0, x1, y0, y1: every floor place from 0.15 to 3 m


def wood_image(
    rng: np.random.Generator,
    size: int = 512,
    planks: int = 4,
    tone: tuple[float, float, float] = (0.52, 0.36, 0.22),
) -> np.ndarray:
    """Planks along the image's vertical axis: long grain streaks, per-plank
    tint, thin dark gaps; tileable."""
    h = w = size
    grain = fractal_noise(h, w, (3, 48), rng, octaves=4)
    fine = value_noise(h, w, (8, 160), rng)
    x = np.arange(w) / w * planks
    plank = np.floor(x).astype(int)
    tint = rng.uniform(0.82, 1.12, planks)[plank]
    rings = 0.5 + 0.5 * np.sin((grain * 14.0 + fine * 2.0) * np.pi)
    base = np.asarray(tone)[None, None, :] * tint[None, :, None]
    img = base * (0.78 + 0.22 * rings[..., None]) * (0.9 + 0.1 * fine[..., None])
    gap = np.abs(x - np.round(x)) < 0.006
    img[:, gap] *= 0.5
    # Plank ends staggered per plank.
    ends = (np.arange(h)[:, None] / h + rng.random(planks)[plank][None, :]) % 1.0 < 0.006
    img[ends] *= 0.7
    return np.clip(img, 0.0, 1.0)


def rug_image(
    rng: np.random.Generator,
    size: int = 512,
    color: tuple[float, float, float] = (0.80, 0.76, 0.68),
) -> np.ndarray:
    """A pale oatmeal wool rug: a fine basket weave under soft fibre noise,
    with a darker woven band a little inside the edge. Covers the whole rug
    once (not tiled)."""
    fibre = fractal_noise(size, size, (16, 16), rng, octaves=5)
    i = np.arange(size)
    weave = ((i[:, None] // 3 + i[None, :] // 3) % 2) * 0.05
    img = np.asarray(color)[None, None, :] * (0.86 + 0.14 * fibre[..., None] - weave[..., None])
    edge = np.minimum.outer(np.minimum(i, size - 1 - i), np.minimum(i, size - 1 - i)) / size
    band = (edge > 0.035) & (edge < 0.055)
    img[band] *= (0.72, 0.66, 0.60)
    return np.clip(img, 0.0, 1.0)


def plaster_image(
    rng: np.random.Generator,
    size: int = 256,
    color: tuple[float, float, float] = (0.80, 0.78, 0.72),
    amount: float = 0.1,
    cells: int = 8,
) -> np.ndarray:
    """Matt painted plaster (or, with a small ``amount`` and fine ``cells``,
    a laminate surface): the colour under gentle fractal noise."""
    n = fractal_noise(size, size, (cells, cells), rng, octaves=5)
    img = np.asarray(color)[None, None, :] * (1.0 - 0.7 * amount + amount * n[..., None])
    return np.clip(img, 0.0, 1.0)


@dataclass
class Room:
    node: NodePath


def _tex_state(tex: Texture) -> RenderState:
    return RenderState.make(TextureAttrib.make(tex))


@functools.lru_cache(maxsize=2)
def room_textures(seed: int) -> tuple[Texture, ...]:
    """Floor, table top, table legs, wall, ceiling and under-table shadow
    textures, made once per seed and reused by every build (see
    ``model.spider_textures``)."""
    rng = np.random.default_rng(seed + 101)
    # Light oak floor and a pale laminate table top: a dark spider must stand
    # out against them as it would in a real consulting room.
    tex_floor = texture_from_array("room-floor", wood_image(rng, planks=4, tone=(0.70, 0.55, 0.38)))
    tex_table = texture_from_array(
        "room-table", plaster_image(rng, color=(0.80, 0.79, 0.76), amount=0.04, cells=32)
    )
    tex_legs = texture_from_array(
        "room-table-legs", wood_image(rng, size=256, planks=2, tone=(0.62, 0.47, 0.32))
    )
    tex_wall = texture_from_array("room-wall", plaster_image(rng))
    tex_ceiling = texture_from_array("room-ceiling", plaster_image(rng, color=(0.88, 0.87, 0.84)))
    # Soft shade under the table: alpha falls off over the outer fifth.
    ramp = np.clip(np.minimum(np.linspace(0, 1, 64), np.linspace(1, 0, 64)) / 0.2, 0.0, 1.0)
    ramp = ramp * ramp * (3 - 2 * ramp)
    shade = np.zeros((64, 64, 4))
    shade[..., 3] = np.outer(ramp, ramp) * 0.45
    tex_shade = texture_from_array("room-table-shade", shade, repeat=False)
    tex_rug = texture_from_array("room-rug", rug_image(rng), repeat=False)
    return tex_floor, tex_table, tex_legs, tex_wall, tex_ceiling, tex_shade, tex_rug


def build_room(parent: NodePath, seed: int) -> Room:
    node = parent.attachNewNode("room")
    tex_floor, tex_table, tex_legs, tex_wall, tex_ceiling, tex_shade, tex_rug = room_textures(seed)

    x0, x1 = ROOM_X
    y0, y1 = ROOM_Y
    floor = GeomBuilder()
    # One texture tile holds four 15 cm planks: 0.6 m across, 1.8 m along.
    floor.add_quad(
        np.array([[x0, y0, 0.0], [x1, y0, 0.0], [x1, y1, 0.0], [x0, y1, 0.0]]),
        uvs=np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]) / (0.6, 1.8),
    )
    walls = GeomBuilder()
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    for i in range(4):  # inward-facing walls
        (ax, ay), (bx, by) = corners[i], corners[(i + 1) % 4]
        length = float(np.hypot(bx - ax, by - ay))
        walls.add_quad(
            np.array([[bx, by, 0.0], [ax, ay, 0.0], [ax, ay, CEILING], [bx, by, CEILING]]),
            uvs=np.array([[length, 0], [0, 0], [0, CEILING], [length, CEILING]]) / 1.5,
        )
    trim = GeomBuilder()  # skirting boards and a door
    for i in range(4):
        (ax, ay), (bx, by) = corners[i], corners[(i + 1) % 4]
        cx, cy = (ax + bx) / 2, (ay + by) / 2
        sx = abs(bx - ax) + 0.02 if ay == by else 0.02
        sy = abs(by - ay) + 0.02 if ax == bx else 0.02
        trim.add_box((cx, cy, 0.05), (sx, sy, 0.10), color=(0.93, 0.92, 0.88, 1.0))
    trim.add_box((0.9, y1 - 0.01, 1.02), (0.92, 0.03, 2.04), color=(0.62, 0.55, 0.47, 1.0))
    trim.add_box((0.55, y1 - 0.03, 1.0), (0.05, 0.02, 0.03), color=(0.75, 0.72, 0.65, 1.0))
    # A window in the left wall (frame, mullion, sill) with a radiator below.
    wy0, wy1, wz0, wz1 = 0.7, 2.3, 0.95, 2.15
    white = (0.92, 0.92, 0.90, 1.0)
    for y in (wy0, wy1, (wy0 + wy1) / 2):
        trim.add_box((x0 + 0.03, y, (wz0 + wz1) / 2), (0.06, 0.06, wz1 - wz0 + 0.06), color=white)
    for z in (wz0, wz1):
        trim.add_box((x0 + 0.03, (wy0 + wy1) / 2, z), (0.06, wy1 - wy0 + 0.06, 0.06), color=white)
    trim.add_box(
        (x0 + 0.08, (wy0 + wy1) / 2, wz0 - 0.04), (0.16, wy1 - wy0 + 0.2, 0.03), color=white
    )
    for k in range(14):
        trim.add_box(
            (x0 + 0.06, wy0 + 0.25 + k * 0.08, 0.45),
            (0.05, 0.05, 0.55),
            color=(0.88, 0.88, 0.86, 1.0),
        )
    glass = GeomBuilder()  # daylight: unlit, brighter than anything lit
    glass.add_quad(
        np.array(
            [
                [x0 + 0.01, wy1, wz0],
                [x0 + 0.01, wy0, wz0],
                [x0 + 0.01, wy0, wz1],
                [x0 + 0.01, wy1, wz1],
            ]
        ),
        color=(0.86, 0.91, 0.97, 1.0),
    )
    ceiling = GeomBuilder()
    ceiling.add_quad(
        np.array([[x0, y1, CEILING], [x1, y1, CEILING], [x1, y0, CEILING], [x0, y0, CEILING]]),
        uvs=np.array([[x0, y1], [x1, y1], [x1, y0], [x0, y0]]) / 1.5,
    )

    table = GeomBuilder()
    cx = 0.0
    cy = (TABLE_FRONT + TABLE_BACK) / 2
    table.add_box(
        (cx, cy, TABLE_TOP - TABLE_THICK / 2),
        (2 * TABLE_X, TABLE_BACK - TABLE_FRONT, TABLE_THICK),
        uv_scale=2.0,
    )
    legs = GeomBuilder()
    inset = LEG_SIZE / 2
    for lx in (-TABLE_X + inset, TABLE_X - inset):
        for ly in (TABLE_FRONT + inset, TABLE_BACK - inset):
            legs.add_box(
                (lx, ly, (TABLE_TOP - TABLE_THICK) / 2),
                (LEG_SIZE, LEG_SIZE, TABLE_TOP - TABLE_THICK),
                uv_scale=2.0,
            )
    # Apron under the top, set back from the edge.
    for sx in (-1, 1):
        legs.add_box(
            (sx * (TABLE_X - 0.04), cy, TABLE_TOP - TABLE_THICK - 0.04),
            (0.02, TABLE_BACK - TABLE_FRONT - 0.1, 0.08),
            uv_scale=2.0,
        )

    gn = GeomNode("room-geometry")
    gn.addGeom(floor.geom(), _tex_state(tex_floor))
    # The rug lies 0.6 mm above the boards: under the table's shade (1 mm)
    # and the spiders' shadows (1.5 mm), far above depth-buffer resolution.
    rx0, rx1, ry0, ry1 = RUG
    rug = GeomBuilder()
    rug.add_quad(
        np.array([[rx0, ry0, 0.0006], [rx1, ry0, 0.0006], [rx1, ry1, 0.0006], [rx0, ry1, 0.0006]]),
        uvs=np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]),
    )
    gn.addGeom(rug.geom(), _tex_state(tex_rug))
    gn.addGeom(walls.geom(), _tex_state(tex_wall))
    gn.addGeom(ceiling.geom(), _tex_state(tex_ceiling))
    gn.addGeom(trim.geom(), RenderState.make(TextureAttrib.makeAllOff()))
    gn.addGeom(table.geom(), _tex_state(tex_table))
    gn.addGeom(legs.geom(), _tex_state(tex_legs))
    geo = node.attachNewNode(gn)
    geo.setMaterial(material((1, 1, 1, 1), specular=0.08, shininess=12.0), 1)

    # Lighting: soft ambient, a ceiling lamp over the table, daylight from a
    # window on the left, a dim fill from behind the patient.
    amb = AmbientLight("room-ambient")
    amb.setColor((0.26, 0.26, 0.28, 1.0))
    sun = DirectionalLight("room-window")
    sun.setColor((0.42, 0.41, 0.39, 1.0))
    lamp = PointLight("room-lamp")
    lamp.setColor((0.62, 0.57, 0.50, 1.0))
    lamp.setAttenuation((1.0, 0.0, 0.08))
    fill = DirectionalLight("room-fill")
    fill.setColor((0.16, 0.17, 0.20, 1.0))
    bounce = DirectionalLight("room-bounce")  # light off the floor onto the ceiling
    bounce.setColor((0.20, 0.18, 0.15, 1.0))
    for light, pos, hpr in (
        (amb, None, None),
        (sun, None, (-60.0, -35.0, 0.0)),
        (lamp, (0.0, 1.0, 2.3), None),
        (fill, None, (-20.0, -25.0, 0.0)),
        (bounce, None, (0.0, 90.0, 0.0)),
    ):
        np_light = node.attachNewNode(light)
        if pos is not None:
            np_light.setPos(*pos)
        if hpr is not None:
            np_light.setHpr(*hpr)
        parent.setLight(np_light)
    window = node.attachNewNode(glass.node("room-window-glass"))
    window.setLightOff(1)
    window.setShaderOff(1)
    window.setTextureOff(1)
    window.setTwoSided(True)
    # The lamp itself: a warm disc on the ceiling so the light has a source.
    shade = GeomBuilder()
    shade.add_ellipsoid(
        (0.0, 0.0, 0.0), (0.18, 0.18, 0.05), rings=8, segments=20, color=(1.0, 0.96, 0.88, 1.0)
    )
    lamp_geo = node.attachNewNode(shade.node("room-lamp-shade"))
    lamp_geo.setPos(0.0, 1.0, CEILING - 0.02)
    lamp_geo.setLightOff(1)
    lamp_geo.setShaderOff(1)
    # The table's shade on the floor (the lamp is above it): grounds the table.
    under = GeomBuilder()
    pad = 0.12
    under.add_quad(
        np.array(
            [
                [-TABLE_X - pad, TABLE_FRONT - pad, 0.0],
                [TABLE_X + pad, TABLE_FRONT - pad, 0.0],
                [TABLE_X + pad, TABLE_BACK + pad, 0.0],
                [-TABLE_X - pad, TABLE_BACK + pad, 0.0],
            ]
        )
    )
    shade_np = node.attachNewNode(under.node("room-table-shade"))
    shade_np.setZ(0.001)
    shade_np.setTexture(tex_shade)
    shade_np.setColor(0.0, 0.0, 0.0, 1.0)
    shade_np.setTransparency(TransparencyAttrib.MAlpha)
    shade_np.setDepthWrite(False)
    shade_np.setLightOff(1)
    shade_np.setShaderOff(1)
    shade_np.setBin("transparent", 0)
    return Room(node)
