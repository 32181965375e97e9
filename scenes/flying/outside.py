"""The world outside the windows: sky, ground and clouds in one shader, the
wing, and the airport's buildings and parked aircraft.

Sky, ground and cloud layer are one dome drawn first (no depth): per pixel,
the ray from the eye meets the ground plane ``u_alt`` below (farmland, or
near the airport asphalt, grass, a taxiway's or a runway's markings) and the
cloud layer (a sheet at ``u_cloud.x`` of half thickness ``u_cloud.y``: seen
from below a grey ceiling, from above a sunlit cloud sea, from inside a
whiteout). So altitude, speed (the ground offset), weather and lightning are
a few uniform writes a frame, and the whole climb from the runway to above
the clouds is continuous. The wing and the airport set are ordinary lit
geometry at their true distances (all within the camera's 500 m).

Frame: the dome and the airport hang under a node at the patient's eye that
the scene pitches (the aircraft's attitude shows as the horizon tilting in
the windows); x right, y toward the nose, z up.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from panda3d.core import GeomNode, NodePath, RenderState, Shader, Texture, TextureAttrib

from palier.scenes.procedural import (
    SKY_DOME_VERT,
    GeomBuilder,
    fractal_noise,
    texture_from_array,
    transform,
    value_noise,
)

DOME_RADIUS = 400.0
EYE_ABOVE_GROUND = 4.7  # seated eye above the tarmac when the aircraft is on the ground
GROUND_WRAP = 4000.0  # the ground offset wraps here (every ground pattern tiles in it)


SKY_FRAG = """
#version 130
uniform sampler2D p3d_Texture0;  // farmland (RGB)
uniform sampler2D u_noise;       // tileable noise (R fine, G coarse)
uniform vec3 u_top;
uniform vec3 u_horizon;
uniform vec3 u_sun_dir;
uniform vec3 u_light;            // sunlight on the ground and the cloud tops
uniform vec4 u_cloud;            // layer altitude, half thickness, cover 0..1, darkness 0..1
uniform vec4 u_airport;          // presence, strip half width, runway 0/1, apron 0..1
uniform vec4 u_motion;           // ground offset x, y (m), cloud drift, flash 0..1
uniform float u_alt;             // eye above the ground (m)
uniform float u_time;
in vec3 v_dir;

vec3 airport(vec2 g, float dist) {
    float fine = texture(u_noise, g / 37.0).r;
    float coarse = texture(u_noise, g / 420.0).g;
    vec3 grass = vec3(0.28, 0.36, 0.19) * (0.75 + 0.35 * coarse) * (0.9 + 0.2 * fine);
    vec3 asphalt = vec3(0.31, 0.31, 0.32) * (0.85 + 0.2 * fine) * (0.92 + 0.16 * coarse);
    float lateral = g.x - u_motion.x;
    float strip = 1.0 - smoothstep(u_airport.y - 0.3, u_airport.y + 0.3, abs(lateral));
    vec3 c = mix(grass, asphalt, max(strip, u_airport.w));
    float fadeout = clamp(1.0 - dist / 350.0, 0.0, 1.0);
    float w = 0.25 + dist * 0.004;  // wider far away: no shimmering lines
    if (u_airport.z > 0.5) {
        float centre = step(abs(lateral), w) * step(mod(g.y, 50.0), 30.0);
        float edge = step(abs(abs(lateral) - u_airport.y + 1.5), w * 1.5);
        c = mix(c, vec3(0.88), max(centre, edge) * fadeout * strip);
    } else {
        float centre = step(abs(lateral), w * 0.8);
        c = mix(c, vec3(0.85, 0.66, 0.12), centre * fadeout * max(strip, u_airport.w));
        float stand = step(abs(mod(lateral + 22.5, 45.0) - 22.5), w * 0.6) * u_airport.w;
        c = mix(c, vec3(0.85, 0.66, 0.12), stand * fadeout);
    }
    return c;
}

