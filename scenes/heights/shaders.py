"""GLSL for the heights scene (GLSL 1.30, like ``scenes.procedural.lit_shader``:
Panda's generated Cg does not compile on Mesa's EGL drivers).

Lighting comes from uniforms the scene owns (sun direction and colour, sky
and ground ambient, haze, how much the city's lights glow), so a change of
time of day is a few float writes and never a render-state change.

Vertex conventions (geometry from ``GeomBuilder``):
* colour alpha below 1 marks geometry that sways in the wind, by
  ``(1 - alpha) * 2`` metres at its tip (leaves, flags); 1 is rigid (people,
  buildings, everything else);
* colour channels above 1 glow at night by the excess (street lamps, car
  lights; the colour scale, a car's paint, does not tint the glow); the
  rest of the colour, clamped to 1, is the albedo;
* texture alpha below 1 glows at night by ``1 - alpha`` in warm window light
  (the lit windows of a facade texture); RGB textures never glow;
* UV x below -5000 marks untextured parts merged into a textured ``Geom``.
Opacity is the colour scale's alpha alone (glass, cross-fading railings).
"""

from __future__ import annotations

from functools import cache

from panda3d.core import Shader

from palier.scenes.procedural import SKY_DOME_VERT

CITY_VERT = """
#version 130
uniform mat4 p3d_ModelViewProjectionMatrix;
uniform mat4 p3d_ModelMatrix;
uniform mat4 p3d_ModelViewMatrix;
uniform float u_time;
uniform float u_wind;
uniform float u_flap;
in vec4 p3d_Vertex;
in vec3 p3d_Normal;
in vec4 p3d_Color;
in vec2 p3d_MultiTexCoord0;
out vec3 v_nrm;
out vec4 v_col;
out vec2 v_uv;
out vec3 v_view;
void main() {
    vec4 p = p3d_Vertex;
    float sway = (1.0 - p3d_Color.a) * 2.0;
    if (sway > 0.001) {
        vec3 wp = (p3d_ModelMatrix * p).xyz;
        vec2 wdir = vec2(0.85, -0.25);
        float wave = sin(u_time * 1.3 + dot(wp.xy, vec2(0.31, 0.17)));
        float flutter = sin(u_time * (4.0 + 5.0 * u_wind) + wp.x * 3.1 + wp.z * 2.3);
        float amount = sway * (u_wind * (0.6 + 0.3 * wave) + (0.05 + 0.35 * u_wind) * flutter);
        // A flag's cloth flaps across the wind in waves running to its fly end.
        float flap = sin(u_time * (3.0 + 9.0 * u_wind) - p.x * 3.5);
        amount = mix(amount, sway * (0.15 + u_wind) * flap, u_flap);
        p.xy += mix(wdir, vec2(0.0, 1.0), u_flap) * amount;
        p.z -= 0.3 * abs(amount) * (1.0 - u_flap);
    }
    gl_Position = p3d_ModelViewProjectionMatrix * p;
    v_nrm = normalize(mat3(p3d_ModelMatrix) * p3d_Normal);
    v_col = p3d_Color;
    v_uv = p3d_MultiTexCoord0;
    v_view = (p3d_ModelViewMatrix * p).xyz;
}
"""

CITY_FRAG = """
#version 130
uniform sampler2D p3d_Texture0;
uniform vec4 p3d_ColorScale;
uniform vec3 u_sun_dir;
uniform vec3 u_sun_col;
uniform vec3 u_sky_amb;
uniform vec3 u_ground_amb;
uniform vec3 u_fog_col;
uniform float u_fog_density;
uniform float u_night;
in vec3 v_nrm;
in vec4 v_col;
in vec2 v_uv;
in vec3 v_view;
void main() {
    // Never sample at the untextured marker (see scenes.procedural.lit_shader).
    bool plain = v_uv.x < -5000.0;
    vec4 tex = texture(p3d_Texture0, plain ? vec2(0.5) : v_uv);
    if (plain) tex = vec4(1.0);
    vec3 albedo = tex.rgb * min(v_col.rgb, vec3(1.0)) * p3d_ColorScale.rgb;
    vec3 n = normalize(v_nrm);
    if (!gl_FrontFacing) n = -n;
    float ndl = dot(n, u_sun_dir);
    float wrap = max((ndl + 0.2) / 1.2, 0.0);
    vec3 amb = mix(u_ground_amb, u_sky_amb, 0.5 + 0.5 * n.z);
    vec3 rgb = albedo * (amb + u_sun_col * wrap);
    vec3 glow = max(v_col.rgb - vec3(1.0), vec3(0.0));
    glow += (1.0 - tex.a) * vec3(1.0, 0.78, 0.48);
    rgb += glow * u_night;
    float dist = length(v_view);  // per fragment: a big quad's corners are far
    float d = dist * u_fog_density;
    float fog = max(1.0 - exp(-d * d), smoothstep(380.0, 480.0, dist));
    gl_FragColor = vec4(mix(rgb, u_fog_col, fog), p3d_ColorScale.a);
}
"""


SKY_FRAG = """
#version 130
uniform vec3 u_zenith;
uniform vec3 u_horizon;
uniform vec3 u_fog_col;
uniform vec3 u_sun_dir;
uniform vec3 u_sun_col;
uniform float u_night;
in vec3 v_dir;
void main() {
    vec3 d = normalize(v_dir);
    float up = max(d.z, 0.0);
    vec3 col = mix(u_horizon, u_zenith, pow(up, 0.55));
    // Below the horizon the haze over the far city, as the fog paints it.
    col = d.z < 0.0 ? mix(u_horizon, u_fog_col, smoothstep(0.0, -0.08, d.z)) : col;
    float s = max(dot(d, normalize(u_sun_dir)), 0.0);
    col += u_sun_col * (0.25 * pow(s, 12.0) + 1.5 * smoothstep(0.9993, 0.9997, s));
    // A few stars at night, on a fixed hash of the direction.
    vec3 cell = floor(d * 260.0);
    float h = fract(sin(dot(cell, vec3(12.9898, 78.233, 37.719))) * 43758.5453);
    col += u_night * step(0.9985, h) * smoothstep(0.05, 0.3, d.z) * vec3(0.8);
    gl_FragColor = vec4(col, 1.0);
}
"""


# Kept for the process: a shader the GSG has compiled stays compiled while
# it lives, so loading the scene again compiles nothing (seconds on llvmpipe).
@cache
def city_shader() -> Shader:
    return Shader.make(Shader.SL_GLSL, CITY_VERT, CITY_FRAG)


@cache
def sky_shader() -> Shader:
    return Shader.make(Shader.SL_GLSL, SKY_DOME_VERT, SKY_FRAG)
