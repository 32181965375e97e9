"""GLSL for the road scene (GLSL 1.30 like ``scenes.procedural.lit_shader``:
Panda's generated Cg does not compile on Mesa's EGL drivers).

Light comes from uniforms the scene owns (sun direction and colour, sky and
ground ambient, fog, wetness, the nearest lamps), so a change of time of day
or of rain is a few float writes and never a render-state change.

* :func:`street_shader`: everything lit (buildings, pavements, vehicles'
  bodies). Colour channels above 1 glow at night by the excess (a shop
  window, a lamp's head); texture alpha below 1 glows too (lit windows).
* The road uses the same shader with ``u_wet`` above 0: the asphalt darkens,
  reflects the sky at grazing angles (Fresnel) where the puddle mask (the
  texture's alpha) holds water, and mirrors the eight lamps the scene names
  each frame (``u_lamp_pos`` xyz in the render's frame, w its strength,
  negative for a lamp that is mirrored but lights nothing, a tail light;
  ``u_lamp_col``) as streaks stretched toward the viewer, the way headlights
  shine on a wet road at night. The same lamps light what faces them, wet
  or dry (street lamps at night, headlights).
* :func:`glow_shader`: lamps and lenses, unlit, their colour times the colour
  scale (a brake light is its node's colour scale).

``u_flash_pos`` (xyz, w its strength) and ``u_flash_col`` light what is
near an emergency vehicle's flashing beacons.
"""

from __future__ import annotations

from functools import cache

from panda3d.core import Shader

from palier.scenes.procedural import SKY_DOME_VERT

MAX_LAMPS = 12

STREET_VERT = """
#version 130
uniform mat4 p3d_ModelViewProjectionMatrix;
uniform mat4 p3d_ModelMatrix;
in vec4 p3d_Vertex;
in vec3 p3d_Normal;
in vec4 p3d_Color;
in vec2 p3d_MultiTexCoord0;
out vec3 v_nrm;
out vec4 v_col;
out vec2 v_uv;
out vec3 v_world;
void main() {
    gl_Position = p3d_ModelViewProjectionMatrix * p3d_Vertex;
    v_nrm = normalize(mat3(p3d_ModelMatrix) * p3d_Normal);
    v_col = p3d_Color;
    v_uv = p3d_MultiTexCoord0;
    v_world = (p3d_ModelMatrix * p3d_Vertex).xyz;
}
"""