void main() {
    vec3 d = normalize(v_dir);
    float h = d.z;
    float alt = max(u_alt, 1.0);
    float sun = max(dot(d, u_sun_dir), 0.0);
    vec3 sky = mix(u_horizon, u_top, pow(clamp(h, 0.0, 1.0), 0.5));
    sky += u_light * (0.08 * pow(sun, 8.0) + 0.5 * pow(sun, 400.0));
    vec3 col = sky;
    if (h < 0.0) {
        float t = alt / max(-h, 1e-4);
        vec2 g = d.xy * t + u_motion.xy;
        vec3 farm = texture(p3d_Texture0, g / 4000.0).rgb;
        farm *= 0.8 + 0.4 * texture(p3d_Texture0, g / 1000.0 + 0.31).g;
        vec3 ground = mix(farm, airport(g, t), u_airport.x);
        ground *= u_light;
        float haze = 1.0 - exp(-t / (9000.0 + 2.0 * alt));
        col = mix(ground, u_horizon, clamp(haze, 0.0, 1.0));
        col = mix(col, u_horizon, smoothstep(-0.02, 0.0, h));
    }
    // The cloud layer.
    float rel = u_cloud.x - alt;
    vec3 lit = mix(vec3(1.0), vec3(0.42, 0.44, 0.48), u_cloud.w) * u_light;
    vec3 shade = mix(vec3(0.70, 0.72, 0.76), vec3(0.20, 0.21, 0.24), u_cloud.w);
    shade *= 0.6 + 0.4 * u_light;
    if (abs(rel) < u_cloud.y) {
        // Inside: a moving whiteout, thinning toward the layer's faces.
        float inside = 1.0 - abs(rel) / u_cloud.y;
        float n = texture(u_noise, d.xy * 0.7 + vec2(0.0, u_time * 0.35)).r;
        float dense = clamp(u_cloud.z * 1.4, 0.0, 1.0) * smoothstep(0.0, 0.35, inside);
        col = mix(col, mix(shade, lit, 0.5 + 0.5 * h) * (0.85 + 0.3 * n), 0.96 * dense);
    } else if ((rel > 0.0 && h > 0.002) || (rel < 0.0 && h < -0.002)) {
        float face = rel > 0.0 ? rel - u_cloud.y : rel + u_cloud.y;
        float tc = face / h;
        vec2 c = d.xy * tc + vec2(u_motion.z, 0.3 * u_motion.z) + u_motion.xy * 0.0;
        c += u_motion.xy * step(0.0, -rel);  // a cloud sea below slides by with the ground
        vec2 cr = mat2(0.8, -0.6, 0.6, 0.8) * c;  // the octaves' lattices must not line up
        float n = 0.65 * texture(u_noise, c / 6100.0).g + 0.35 * texture(u_noise, cr / 1300.0).r;
        n = clamp((n - 0.5) * 2.6 + 0.5, 0.0, 1.0);  // the noise is narrow: spread it
        float cover = smoothstep(1.0 - u_cloud.z - 0.04, 1.0 - u_cloud.z + 0.12, n);
        vec3 cc = rel < 0.0 ? mix(shade, lit * 1.08, smoothstep(0.2, 0.8, n))
                            : mix(shade, lit, 0.25 * (1.0 - n));
        float far = exp(-tc / 60000.0);
        col = mix(col, mix(u_horizon, cc, far), cover);
    }
    col += u_motion.w * vec3(0.75, 0.78, 1.0) * (0.3 + 0.7 * u_cloud.z);
    gl_FragColor = vec4(col, 1.0);
}
"""


def sky_shader() -> Shader:
    return Shader.make(Shader.SL_GLSL, SKY_DOME_VERT, SKY_FRAG)


def _farmland(rng: np.random.Generator, size: int = 512) -> np.ndarray:
    """Fields seen from above (4 km tile): a patchwork of crops, meadows and
    woods, with roads and a river's darker band; tileable."""
    cells = 18
    lattice = rng.random((cells, cells))
    jitter = value_noise(size, size, (12, 12), rng) * 2.2
    ys, xs = np.mgrid[0:size, 0:size] / size * cells
    iy = (np.floor(ys + jitter * 0.6) % cells).astype(int)
    ix = (np.floor(xs + jitter * 0.4) % cells).astype(int)
    kind = lattice[iy, ix]
    palette = np.array(
        [
            [0.36, 0.42, 0.22],  # meadow
            [0.52, 0.50, 0.30],  # wheat
            [0.45, 0.36, 0.25],  # ploughed
            [0.24, 0.32, 0.18],  # wood
            [0.42, 0.46, 0.26],  # young crop
            [0.58, 0.55, 0.38],  # stubble
        ]
    )
    img = palette[(kind * len(palette)).astype(int) % len(palette)]
    n = fractal_noise(size, size, (32, 32), rng, octaves=3)
    img = img * (0.85 + 0.3 * n[..., None])
    edge = (np.abs((xs + jitter * 0.4) % 1.0 - 0.5) > 0.485) | (
        np.abs((ys + jitter * 0.6) % 1.0 - 0.5) > 0.485
    )
    img[edge] = img[edge] * 0.75 + 0.05
    # Villages: small grey-red clusters.
    for _ in range(10):
        cy, cx = rng.integers(0, size, 2)
        r = int(rng.integers(4, 9))
        yy, xx = np.ogrid[-r : r + 1, -r : r + 1]
        mask = yy**2 + xx**2 <= r * r
        sl = np.ix_((cy + np.arange(-r, r + 1)) % size, (cx + np.arange(-r, r + 1)) % size)
        block = img[sl]
        block[mask] = block[mask] * 0.3 + np.array([0.50, 0.42, 0.40]) * 0.7
        img[sl] = block
    return np.clip(img, 0, 1)


