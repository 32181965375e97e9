"""Textures and the grime shader of the contamination scene, made with numpy
at load (cached per seed) and never on a frame.

Soiling is drawn by one shader over the whole room (:func:`grime_shader`):
each surface samples a tileable *dirt map* projected along its dominant world
axis (no UVs needed, no visible repeat of the base texture) and shows more of
it as the level ``u_dirt * u_soil`` rises. Every channel of the map is rank
normalised, so a threshold of ``1 - k * level`` covers a fraction ``k * level``
of the surface and each mark, once shown, only grows: the grading is smooth
and monotonic, and a change of level is one float written on the root.

Uniforms (shader inputs; the root sets defaults, a node overrides its own):

* ``u_dirt_map``: the dirt map (R blotches, G speckles, B vertical drips,
  A residue film);
* ``u_dirt``: the scene's soiling, 0..1 (root only);
* ``u_soil``: how readily this surface shows dirt (floor 1, ceiling 0.2);
* ``u_stain``: the stain tint (multiplied into the surface; brown on a
  floor, yellowish in a toilet, grey scum in a basin, grease by a hob);
* ``u_reveal``: 0..1, residue revealed on this surface (an event);
* ``u_glow``: a faint light added to the surface the patient is asked to touch.

The base texture's alpha marks grout (``1 - a``): grout darkens with the
level first, as it does in a real washroom. UV x below -5000 marks
untextured parts (vertex colour alone), as in ``procedural.lit_shader``.
"""

from __future__ import annotations

import functools

import numpy as np
from panda3d.core import Shader, Texture

from palier.scenes.procedural import LIGHTS_GLSL, fractal_noise, texture_from_array, value_noise

GRIME_VERT = """
#version 130
uniform mat4 p3d_ModelViewProjectionMatrix;
uniform mat4 p3d_ModelViewMatrix;
uniform mat4 p3d_ModelMatrix;
uniform mat3 p3d_NormalMatrix;
in vec4 p3d_Vertex;
in vec3 p3d_Normal;
in vec4 p3d_Color;
in vec2 p3d_MultiTexCoord0;
out vec3 v_pos;
out vec3 v_nrm;
out vec3 v_world;
out vec3 v_wnrm;
out vec4 v_col;
out vec2 v_uv;
void main() {
    gl_Position = p3d_ModelViewProjectionMatrix * p3d_Vertex;
    v_pos = (p3d_ModelViewMatrix * p3d_Vertex).xyz;
    v_nrm = normalize(p3d_NormalMatrix * p3d_Normal);
    v_world = (p3d_ModelMatrix * p3d_Vertex).xyz;
    v_wnrm = mat3(p3d_ModelMatrix) * p3d_Normal;
    v_col = p3d_Color;
    v_uv = p3d_MultiTexCoord0;
}
"""

GRIME_FRAG = (
    """
#version 130
"""
    + LIGHTS_GLSL
    + """uniform sampler2D p3d_Texture0;
uniform sampler2D u_dirt_map;
uniform float u_dirt;
uniform float u_soil;
uniform float u_reveal;
uniform vec3 u_stain;
uniform vec3 u_glow;
uniform vec4 p3d_ColorScale;
in vec3 v_pos;
in vec3 v_nrm;
in vec3 v_world;
in vec3 v_wnrm;
in vec4 v_col;
in vec2 v_uv;
void main() {
    bool plain = v_uv.x < -5000.0;
    vec4 tex = texture(p3d_Texture0, plain ? vec2(0.5) : v_uv);
    if (plain) tex = vec4(1.0);
    vec4 base = tex * v_col * p3d_ColorScale;
    // Dirt, projected along the surface's dominant world axis.
    vec3 an = abs(normalize(v_wnrm));
    vec2 duv = an.z > max(an.x, an.y) ? v_world.xy : (an.x > an.y ? v_world.yz : v_world.xz);
    vec4 d = texture(u_dirt_map, duv * 0.7);
    float level = clamp(u_dirt * u_soil, 0.0, 1.0);
    // Dirt gathers low on walls (splashes, mop lines) and thins out above.
    float wall = 1.0 - an.z;
    float lv = level * mix(1.0, 1.0 - 0.7 * smoothstep(0.2, 1.8, v_world.z), wall);
    float on = smoothstep(0.0, 0.06, lv);
    float blot = on * smoothstep(1.0 - 0.32 * lv, 1.12 - 0.32 * lv, d.r);
    float speck = on * smoothstep(1.0 - 0.045 * lv, 1.01 - 0.045 * lv, d.g);
    float drip = on * wall * smoothstep(1.0 - 0.22 * lv, 1.08 - 0.22 * lv, d.b);
    float grout = (1.0 - tex.a) * lv;
    float film = u_reveal * smoothstep(0.40, 0.52, 0.75 * d.a + 0.25 * d.r);
    vec3 albedo = base.rgb * mix(vec3(1.0), u_stain, 0.3 * lv);  // dingier all over
    float marks = clamp(0.55 * blot + 0.45 * drip + 1.1 * grout, 0.0, 1.0);
    albedo = mix(albedo, albedo * u_stain, marks);
    albedo = mix(albedo, u_stain * 0.35, 0.35 * speck);
    // Revealed residue: a sticky yellow-grey film with brown flecks, glossy.
    vec3 residue = mix(vec3(0.62, 0.56, 0.34), u_stain * 0.35, step(0.8, d.g));
    albedo = mix(albedo, residue, 0.8 * film);
    vec3 light, spec;
    float shine = mix(p3d_Material.shininess, 60.0, film);
    palier_lights(normalize(v_nrm), v_pos, shine, 0.2, light, spec);
    // Soiled surfaces lose their shine; the residue film has its own.
    float dull = 1.0 - 0.6 * clamp(blot + grout + 0.4 * lv, 0.0, 1.0);
    vec3 rgb = albedo * light + spec * (p3d_Material.specular * dull + 0.35 * film)
        + p3d_Material.emission.rgb + u_glow;
    // Texture alpha is the grout mask, not opacity: opacity is the vertex
    // colour's and the colour scale's (puddles, the sneeze's droplets).
    gl_FragColor = vec4(rgb, v_col.a * p3d_ColorScale.a);
}
"""
)


