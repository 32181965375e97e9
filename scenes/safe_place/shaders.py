"""GLSL for the meadow (GLSL 1.30: Panda's generated Cg shaders do not
compile on Mesa's EGL drivers, see ``scenes.procedural.lit_shader``).

Lighting comes from uniforms the scene owns (sun direction and colour, sky
and ground ambient, haze), not from Panda lights, so a change of time of day
is a few float writes into shared arrays and no render-state change.

Vertex conventions of the nature shader (geometry from ``GeomBuilder``):
* colour alpha is the sway amplitude in metres (0: rigid), not opacity;
* UV x below -5000 marks untextured geometry; its UV y is then the height
  fraction along a blade (0 root, 1 tip), which lights grass from behind.
"""

from __future__ import annotations

from panda3d.core import Shader

from palier.scenes.procedural import SKY_DOME_VERT

COMMON_UNIFORMS = """
uniform vec3 u_sun_dir;
uniform vec3 u_sun_col;
uniform vec3 u_sky_amb;
uniform vec3 u_ground_amb;
uniform vec3 u_fog_col;
uniform vec3 u_fog_sun;
uniform float u_fog_density;
"""

NATURE_VERT = """
#version 130
uniform mat4 p3d_ModelViewProjectionMatrix;
uniform mat4 p3d_ModelMatrix;
uniform float u_time;
uniform float u_wind;
in vec4 p3d_Vertex;
in vec3 p3d_Normal;
in vec4 p3d_Color;
in vec2 p3d_MultiTexCoord0;
out vec3 v_world;
out vec3 v_nrm;
out vec3 v_col;
out vec2 v_uv;
void main() {
    vec4 p = p3d_Vertex;
    float sway = p3d_Color.a;
    if (sway > 0.0) {
        vec3 wp = (p3d_ModelMatrix * p).xyz;
        vec2 wdir = vec2(0.8, 0.6);
        // Slow waves rolling across the meadow, plus a local flutter.
        float wave = sin(u_time * 1.1 - dot(wp.xy, wdir) * 0.45)
                   + 0.5 * sin(u_time * 0.63 - dot(wp.xy, vec2(0.5, 0.85)) * 0.21 + 1.3);
        float flutter = sin(u_time * 2.9 + wp.x * 2.3 + wp.y * 1.7);
        float amount = sway * (u_wind * (0.55 + 0.3 * wave) + (0.06 + 0.2 * u_wind) * flutter);
        p.xy += wdir * amount;
        p.z -= 0.35 * abs(amount) * amount / max(sway, 1e-4);
    }
    gl_Position = p3d_ModelViewProjectionMatrix * p;
    v_world = (p3d_ModelMatrix * p).xyz;
    v_nrm = normalize(mat3(p3d_ModelMatrix) * p3d_Normal);
    v_col = p3d_Color.rgb;
    v_uv = p3d_MultiTexCoord0;
}
"""

NATURE_FRAG = (
    """
#version 130
uniform sampler2D p3d_Texture0;
uniform mat4 p3d_ViewMatrixInverse;
"""
    + COMMON_UNIFORMS
    + """
in vec3 v_world;
in vec3 v_nrm;
in vec3 v_col;
in vec2 v_uv;
void main() {
    bool untextured = v_uv.x < -5000.0;
    vec3 albedo = (untextured ? vec3(1.0) : texture(p3d_Texture0, v_uv).rgb) * v_col;
    float tip = untextured ? v_uv.y : 0.0;
    // Blades and petals are two-sided with soft, mostly upward normals:
    // both faces take the same light, so no flip for back faces.
    vec3 n = normalize(v_nrm);
    vec3 eye = p3d_ViewMatrixInverse[3].xyz;
    vec3 to_frag = v_world - eye;
    float dist = length(to_frag);
    vec3 view = to_frag / max(dist, 1e-4);
    float ndl = dot(n, u_sun_dir);
    float diffuse = max((ndl + 0.3) / 1.3, 0.0);
    vec3 ambient = mix(u_ground_amb, u_sky_amb, 0.5 + 0.5 * n.z);
    // Sunlight through thin blades and petals seen against the sun.
    float back = pow(max(dot(view, u_sun_dir), 0.0), 4.0) * tip;
    vec3 rgb = albedo * (u_sun_col * (diffuse + 0.9 * back) + ambient);
    float sun_side = pow(max(dot(view, u_sun_dir), 0.0), 6.0);
    vec3 haze = mix(u_fog_col, u_fog_sun, sun_side);
    float fog = 1.0 - exp(-dist * u_fog_density);
    gl_FragColor = vec4(mix(rgb, haze, clamp(fog, 0.0, 1.0)), 1.0);
}
"""
)


SKY_FRAG = """
#version 130
uniform sampler2D p3d_Texture0;
uniform vec3 u_sun_dir;
uniform vec3 u_sun_col;
uniform vec3 u_zenith;
uniform vec3 u_horizon;
uniform vec3 u_fog_col;
uniform vec3 u_fog_sun;
uniform vec3 u_cloud_lit;
uniform vec3 u_cloud_shade;
uniform vec4 u_sky;  // cloud cover threshold, cloud drift x, drift y, sun disc gain
in vec3 v_dir;
void main() {
    vec3 d = normalize(v_dir);
    float h = d.z;
    float s = max(dot(d, u_sun_dir), 0.0);
    vec3 sky = mix(u_horizon, u_zenith, pow(clamp(h, 0.0, 1.0), 0.45));
    // Haze band at the horizon, warmer toward the sun.
    float band = exp(-max(h, 0.0) * 9.0);
    sky = mix(sky, mix(u_fog_col, u_fog_sun, pow(s, 5.0)), band * 0.85);
    if (h < 0.0) sky = mix(u_fog_col, u_fog_sun, pow(s, 5.0));
    sky += u_sun_col * (0.10 * pow(s, 6.0) + 0.30 * pow(s, 60.0));
    if (h > -0.02) {
        vec2 uv = d.xy / (max(h, 0.0) + 0.12) * 0.16 + u_sky.yz;
        float c = texture(p3d_Texture0, uv).r;
        float cover = smoothstep(u_sky.x, u_sky.x + 0.28, c) * smoothstep(0.0, 0.18, h + 0.02);
        float thick = smoothstep(u_sky.x + 0.1, u_sky.x + 0.5, c);
        vec3 cloud = mix(u_cloud_lit, u_cloud_shade, thick * 0.8);
        cloud += u_sun_col * pow(s, 8.0) * (1.0 - thick) * 0.7;  // bright rims near the sun
        sky = mix(sky, cloud, cover * 0.9);
    }
    float disc = smoothstep(0.99980, 0.99992, s);
    sky = mix(sky, u_sun_col * u_sky.w, disc);
    gl_FragColor = vec4(sky, 1.0);
}
"""


def nature_shader() -> Shader:
    return Shader.make(Shader.SL_GLSL, NATURE_VERT, NATURE_FRAG)


def sky_shader() -> Shader:
    return Shader.make(Shader.SL_GLSL, SKY_DOME_VERT, SKY_FRAG)