def _noise(rng: np.random.Generator, size: int = 256) -> np.ndarray:
    fine = fractal_noise(size, size, (16, 16), rng, octaves=4)
    coarse = fractal_noise(size, size, (4, 4), rng, octaves=5)
    return np.stack([fine, coarse, np.zeros_like(fine)], axis=-1)


@functools.lru_cache(maxsize=2)
def outside_textures(seed: int) -> tuple[Texture, Texture, Texture]:
    rng = np.random.default_rng(seed + 9300)
    farm = texture_from_array("flying-farmland", _farmland(rng))
    noise = texture_from_array("flying-noise", _noise(rng))
    facade = texture_from_array("flying-terminal", _facade(rng), mipmap=True)
    return farm, noise, facade


def _facade(rng: np.random.Generator, w: int = 256, h: int = 64) -> np.ndarray:
    """A terminal's glazed front: panes between mullions, a concrete base."""
    img = np.ones((h, w, 3)) * np.array([0.36, 0.44, 0.50])
    img *= 0.85 + 0.3 * value_noise(h, w, (4, 32), rng)[..., None]
    img[:, ::16] = (0.75, 0.76, 0.76)
    img[::16, :] = (0.75, 0.76, 0.76)
    img[int(h * 0.8) :, :] = (0.62, 0.61, 0.58)
    return img


def _dome(b: GeomBuilder) -> None:
    rings, segs = 24, 48
    th = np.linspace(0.0, math.pi, rings + 1)
    ph = np.linspace(0.0, 2.0 * math.pi, segs + 1)
    t, p = np.meshgrid(th, ph, indexing="ij")
    pts = np.stack([np.sin(t) * np.cos(p), np.sin(t) * np.sin(p), np.cos(t)], axis=-1)
    b.add_grid(pts, np.stack([p, t], axis=-1), -pts)