STREET_FRAG = """
#version 130
#define MAX_LAMPS %d
uniform sampler2D p3d_Texture0;
uniform vec4 p3d_ColorScale;
uniform mat4 p3d_ViewMatrixInverse;
uniform vec3 u_sun_dir;
uniform vec3 u_sun_col;
uniform vec3 u_sky_amb;
uniform vec3 u_ground_amb;
uniform vec3 u_fog_col;
uniform vec3 u_horizon;
uniform vec3 u_zenith;
uniform float u_fog_density;
uniform float u_night;
uniform float u_wet;
uniform float u_rain;
uniform vec4 u_lamp_pos[MAX_LAMPS];
uniform vec3 u_lamp_col[MAX_LAMPS];
uniform vec4 u_flash_pos;
uniform vec3 u_flash_col;
in vec3 v_nrm;
in vec4 v_col;
in vec2 v_uv;
in vec3 v_world;
void main() {
    // Never sample at the untextured marker (see scenes.procedural.lit_shader).
    bool plain = v_uv.x < -5000.0;
    vec4 tex = texture(p3d_Texture0, plain ? vec2(0.5) : v_uv);
    if (plain) tex = vec4(1.0);
    vec3 albedo = tex.rgb * min(v_col.rgb, vec3(1.0)) * p3d_ColorScale.rgb;
    vec3 n = normalize(v_nrm);
    if (!gl_FrontFacing) n = -n;
    vec3 eye = p3d_ViewMatrixInverse[3].xyz;
    vec3 to_eye = eye - v_world;
    float dist = length(to_eye);
    vec3 v = to_eye / max(dist, 1e-4);
    // Wet ground: what faces up darkens, and more where water pools.
    float up = smoothstep(0.7, 0.95, n.z);
    float pool = plain ? 0.5 : (1.0 - tex.a);
    float wet = u_wet * up;
    albedo *= 1.0 - 0.45 * wet;
    float ndl = dot(n, u_sun_dir);
    float wrap = max((ndl + 0.2) / 1.2, 0.0);
    vec3 amb = mix(u_ground_amb, u_sky_amb, 0.5 + 0.5 * n.z);
    vec3 rgb = albedo * (amb + u_sun_col * wrap);
    vec3 glow = max(v_col.rgb - vec3(1.0), vec3(0.0));
    if (!plain) glow += (1.0 - tex.a) * vec3(1.0, 0.80, 0.52) * (1.0 - up);
    rgb += glow * u_night;
    // The nearest lamps light what faces them (street lamps, headlights).
    vec3 lamp_light = vec3(0.0);
    for (int i = 0; i < MAX_LAMPS; ++i) {
        vec4 lp = u_lamp_pos[i];
        if (lp.w <= 0.0) continue;  // below 0: a tail light, mirrored but too dim to light
        vec3 l = lp.xyz - v_world;
        float ld = length(l);
        float ndl_l = max(dot(n, l / max(ld, 1e-4)), 0.0);
        lamp_light += u_lamp_col[i] * lp.w * ndl_l / (1.0 + 0.06 * ld * ld);
    }
    rgb += albedo * lamp_light;
    if (u_flash_pos.w > 0.0) {  // an emergency vehicle's beacons on what is near
        vec3 fl = u_flash_pos.xyz - v_world;
        float fd = length(fl);
        float fdl = max(dot(n, fl / max(fd, 1e-4)), 0.0) * 0.8 + 0.2;
        rgb += albedo * u_flash_col * u_flash_pos.w * fdl / (1.0 + 0.02 * fd * fd);
    }
    if (wet > 0.001) {
        vec3 r = reflect(-v, n);
        float fres = 0.04 + 0.96 * pow(1.0 - max(dot(n, v), 0.0), 5.0);
        float mirror = wet * mix(0.35, 1.0, pool);
        vec3 sky = mix(u_horizon, u_zenith, pow(max(r.z, 0.0), 0.6));
        rgb = mix(rgb, sky, fres * mirror * 0.85);
        // Each lamp mirrored in the water: a lobe round the reflected ray,
        // narrow across and long along the view (rough, rippled water).
        vec3 spec = vec3(0.0);
        for (int i = 0; i < MAX_LAMPS; ++i) {
            vec4 lp = u_lamp_pos[i];
            lp.w = abs(lp.w);
            if (lp.w <= 0.0) continue;
            vec3 l = lp.xyz - v_world;
            float ld = length(l);
            l /= max(ld, 1e-4);
            vec3 h = normalize(l + v);
            vec3 side = normalize(cross(v, n) + vec3(1e-5));
            float across = dot(h, side);
            float along = 1.0 - max(dot(h, n), 0.0);
            float lobe = exp(-across * across * 900.0 - along * 60.0);
            spec += u_lamp_col[i] * lp.w * lobe / (1.0 + 0.01 * ld * ld);
        }
        rgb += spec * mirror * (0.6 + 0.4 * pool);
    }
    float d = dist * u_fog_density;
    float fog = 1.0 - exp(-d * d);
    gl_FragColor = vec4(mix(rgb, u_fog_col, fog), p3d_ColorScale.a * min(v_col.a, 1.0));
}
"""

GLOW_VERT = """
#version 130
uniform mat4 p3d_ModelViewProjectionMatrix;
in vec4 p3d_Vertex;
in vec4 p3d_Color;
in vec2 p3d_MultiTexCoord0;
out vec4 v_col;
out vec2 v_uv;
void main() {
    gl_Position = p3d_ModelViewProjectionMatrix * p3d_Vertex;
    v_col = p3d_Color;
    v_uv = p3d_MultiTexCoord0;
}
"""

GLOW_FRAG = """
#version 130
uniform sampler2D p3d_Texture0;
uniform vec4 p3d_ColorScale;
in vec4 v_col;
in vec2 v_uv;
void main() {
    bool plain = v_uv.x < -5000.0;
    vec4 tex = texture(p3d_Texture0, plain ? vec2(0.5) : v_uv);
    if (plain) tex = vec4(1.0);
    gl_FragColor = tex * v_col * p3d_ColorScale;
}
"""

SKY_FRAG = """
#version 130
uniform vec3 u_zenith;
uniform vec3 u_horizon;
uniform vec3 u_fog_col;
uniform vec3 u_sun_dir;
uniform vec3 u_sun_col;
uniform float u_rain;
in vec3 v_dir;
void main() {
    vec3 d = normalize(v_dir);
    float up = max(d.z, 0.0);
    vec3 col = mix(u_horizon, u_zenith, pow(up, 0.55));
    float s = max(dot(d, normalize(u_sun_dir)), 0.0);
    col += u_sun_col * (0.18 * pow(s, 10.0)) * (1.0 - u_rain);
    // Overcast: rain greys the sky toward the fog colour.
    col = mix(col, u_fog_col, 0.75 * u_rain);
    gl_FragColor = vec4(col, 1.0);
}
"""


# Kept for the process: a shader the GSG has compiled stays compiled while
# it lives, so loading the scene again compiles nothing (seconds on llvmpipe).
@cache
def street_shader() -> Shader:
    return Shader.make(Shader.SL_GLSL, STREET_VERT, STREET_FRAG % MAX_LAMPS)


@cache
def glow_shader() -> Shader:
    return Shader.make(Shader.SL_GLSL, GLOW_VERT, GLOW_FRAG)


@cache
def sky_shader() -> Shader:
    return Shader.make(Shader.SL_GLSL, SKY_DOME_VERT, SKY_FRAG)