@functools.cache
def grime_shader() -> Shader:
    return Shader.make(Shader.SL_GLSL, GRIME_VERT, GRIME_FRAG)


def _rank(x: np.ndarray) -> np.ndarray:
    """``x`` mapped to a uniform 0..1 distribution (same order)."""
    flat = x.ravel()
    ranks = np.empty(flat.size)
    ranks[np.argsort(flat, kind="stable")] = np.linspace(0.0, 1.0, flat.size)
    out: np.ndarray = ranks.reshape(x.shape)
    return out


def dirt_map(seed: int, size: int = 256) -> np.ndarray:
    """The four rank-normalised dirt channels (see the module doc), tileable."""
    rng = np.random.default_rng(seed + 1301)
    blot = fractal_noise(size, size, (5, 5), rng, octaves=5, persistence=0.55)
    speck = (
        value_noise(size, size, (96, 96), rng) * 0.6
        + fractal_noise(size, size, (24, 24), rng, octaves=2) * 0.4
    )
    drip = (
        value_noise(size, size, (3, 40), rng) * 0.7
        + fractal_noise(size, size, (8, 8), rng, octaves=3) * 0.3
    )
    film = fractal_noise(size, size, (10, 10), rng, octaves=4)
    return np.stack([_rank(blot), _rank(speck), _rank(drip), _rank(film)], axis=-1)


def tile_image(
    rng: np.random.Generator,
    *,
    size: int = 512,
    tiles: tuple[int, int] = (4, 4),
    color: tuple[float, float, float] = (0.90, 0.91, 0.90),
    grout: tuple[float, float, float] = (0.74, 0.74, 0.72),
    grout_px: int = 3,
    variation: float = 0.03,
) -> np.ndarray:
    """Ceramic tiles (RGBA): per-tile tint, faint glaze waviness, grout lines
    whose alpha is 0 (the grime shader darkens grout first)."""
    ty, tx = tiles
    y = np.arange(size)[:, None]
    x = np.arange(size)[None, :]
    ch, cw = size // ty, size // tx
    row, col = y // ch, x // cw
    tint = 1.0 + variation * (rng.random((ty, tx)) - 0.5) * 2.0
    glaze = fractal_noise(size, size, (8, 8), rng, octaves=3)
    img = np.asarray(color)[None, None, :] * tint[row, col][..., None]
    img = img * (0.97 + 0.05 * glaze[..., None])
    line = ((y % ch) < grout_px) | ((x % cw) < grout_px)
    line = np.broadcast_to(line, (size, size))
    img = np.where(line[..., None], np.asarray(grout)[None, None, :], img)
    alpha = np.where(line, 0.0, 1.0)
    return np.clip(np.concatenate([img, alpha[..., None]], axis=-1), 0.0, 1.0)


def speckled_image(
    rng: np.random.Generator,
    *,
    size: int = 256,
    color: tuple[float, float, float] = (0.55, 0.55, 0.56),
    speckle: float = 0.12,
) -> np.ndarray:
    """A solid-surface counter or laminate: the colour under fine speckles."""
    fine = value_noise(size, size, (128, 128), rng)
    soft = fractal_noise(size, size, (8, 8), rng, octaves=3)
    k = 1.0 + speckle * (np.where(fine > 0.8, -1.5, 0.0) + np.where(fine < 0.12, 0.8, 0.0))
    img = np.asarray(color)[None, None, :] * (k * (0.95 + 0.08 * soft))[..., None]
    return np.clip(img, 0.0, 1.0)