def build_sky(parent: NodePath, seed: int) -> NodePath:
    farm, noise, _ = outside_textures(seed)
    b = GeomBuilder()
    _dome(b)
    gn = GeomNode("sky-ground-clouds")
    gn.addGeom(b.geom(), RenderState.make(TextureAttrib.make(farm)))
    dome = parent.attachNewNode(gn)
    dome.setShader(sky_shader(), 2)
    dome.setShaderInput("u_noise", noise)
    dome.setScale(DOME_RADIUS)
    dome.setTwoSided(True)
    dome.setBin("background", 0)
    dome.setDepthWrite(False)
    dome.setDepthTest(False)
    dome.setLightOff(1)
    return dome


# -- the wing -----------------------------------------------------------------------
def build_wing(b: GeomBuilder) -> None:
    """The left wing in the cabin's frame, seen from the window seats over
    it: swept back, a little dihedral, an engine under it, a winglet."""
    span = np.linspace(0.0, 1.0, 9)
    root_x, tip_x = -1.95, -17.0
    x = root_x + (tip_x - root_x) * span
    le = 4.2 - (root_x - x) * math.tan(math.radians(25.0))  # leading edge (y)
    chord = 5.8 + (1.6 - 5.8) * span
    z = -0.85 + (root_x - x) * math.tan(math.radians(5.0))
    thick = 0.55 + (0.14 - 0.55) * span
    grey = (0.70, 0.72, 0.75, 1.0)
    for top in (True, False):
        cs = np.linspace(0.0, 1.0, 7)
        xx = np.repeat(x[:, None], len(cs), axis=1)
        yy = le[:, None] - chord[:, None] * cs[None, :]
        prof = np.sin(np.pi * np.sqrt(cs)) * 0.5  # thickest near the front
        zz = z[:, None] + (1 if top else -0.4) * thick[:, None] * prof[None, :]
        pts = np.stack([xx, yy, zz], axis=-1)
        uv = np.stack([xx, yy], axis=-1) * 0.2
        nrm = np.zeros_like(pts)
        nrm[..., 2] = 1.0 if top else -1.0
        b.add_grid(pts, uv, nrm, color=grey, flip=not top)
    # Winglet.
    tip_le = float(le[-1])
    wl = np.array(
        [
            [tip_x, tip_le, z[-1]],
            [tip_x, tip_le - 1.6, z[-1]],
            [tip_x - 0.3, tip_le - 2.4, z[-1] + 2.2],
            [tip_x - 0.3, tip_le - 1.6, z[-1] + 2.2],
        ]
    )
    b.add_quad(wl, color=(0.10, 0.22, 0.50, 1.0))
    # Engine nacelle and pylon.
    ex, ey = -5.9, 5.2
    ez = float(np.interp(ex, x[::-1], z[::-1])) - 1.15
    path = np.array(
        [[ex, ey + 2.6, ez], [ex, ey + 1.0, ez], [ex, ey - 1.2, ez], [ex, ey - 2.4, ez]]
    )
    b.add_tube(
        path,
        np.array([0.95, 1.0, 0.9, 0.45]),
        sides=20,
        color=(0.86, 0.87, 0.88, 1.0),
        cap_start=False,
    )
    b.add_ellipsoid(
        (ex, ey + 2.55, ez), (0.85, 0.05, 0.85), rings=4, segments=20, color=(0.12, 0.12, 0.13, 1.0)
    )
    b.add_box((ex, ey - 0.8, ez + 0.9), (0.25, 2.6, 0.6), color=grey)


# -- the airport --------------------------------------------------------------------
def _airliner(b: GeomBuilder, xf: np.ndarray, livery: tuple[float, float, float, float]) -> None:
    """A parked narrow-body (its own frame: nose at +y, wheels on z = 0)."""
    white = (0.92, 0.92, 0.93, 1.0)
    k = np.linspace(0.0, 1.0, 12)
    y = 19.0 - 38.0 * k
    r = 1.98 * np.clip(np.minimum(1.0, np.sqrt(k / 0.09)), 0.12, 1.0)
    r = np.minimum(r, 1.98 * np.clip((1.0 - k) / 0.28 + 0.12, 0.0, 1.0))
    z = 3.5 + np.where(k > 0.72, (k - 0.72) * 3.0, 0.0)
    b.add_tube(np.stack([np.zeros_like(y), y, z], axis=-1), r, sides=16, color=white, xform=xf)
    fin = np.array([[0.0, -13.0, 5.0], [0.0, -19.5, 5.4], [0.0, -21.5, 12.0], [0.0, -18.5, 12.0]])
    b.add_quad(fin, color=livery, xform=xf)
    b.add_quad(fin[::-1], color=livery, xform=xf)
    for side in (-1.0, 1.0):
        wing = np.array(
            [
                [side * 1.8, 4.0, 2.2],
                [side * 17.0, -5.5, 3.3],
                [side * 17.0, -7.0, 3.3],
                [side * 1.8, -3.0, 2.2],
            ]
        )
        b.add_quad(wing if side > 0 else wing[::-1], color=white, xform=xf)
        b.add_quad(wing[::-1] if side > 0 else wing, color=white, xform=xf)
        stab = np.array(
            [
                [side * 0.5, -16.0, 4.6],
                [side * 6.0, -19.5, 4.9],
                [side * 6.0, -20.6, 4.9],
                [side * 0.5, -19.5, 4.6],
            ]
        )
        b.add_quad(stab if side > 0 else stab[::-1], color=white, xform=xf)
        b.add_quad(stab[::-1] if side > 0 else stab, color=white, xform=xf)
        e = np.array([[side * 5.8, 3.5, 1.3], [side * 5.8, 0.5, 1.3]])
        b.add_tube(e, 0.95, sides=12, color=(0.85, 0.85, 0.86, 1.0), xform=xf)
    b.add_box((0.0, 13.0, 0.9), (0.3, 0.3, 1.8), color=(0.3, 0.3, 0.3, 1.0), xform=xf)
    b.add_box((0.0, -1.0, 0.9), (4.0, 0.6, 1.8), color=(0.2, 0.2, 0.2, 1.0), xform=xf)


def build_airport(parent: NodePath, seed: int) -> NodePath:
    """The stand around the aircraft at the gate (its frame: our aircraft's
    wheels at the origin, the nose toward +y): the terminal along the left,
    two aircraft parked nose-in to it, a baggage tug and a cart train."""
    _, _, facade = outside_textures(seed)
    rng = np.random.default_rng(seed + 9400)
    terminal = GeomBuilder()
    terminal.add_box((-120.0, 20.0, 9.0), (24.0, 360.0, 18.0), uv_scale=1.0 / 14.0)
    terminal.add_box((-105.0, 20.0, 18.5), (6.0, 360.0, 1.0), color=(0.5, 0.5, 0.5, 1.0))
    planes = GeomBuilder()
    liveries = [(0.75, 0.10, 0.12, 1.0), (0.10, 0.25, 0.55, 1.0), (0.15, 0.45, 0.30, 1.0)]
    for i, (px, py) in enumerate(((-78.0, 45.0), (-78.0, -10.0), (-78.0, -65.0))):
        xf = transform((px, py, 0.0), (90.0, 0.0, 0.0))
        _airliner(planes, xf, liveries[i % 3])
    # Ground vehicles near our aircraft's front left.
    for vx, vy, col in ((-9.0, 8.0, (0.95, 0.75, 0.10, 1.0)), (-12.0, 2.0, (0.9, 0.9, 0.9, 1.0))):
        planes.add_box((vx, vy, 0.8), (2.0, 3.5, 1.6), color=col)
    for j in range(3):
        planes.add_box((-12.0, -2.5 - 3.2 * j, 0.7), (1.6, 2.6, 1.2), color=(0.55, 0.57, 0.60, 1.0))
    rng.random()
    gn = GeomNode("airport")
    gn.addGeom(terminal.geom(), RenderState.make(TextureAttrib.make(facade)))
    gn.addGeom(planes.geom())
    node = parent.attachNewNode(gn)
    node.setTwoSided(True)
    return node