def wood_worktop_image(rng: np.random.Generator, size: int = 512) -> np.ndarray:
    """An oak-effect laminate worktop: long grain along u, staves."""
    grain = fractal_noise(size, size, (48, 3), rng, octaves=4)
    rings = 0.5 + 0.5 * np.sin(grain * 22.0)
    stave = np.floor(np.arange(size) / size * 5).astype(int)
    tint = rng.uniform(0.9, 1.08, 5)[stave][:, None]
    base = np.asarray((0.66, 0.50, 0.33))[None, None, :]
    img = base * tint[..., None] * (0.85 + 0.15 * rings[..., None])
    return np.clip(img, 0.0, 1.0)


def mirror_image(rng: np.random.Generator, w: int = 256, h: int = 128) -> np.ndarray:
    """A cheap fake reflection: the room behind the patient, blurred and dim
    (tiles, the ceiling light's glow), so a mirror reads as a mirror without
    a second render of the scene."""
    y = np.linspace(0.0, 1.0, h)[:, None]
    x = np.linspace(0.0, 1.0, w)[None, :]
    wall = 0.50 + 0.10 * (1.0 - y)
    glow = 0.35 * np.exp(-(((x - 0.45) / 0.25) ** 2) - ((y - 0.06) / 0.08) ** 2)
    grid = 0.03 * ((np.sin(x * 60.0) > 0.96) | (np.sin(y * 40.0) > 0.96))
    door = 0.12 * ((np.abs(x - 0.7) < 0.09) & (y > 0.35))
    soft = fractal_noise(h, w, (4, 8), rng, octaves=2) * 0.05
    v = wall + glow - grid - door + soft
    img = np.stack([v * 0.93, v * 0.97, v * 1.02], axis=-1)
    return np.clip(img, 0.0, 1.0)


def hob_image(size: int = 256) -> np.ndarray:
    """A black glass hob seen from above: four ring markings."""
    img = np.full((size, size, 3), 0.06)
    yy, xx = np.mgrid[0:size, 0:size] / size
    for cx, cy, r in (
        (0.28, 0.28, 0.17),
        (0.72, 0.28, 0.13),
        (0.28, 0.72, 0.13),
        (0.72, 0.72, 0.17),
    ):
        d = np.hypot(xx - cx, yy - cy)
        ring = np.abs(d - r) < 0.006
        img[ring] = 0.45
    return img


@functools.lru_cache(maxsize=2)
def scene_textures(seed: int) -> dict[str, Texture]:
    """Every texture of the scene, made once per seed and reused by rebuilds."""
    rng = np.random.default_rng(seed + 1302)
    return {
        "dirt": texture_from_array("contamination-dirt", dirt_map(seed)),
        "wall_tiles": texture_from_array(
            "contamination-wall-tiles",
            tile_image(rng, size=256, tiles=(4, 4), color=(0.90, 0.91, 0.90), grout_px=2),
        ),
        "floor_tiles": texture_from_array(
            "contamination-floor-tiles",
            tile_image(
                rng,
                size=256,
                tiles=(2, 2),
                color=(0.56, 0.57, 0.58),
                grout=(0.40, 0.40, 0.40),
                grout_px=2,
            ),
        ),
        "metro_tiles": texture_from_array(
            "contamination-metro-tiles",
            tile_image(
                rng,
                size=256,
                tiles=(8, 4),
                color=(0.92, 0.93, 0.91),
                grout=(0.70, 0.70, 0.68),
                grout_px=2,
            ),
        ),
        "kitchen_floor": texture_from_array(
            "contamination-kitchen-floor",
            tile_image(
                rng,
                size=256,
                tiles=(2, 2),
                color=(0.62, 0.56, 0.48),
                grout=(0.44, 0.40, 0.36),
                grout_px=2,
            ),
        ),
        "counter": texture_from_array("contamination-counter", speckled_image(rng)),
        "partition": texture_from_array(
            "contamination-partition",
            speckled_image(rng, color=(0.50, 0.60, 0.68), speckle=0.04),
        ),
        "worktop": texture_from_array("contamination-worktop", wood_worktop_image(rng, 256)),
        "mirror": texture_from_array("contamination-mirror", mirror_image(rng), repeat=False),
        "hob": texture_from_array("contamination-hob", hob_image(), repeat=False),
        "ceiling": texture_from_array(
            "contamination-ceiling",
            speckled_image(rng, color=(0.86, 0.86, 0.84), speckle=0.05),
        ),
    }
