"""Procedural geometry and textures for scenes, made in code at build time.

Scenes model their subjects here instead of shipping model files: the result
is reproducible from a seed, licence-clean, and can be tuned by a parameter.

* :class:`GeomBuilder` collects triangles (position, normal, colour, UV) in
  numpy arrays and writes them into one Panda3D ``Geom`` in a single copy:
  tubes along a path, ellipsoids, boxes, quads, bristles (thin hairs).
* ``*_noise`` functions and :func:`texture_from_array` turn numpy images into
  ``Texture`` objects that are never put in the ``TexturePool``, so a scene's
  textures are freed with its nodes (no leak across scene loads).
* :func:`hand_node`: a neutral resting hand for scenes that show the patient's
  own hand (the anchors are bare nodes); :func:`hand_builder` the same hand
  as geometry to merge into a bigger mesh (``palier.scenes.people``).
* :func:`skinned_geom`, :func:`bind_bones` and :func:`skinned_lit_shader`:
  several rigid parts (a spider's leg segments) in one ``Geom``, each part
  following its own chain of nodes, moved on the GPU: one draw call instead
  of one a part.

Conventions: Panda3D's (Z up, +Y forward, metres); matrices are 4x4 numpy
arrays applied to column vectors (``p' = M[:3, :3] @ p + M[:3, 3]``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence

import numpy as np
from panda3d.core import (
    BoundingSphere,
    Geom,
    GeomNode,
    GeomTriangles,
    GeomVertexAnimationSpec,
    GeomVertexArrayFormat,
    GeomVertexData,
    GeomVertexFormat,
    InternalName,
    Material,
    NodePath,
    NodeVertexTransform,
    Point3,
    PTA_LMatrix4f,
    RenderState,
    SamplerState,
    Shader,
    ShaderAttrib,
    SparseArray,
    Texture,
    TransformBlend,
    TransformBlendTable,
)

Color = tuple[float, float, float, float]
TAU = 2.0 * math.pi
Vec = Sequence[float]


class ProceduralError(ValueError):
    """Bad input to a procedural builder (a bug in the calling scene)."""


def _make_format() -> GeomVertexFormat:
    arr = GeomVertexArrayFormat()
    arr.addColumn(InternalName.getVertex(), 3, Geom.NTFloat32, Geom.CPoint)
    arr.addColumn(InternalName.getNormal(), 3, Geom.NTFloat32, Geom.CNormal)
    arr.addColumn(InternalName.getColor(), 4, Geom.NTFloat32, Geom.CColor)
    arr.addColumn(InternalName.getTexcoord(), 2, Geom.NTFloat32, Geom.CTexcoord)
    return GeomVertexFormat.registerFormat(arr)


UNTEXTURED_UV = -1.0e4
"""UV value (both coordinates) that :func:`lit_shader` reads as "no texture".
Far outside any real tiling (a floor's UVs run to a few tens either side of
zero), so repeat-wrapped surfaces are never mistaken for it."""

_FORMAT: GeomVertexFormat | None = None
_STRIDE = 12  # floats per vertex: 3 position, 3 normal, 4 colour, 2 UV


def vertex_format() -> GeomVertexFormat:
    """One interleaved float32 format (registered once per process)."""
    global _FORMAT
    if _FORMAT is None:
        _FORMAT = _make_format()
    return _FORMAT


# -- small matrix helpers ------------------------------------------------------
def rotation(h: float = 0.0, p: float = 0.0, r: float = 0.0) -> np.ndarray:
    """3x3 rotation for Panda3D heading/pitch/roll in degrees (H about Z,
    then P about X, then R about Y, as ``NodePath.setHpr`` composes them)."""
    ch, sh = math.cos(math.radians(h)), math.sin(math.radians(h))
    cp, sp = math.cos(math.radians(p)), math.sin(math.radians(p))
    cr, sr = math.cos(math.radians(r)), math.sin(math.radians(r))
    rz = np.array([[ch, -sh, 0.0], [sh, ch, 0.0], [0.0, 0.0, 1.0]])
    rx = np.array([[1.0, 0.0, 0.0], [0.0, cp, -sp], [0.0, sp, cp]])
    ry = np.array([[cr, 0.0, sr], [0.0, 1.0, 0.0], [-sr, 0.0, cr]])
    return rz @ rx @ ry


def transform(
    pos: Vec = (0.0, 0.0, 0.0), hpr: Vec = (0.0, 0.0, 0.0), scale: Vec | float = 1.0
) -> np.ndarray:
    """4x4 matrix: scale, then rotate (HPR degrees), then translate."""
    s = np.diag(np.broadcast_to(np.asarray(scale, dtype=float), (3,)))
    m = np.eye(4)
    m[:3, :3] = rotation(*hpr) @ s
    m[:3, 3] = pos
    return m


def _normalize(v: np.ndarray) -> np.ndarray:
    n = np.sqrt(np.einsum("...i,...i->...", v, v))[..., None]
    return v / np.where(n > 1e-12, n, 1.0)


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.cross`` for (..., 3) arrays without its axis bookkeeping, which
    costs more than the arithmetic on the small arrays a builder makes."""
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return np.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)


@functools.lru_cache(maxsize=256)
def _grid_triangles(rows: int, cols: int, flip: bool) -> np.ndarray:
    """The triangles of an (rows, cols) grid of points (read-only, shared)."""
    r, c = np.meshgrid(np.arange(rows - 1), np.arange(cols - 1), indexing="ij")
    a = (r * cols + c).ravel()
    b, d, e = a + 1, a + cols, a + cols + 1
    order = [a, b, e, a, e, d] if flip else [a, e, b, a, d, e]
    tris = np.stack(order, axis=1).reshape(-1, 3).astype(np.int64)
    tris.flags.writeable = False
    return tris


def _box_template() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The unit box :meth:`GeomBuilder.add_box` scales: for each of its 24
    corners the sign on each axis, the face normal, and the two axes its UVs
    follow; and the two triangles of each face, in that face's corner order."""
    signs, normals, uv_axes = [], [], []
    for axis in range(3):
        for sign in (-1.0, 1.0):
            u_ax, v_ax = [a for a in range(3) if a != axis]
            for du, dv in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
                corner = [0.0, 0.0, 0.0]
                corner[axis], corner[u_ax], corner[v_ax] = sign, du, dv
                signs.append(corner)
                n = [0.0, 0.0, 0.0]
                n[axis] = sign
                normals.append(n)
                uv_axes.append((u_ax, v_ax))
    return (
        np.array(signs),
        np.array(normals),
        np.array(uv_axes),
        np.arange(6)[:, None] * 4,
    )


_BOX_SIGNS, _BOX_NORMALS, _BOX_UV_AXES, _BOX_FACE_BASE = _box_template()
_BOX_ROWS = np.arange(24)


class GeomBuilder:
    """Accumulates indexed triangles, then makes one ``Geom``.

    Every ``add_*`` method takes an optional ``xform`` (4x4) applied to the
    part's points (normals use its inverse transpose) and a colour, which
    multiplies the texture in Panda's default and auto shaders.
    """

    def __init__(self) -> None:
        self._verts: list[np.ndarray] = []
        self._tris: list[np.ndarray] = []
        self._count = 0

    @property
    def num_vertices(self) -> int:
        return self._count

    def is_empty(self) -> bool:
        return self._count == 0

    # -- the one low-level entry ------------------------------------------------
    def add_mesh(
        self,
        points: np.ndarray,
        normals: np.ndarray,
        uvs: np.ndarray,
        tris: np.ndarray,
        color: Color | np.ndarray = (1, 1, 1, 1),
        xform: np.ndarray | None = None,
    ) -> None:
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        nrm = np.asarray(normals, dtype=np.float64).reshape(-1, 3)
        uv = np.asarray(uvs, dtype=np.float64).reshape(-1, 2)
        idx = np.asarray(tris, dtype=np.int64).reshape(-1, 3)
        n = len(pts)
        if len(nrm) != n or len(uv) != n:
            raise ProceduralError(
                f"add_mesh: {n} points but {len(nrm)} normals and {len(uv)} UVs; "
                "pass one of each per point"
            )
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise ProceduralError(f"add_mesh: triangle index out of range 0..{n - 1}")
        if xform is not None:
            lin = xform[:3, :3]
            pts = pts @ lin.T + xform[:3, 3]
            nrm = nrm @ np.linalg.inv(lin)  # inverse transpose, applied to rows
        # One float32 row a vertex, filled in place (no stacking of columns).
        rows = np.empty((n, 12), dtype=np.float32)
        rows[:, 0:3] = pts
        rows[:, 3:6] = _normalize(nrm)
        rows[:, 6:10] = color
        rows[:, 10:12] = uv
        self._verts.append(rows)
        self._tris.append(idx + self._count)
        self._count += n

    def merge(
        self, other: GeomBuilder, *, untextured: bool = False, xform: np.ndarray | None = None
    ) -> None:
        """Append everything ``other`` holds. With ``untextured`` its UVs are
        set to :data:`UNTEXTURED_UV`, which :func:`lit_shader` draws with the
        vertex colour alone: hairs, claws and fangs then share one ``Geom``
        (one draw call) with the textured skin they grow from. ``xform`` (4x4)
        moves the merged part first (a limb baked into its parent's mesh)."""
        base = 0  # where each of other's chunks started in other
        lin = inv = None
        if xform is not None:
            lin = np.asarray(xform, dtype=np.float64)[:3, :3]
            inv = np.linalg.inv(lin)
        for verts, tris in zip(other._verts, other._tris, strict=True):
            verts = verts.copy()
            if untextured:
                verts[:, 10:12] = UNTEXTURED_UV
            if xform is not None and lin is not None and inv is not None:
                pts = verts[:, 0:3].astype(np.float64) @ lin.T + xform[:3, 3]
                nrm = _normalize(verts[:, 3:6].astype(np.float64) @ inv)
                verts[:, 0:3] = pts
                verts[:, 3:6] = nrm
            self._verts.append(verts)
            self._tris.append(tris - base + self._count)
            self._count += len(verts)
            base += len(verts)

    def mirrored_x(self) -> GeomBuilder:
        """A copy mirrored in the x = 0 plane (windings reversed, so its faces
        still face out): a left limb from a right one, without a negative
        scale that a skinned ``Geom``'s culling would not know about."""
        out = GeomBuilder()
        for verts, tris in zip(self._verts, self._tris, strict=True):
            flipped = verts.copy()
            flipped[:, 0] *= -1.0
            flipped[:, 3] *= -1.0
            out._verts.append(flipped)
            out._tris.append(tris[:, ::-1].copy())
        out._count = self._count
        return out

    def add_grid(
        self,
        points: np.ndarray,
        uvs: np.ndarray,
        normals: np.ndarray | None = None,
        color: Color | np.ndarray = (1, 1, 1, 1),
        xform: np.ndarray | None = None,
        flip: bool = False,
    ) -> None:
        """A surface from an (R, C, 3) grid of points, rows along one
        parameter and columns along the other. Normals are computed from the
        grid when not given (cross of the row and column directions)."""
        rows, cols = points.shape[:2]
        if rows < 2 or cols < 2:
            raise ProceduralError("add_grid needs at least a 2x2 grid")
        if normals is None:
            du = np.gradient(points, axis=1)
            dv = np.gradient(points, axis=0)
            normals = _cross(du, dv)
            if flip:
                normals = -normals
        tris = _grid_triangles(rows, cols, flip)
        color_arr = color if not isinstance(color, np.ndarray) else color.reshape(-1, 4)
        self.add_mesh(
            points.reshape(-1, 3),
            normals.reshape(-1, 3),
            uvs.reshape(-1, 2),
            tris,
            color_arr,
            xform,
        )

    # -- shapes -------------------------------------------------------------------
    def add_ellipsoid(
        self,
        center: Vec,
        radii: Vec,
        *,
        rings: int = 12,
        segments: int = 16,
        color: Color = (1, 1, 1, 1),
        xform: np.ndarray | None = None,
        uv_repeat: tuple[float, float] = (1.0, 1.0),
        profile: np.ndarray | None = None,
    ) -> None:
        """An ellipsoid whose long axis is local +Y. UV: u goes round the
        axis with the seam underneath (the back, +Z, is u=0.5), v runs from
        the rear (0) to the front (1): a dorsal pattern sits mid-texture.
        ``profile`` (rings+1 values) scales the cross-section along the axis
        (an egg or a waisted shape) keeping analytic-enough normals."""
        theta = np.linspace(0.0, math.pi, rings + 1)  # 0 = front
        phi = np.linspace(0.0, 2.0 * math.pi, segments + 1)
        th, ph = np.meshgrid(theta, phi, indexing="ij")
        rx, ry, rz = radii
        scale = (
            np.ones_like(th) if profile is None else np.asarray(profile)[:, None] * np.ones_like(th)
        )
        x = -rx * np.sin(th) * np.sin(ph) * scale
        y = ry * np.cos(th)
        z = -rz * np.sin(th) * np.cos(ph) * scale
        pts = np.stack([x + center[0], y + center[1], z + center[2]], axis=-1)
        if profile is None:
            nrm = np.stack([x / rx**2, y / ry**2, z / rz**2], axis=-1)
        else:
            nrm = None
        uv = np.stack(
            [ph / (2 * math.pi) * uv_repeat[0], (1.0 - th / math.pi) * uv_repeat[1]], axis=-1
        )
        if nrm is None:
            # Grid normals, with the poles set to the axis direction.
            du = np.gradient(pts, axis=1)
            dv = np.gradient(pts, axis=0)
            nrm = _cross(dv, du)
            nrm[0] = (0.0, 1.0, 0.0)
            nrm[-1] = (0.0, -1.0, 0.0)
        self.add_grid(pts, uv, nrm, color=color, xform=xform)

    def add_tube(
        self,
        path: np.ndarray,
        radii: np.ndarray | float,
        *,
        sides: int = 8,
        color: Color = (1, 1, 1, 1),
        xform: np.ndarray | None = None,
        v_range: tuple[float, float] = (0.0, 1.0),
        u_repeat: float = 1.0,
        flatten: float = 1.0,
        cap_start: bool = True,
        cap_end: bool = True,
    ) -> None:
        """A tube along ``path`` (K, 3) with per-point radii, framed by
        parallel transport so it never twists. ``flatten`` < 1 squashes the
        cross-section vertically. Open ends are closed by a cone to a point
        on the axis (a rounded tip when the last radius is small)."""
        path = np.asarray(path, dtype=np.float64)
        k = len(path)
        if k < 2:
            raise ProceduralError("add_tube needs a path of at least two points")
        rad = np.broadcast_to(np.asarray(radii, dtype=np.float64), (k,))
        tang = np.gradient(path, axis=0)
        tang = _normalize(tang)
        up = np.array([0.0, 0.0, 1.0]) if abs(tang[0][2]) < 0.9 else np.array([1.0, 0.0, 0.0])
        normal0 = _normalize(_cross(_cross(tang[0], up), tang[0]))
        # Parallel transport of the normal, in plain floats: a numpy call per
        # point costs more than the arithmetic on three numbers.
        nx, ny, nz = (float(v) for v in normal0)
        transported = [(nx, ny, nz)]
        for tx, ty, tz in tang[1:].tolist():
            d = nx * tx + ny * ty + nz * tz
            nx, ny, nz = nx - tx * d, ny - ty * d, nz - tz * d
            length = max(math.sqrt(nx * nx + ny * ny + nz * nz), 1e-12)
            nx, ny, nz = nx / length, ny / length, nz / length
            transported.append((nx, ny, nz))
        frames_n = np.array(transported)
        frames_b = _cross(tang, frames_n)
        ang = np.linspace(0.0, 2.0 * math.pi, sides + 1)
        ca, sa = np.cos(ang), np.sin(ang)
        ring_dir = (
            frames_n[:, None, :] * ca[None, :, None] * flatten
            + frames_b[:, None, :] * sa[None, :, None]
        )
        pts = path[:, None, :] + ring_dir * rad[:, None, None]
        nrm = (
            frames_n[:, None, :] * ca[None, :, None] / max(flatten, 1e-3)
            + frames_b[:, None, :] * sa[None, :, None]
        )
        # Taper: tilt normals along the axis where the radius changes.
        seg = np.linalg.norm(np.gradient(path, axis=0), axis=1)
        slope = -np.gradient(rad) / np.maximum(seg, 1e-9)
        nrm = _normalize(nrm) + tang[:, None, :] * slope[:, None, None]
        lengths = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))])
        t = lengths / max(lengths[-1], 1e-12)
        v = v_range[0] + (v_range[1] - v_range[0]) * t
        uv = np.stack(
            np.broadcast_arrays(ang[None, :] / (2 * math.pi) * u_repeat, v[:, None]), axis=-1
        )
        self.add_grid(pts, uv, nrm, color=color, xform=xform, flip=True)
        for end, on in ((0, cap_start), (k - 1, cap_end)):
            if not on or rad[end] <= 0.0:
                continue
            sign = -1.0 if end == 0 else 1.0
            tip = path[end] + tang[end] * sign * rad[end] * 0.6
            ring = pts[end]
            cap_pts = np.vstack([ring, tip[None, :]])
            cap_nrm = np.vstack([nrm[end] * 0.5 + tang[end] * sign, tang[end][None, :] * sign])
            cap_uv = np.vstack([uv[end], [[0.5, v[end]]]])
            tip_i = sides + 1
            ring_i = np.arange(sides)
            tip_col = np.full(sides, tip_i)
            if sign > 0:
                tris = np.stack([ring_i, ring_i + 1, tip_col], axis=1)
            else:
                tris = np.stack([ring_i, tip_col, ring_i + 1], axis=1)
            self.add_mesh(cap_pts, cap_nrm, cap_uv, tris, color, xform)

    def add_loft(
        self,
        z: np.ndarray,
        half_w: np.ndarray,
        half_d: np.ndarray,
        y0: np.ndarray,
        colours: Iterable[Color],
        *,
        segments: int,
        power: float = 2.4,
        front_bulge: np.ndarray | None = None,
        xform: np.ndarray | None = None,
        cap: bool = True,
        uv_scale: tuple[float, float] | None = None,
    ) -> None:
        """A vertical loft of superellipse cross-sections (a torso, a skirt, a
        seat back): at each height ``z[i]`` a section ``half_w[i]`` wide and
        ``half_d[i]`` deep centred on ``y0[i]``, ``power`` 2 an ellipse, higher
        squarer. ``front_bulge`` adds depth to the front (+y) half only (bust,
        belly). ``cap`` closes both ends on the axis. ``uv_scale`` (u, v): UVs
        round the section (0..u) and up in metres times v, for a tiling texture;
        None leaves them zero (an untextured part)."""
        ang = np.linspace(0.0, TAU, segments + 1)
        ca, sa = np.cos(ang), np.sin(ang)
        e = 2.0 / power
        sx = np.sign(sa) * np.abs(sa) ** e
        sy = np.sign(ca) * np.abs(ca) ** e
        front = np.clip(ca, 0.0, 1.0) ** 1.5
        depth = half_d[:, None] * np.ones_like(ca)[None, :]
        if front_bulge is not None:
            depth = depth + front_bulge[:, None] * front[None, :]
        pts = np.stack(
            [
                half_w[:, None] * sx[None, :],
                y0[:, None] + depth * sy[None, :],
                z[:, None] * np.ones_like(ca)[None, :],
            ],
            axis=-1,
        )
        cols = np.array(list(colours), dtype=np.float64)[:, None, :] * np.ones((1, segments + 1, 1))
        uv = np.zeros((*pts.shape[:2], 2))
        if uv_scale is not None:
            uv[..., 0] = ang[None, :] / TAU * uv_scale[0]
            uv[..., 1] = z[:, None] * uv_scale[1]
        if cap:  # close both ends on the axis
            top = np.array([[0.0, y0[-1], z[-1]]]) * np.ones((segments + 1, 1))
            bot = np.array([[0.0, y0[0], z[0]]]) * np.ones((segments + 1, 1))
            pts = np.concatenate([bot[None], pts, top[None]], axis=0)
            cols = np.concatenate([cols[:1], cols, cols[-1:]], axis=0)
            uv = np.concatenate([uv[:1], uv, uv[-1:]], axis=0)
        axis_pts = np.stack([np.zeros_like(pts[..., 0]), pts[..., 1], pts[..., 2]], axis=-1)
        du = np.gradient(pts, axis=1)
        dv = np.gradient(pts, axis=0)
        nrm = _cross(du, dv)
        radial = pts - axis_pts
        if float(np.einsum("ijk,ijk->", nrm, radial)) < 0.0:
            nrm = -nrm
        bad = np.linalg.norm(nrm, axis=-1) < 1e-12
        nrm[bad] = np.array([0.0, 0.0, 1.0])
        # Winding of add_grid (flip=False) faces cross(dv, du); our normals face out.
        flip = float(np.einsum("ijk,ijk->", _cross(dv, du), radial)) < 0.0
        self.add_grid(pts, uv, nrm, color=cols.reshape(-1, 4), xform=xform, flip=flip)

    def add_box(
        self,
        center: Vec,
        size: Vec,
        *,
        color: Color = (1, 1, 1, 1),
        xform: np.ndarray | None = None,
        uv_scale: float = 1.0,
    ) -> None:
        """An axis-aligned box (before ``xform``); UVs in metres times
        ``uv_scale`` so tiling textures keep their scale on every face."""
        c = np.asarray(center, dtype=np.float64)
        h = np.asarray(size, dtype=np.float64) / 2.0
        pts = c + _BOX_SIGNS * h
        uv = np.stack(
            [pts[_BOX_ROWS, _BOX_UV_AXES[:, 0]], pts[_BOX_ROWS, _BOX_UV_AXES[:, 1]]], axis=1
        )
        uv *= uv_scale
        # Winding so each face is counter-clockwise seen from outside.
        corners = pts.reshape(6, 4, 3)
        facing = np.einsum(
            "fi,fi->f",
            _cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]),
            _BOX_NORMALS[::4],
        )
        outward = np.array([[0, 1, 2], [0, 2, 3]])
        inward = np.array([[0, 2, 1], [0, 3, 2]])
        tris = np.where((facing > 0)[:, None, None], outward, inward) + _BOX_FACE_BASE[:, :, None]
        self.add_mesh(pts, _BOX_NORMALS, uv, tris.reshape(-1, 3), color, xform)

    def add_quad(
        self,
        corners: np.ndarray,
        *,
        uvs: np.ndarray | None = None,
        color: Color = (1, 1, 1, 1),
        xform: np.ndarray | None = None,
    ) -> None:
        """A flat quad from four corners in counter-clockwise order."""
        pts = np.asarray(corners, dtype=np.float64).reshape(4, 3)
        n = _cross(pts[1] - pts[0], pts[2] - pts[0])
        uv = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=np.float64) if uvs is None else uvs
        self.add_mesh(pts, np.tile(n, (4, 1)), uv, np.array([[0, 1, 2], [0, 2, 3]]), color, xform)

    def add_bristles(
        self,
        roots: np.ndarray,
        directions: np.ndarray,
        lengths: np.ndarray | float,
        surface_normals: np.ndarray,
        *,
        width: float | np.ndarray,
        color: Color | np.ndarray = (0, 0, 0, 1),
        tip_color: Color | None = None,
        xform: np.ndarray | None = None,
    ) -> None:
        """Thin hairs: one tapering triangle per hair, emitted with both
        windings so it shows from either side. They are lit with the normal of
        the surface they grow from, so fur shades like the body under it."""
        roots = np.asarray(roots, dtype=np.float64).reshape(-1, 3)
        n = len(roots)
        if n == 0:
            return
        dirs = _normalize(np.asarray(directions, dtype=np.float64).reshape(-1, 3))
        lens = np.broadcast_to(np.asarray(lengths, dtype=np.float64), (n,))
        snrm = _normalize(np.asarray(surface_normals, dtype=np.float64).reshape(-1, 3))
        side = np.cross(dirs, snrm)
        bad = np.linalg.norm(side, axis=1) < 1e-6
        side[bad] = np.cross(dirs[bad], np.array([0.3, 0.5, 0.8]))
        side = _normalize(side) * (
            np.broadcast_to(np.asarray(width, dtype=np.float64), (n,))[:, None] / 2.0
        )
        tips = roots + dirs * lens[:, None]
        pts = np.stack([roots - side, roots + side, tips], axis=1).reshape(-1, 3)
        nrm = np.repeat(snrm, 3, axis=0)
        uv = np.tile(np.array([[0.0, 0.0], [1.0, 0.0], [0.5, 1.0]]), (n, 1))
        base = np.arange(n)[:, None] * 3
        tris = np.vstack([base + np.array([0, 1, 2]), base + np.array([0, 2, 1])])
        col = np.broadcast_to(np.asarray(color, dtype=np.float64), (n, 4))
        cols = np.repeat(col, 3, axis=0).copy()
        if tip_color is not None:
            cols[2::3] = tip_color
        self.add_mesh(pts, nrm, uv, tris, cols, xform)

    # -- output -----------------------------------------------------------------------
    def geom(self) -> Geom:
        if not self._verts:
            raise ProceduralError("GeomBuilder.geom(): nothing was added")
        data = np.vstack(self._verts)
        tris = np.vstack(self._tris).astype(np.uint32)
        vdata = GeomVertexData("procedural", vertex_format(), Geom.UHStatic)
        vdata.uncleanSetNumRows(len(data))
        memoryview(vdata.modifyArray(0)).cast("B")[:] = data.tobytes()
        return _indexed_geom(vdata, tris)

    def node(self, name: str) -> GeomNode:
        node = GeomNode(name)
        node.addGeom(self.geom())
        return node


# -- textures -------------------------------------------------------------------------
def texture_from_array(
    name: str,
    image: np.ndarray,
    *,
    mipmap: bool = True,
    repeat: bool = True,
    anisotropy: int | None = None,
) -> Texture:
    """A Panda3D texture from an (H, W, 3|4) uint8 or 0..1 float image whose
    first row is the top. Not registered in the TexturePool, so it is freed
    with the last node that uses it. ``anisotropy`` None: the engine's degree
    for this renderer (``EngineConfig.anisotropy``); a number overrides it."""
    img = np.asarray(image)
    if img.dtype != np.uint8:
        img = (np.clip(img, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    if img.ndim != 3 or img.shape[2] not in (3, 4):
        raise ProceduralError(f"texture {name!r}: expected (H, W, 3 or 4), got {img.shape}")
    h, w, c = img.shape
    tex = Texture(name)
    tex.setup2dTexture(w, h, Texture.TUnsignedByte, Texture.FRgb if c == 3 else Texture.FRgba)
    # Panda stores rows bottom-up and channels as BGR(A).
    rows = img[::-1]
    order = [2, 1, 0] if c == 3 else [2, 1, 0, 3]
    tex.setRamImage(np.ascontiguousarray(rows[:, :, order]).tobytes())
    wrap = SamplerState.WM_repeat if repeat else SamplerState.WM_clamp
    tex.setWrapU(wrap)
    tex.setWrapV(wrap)
    if mipmap:
        tex.setMinfilter(SamplerState.FT_linear_mipmap_linear)
    tex.setMagfilter(SamplerState.FT_linear)
    if anisotropy is not None:
        tex.setAnisotropicDegree(anisotropy)
    return tex


def value_noise(
    height: int, width: int, cells: tuple[int, int], rng: np.random.Generator
) -> np.ndarray:
    """Tileable smooth noise in 0..1: random values on a (cy, cx) lattice,
    interpolated with a smoothstep, wrapping at the edges."""
    cy, cx = cells
    lattice = rng.random((cy, cx))
    ys = np.arange(height) * cy / height
    xs = np.arange(width) * cx / width
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    fy, fx = ys - y0, xs - x0
    fy, fx = fy * fy * (3 - 2 * fy), fx * fx * (3 - 2 * fx)
    y1, x1 = (y0 + 1) % cy, (x0 + 1) % cx
    a = lattice[np.ix_(y0, x0)]
    b = lattice[np.ix_(y0, x1)]
    c = lattice[np.ix_(y1, x0)]
    d = lattice[np.ix_(y1, x1)]
    top = a + (b - a) * fx[None, :]
    bottom = c + (d - c) * fx[None, :]
    result: np.ndarray = top + (bottom - top) * fy[:, None]
    return result


def fractal_noise(
    height: int,
    width: int,
    cells: tuple[int, int],
    rng: np.random.Generator,
    octaves: int = 4,
    persistence: float = 0.5,
) -> np.ndarray:
    """Sum of ``value_noise`` octaves (each twice as fine), normalised to 0..1."""
    total = np.zeros((height, width))
    amp, norm = 1.0, 0.0
    cy, cx = cells
    for _ in range(octaves):
        total += amp * value_noise(height, width, (min(cy, height), min(cx, width)), rng)
        norm += amp
        amp *= persistence
        cy, cx = cy * 2, cx * 2
    out: np.ndarray = total / norm
    return out


def hair_streaks(
    height: int, width: int, rng: np.random.Generator, *, density: float = 0.5, length: int = 24
) -> np.ndarray:
    """Fine hair-like streaks running down the image (v direction), 0..1,
    tileable: short vertical strokes of random brightness, blurred along
    their length. Used to give bodies and legs a furry surface."""
    img = np.zeros((height, width))
    n = int(height * width * density / length)
    ys = rng.integers(0, height, n)
    xs = rng.integers(0, width, n)
    vals = rng.random(n)
    for k in range(length):  # strokes fade toward their tips
        np.maximum.at(img, ((ys + k) % height, xs), vals * (1.0 - k / length))
    # Slight sideways blur so strands are not single aliased pixels.
    img = 0.6 * img + 0.2 * (np.roll(img, 1, axis=1) + np.roll(img, -1, axis=1))
    return img


def radial_falloff(size: int, *, inner: float = 0.0, power: float = 1.5) -> np.ndarray:
    """A soft disc, 1 at the centre falling to 0 at the edge (for blob
    shadows and glows)."""
    ax = np.linspace(-1.0, 1.0, size)
    r = np.sqrt(ax[None, :] ** 2 + ax[:, None] ** 2)
    out: np.ndarray = np.clip((1.0 - r) / max(1.0 - inner, 1e-6), 0.0, 1.0) ** power
    return out


def material(
    diffuse: Color = (1, 1, 1, 1),
    *,
    specular: float = 0.1,
    shininess: float = 10.0,
    ambient: Color | None = None,
) -> Material:
    mat = Material()
    mat.setDiffuse(diffuse)
    mat.setAmbient(ambient if ambient is not None else diffuse)
    mat.setSpecular((specular, specular, specular, 1.0))
    mat.setShininess(shininess)
    return mat


# -- a resting hand --------------------------------------------------------------
SKIN: Color = (0.72, 0.58, 0.52, 1.0)


_SKIN_KEY: Color = (0.125, 0.25, 0.375, 1.0)
_SLEEVE_KEY: Color = (0.625, 0.75, 0.875, 1.0)
"""Stand-in colours a cached hand is built with (exact in float32), replaced
by the caller's skin and sleeve colours chunk by chunk."""


def hand_builder(
    *,
    right: bool = True,
    skin: Color = SKIN,
    sleeve: Color | None = (0.30, 0.34, 0.40, 1.0),
    coarse: bool = False,
) -> GeomBuilder:
    """The geometry of :func:`hand_node` in a builder, to merge into a bigger
    mesh (a person's forearm). ``sleeve`` None leaves out the forearm and
    sleeve (the hand ends at the wrist); ``coarse`` makes a hand of about a
    quarter of the triangles, no nails, for people seen from a few metres.

    The shape is made once per kind of hand and copied (a crowd's hands cost
    a copy each, not a build); only the colours are the caller's."""
    shape = _hand_shape(right, sleeve is not None, coarse)
    out = GeomBuilder()
    skin_key = np.array(_SKIN_KEY, dtype=np.float32)
    sleeve_key = np.array(_SLEEVE_KEY, dtype=np.float32)
    for verts, tris in zip(shape._verts, shape._tris, strict=True):
        chunk = verts.copy()
        if np.array_equal(chunk[0, 6:10], skin_key):
            chunk[:, 6:10] = skin
        elif sleeve is not None and np.array_equal(chunk[0, 6:10], sleeve_key):
            chunk[:, 6:10] = sleeve
        out._verts.append(chunk)
        out._tris.append(tris)
    out._count = shape._count
    return out


@functools.lru_cache(maxsize=8)
def _hand_shape(right: bool, with_sleeve: bool, coarse: bool) -> GeomBuilder:
    """A hand in :data:`_SKIN_KEY` and :data:`_SLEEVE_KEY` (shared: copy it)."""
    skin = _SKIN_KEY
    sleeve = _SLEEVE_KEY if with_sleeve else None
    side = 1.0 if right else -1.0  # +x is the little-finger side of a right hand
    palm_rings, palm_seg, thenar = (6, 10, (5, 8)) if coarse else (10, 18, (8, 12))
    finger_pts, finger_sides = (5, 6) if coarse else (10, 10)
    b = GeomBuilder()
    # Palm: a broad, flattened slab, thicker at the heel of the hand.
    rings = palm_rings
    th = np.linspace(0.0, math.pi, rings + 1)
    b.add_ellipsoid(
        (0.0, 0.0, -0.007),
        (0.044, 0.052, 0.012),
        rings=rings,
        segments=palm_seg,
        profile=0.85 + 0.15 * np.sin(th),
        color=skin,
    )
    # Thenar eminence: the thumb's fleshy base, joining the thumb to the palm.
    b.add_ellipsoid(
        (0.0, 0.0, 0.0),
        (0.017, 0.034, 0.013),
        rings=thenar[0],
        segments=thenar[1],
        color=skin,
        xform=transform((-side * 0.033, -0.018, -0.006), (side * 28.0, 0, 0)),
    )
    # Fingers: index (thumb side) to little finger, slightly spread and curled.
    fingers = (  # x (toward the little finger), length, radius, spread (deg)
        (-0.029, 0.086, 0.0085, 6.0),
        (-0.0095, 0.095, 0.0088, 2.0),
        (0.0095, 0.090, 0.0084, -2.5),
        (0.028, 0.072, 0.0076, -7.0),
    )
    for x, length, radius, spread in fingers:
        xf = transform((side * x, 0.036, -0.009), (-side * spread, 0, 0))
        seg = np.linspace(0.0, 1.0, finger_pts)
        curl = np.radians(16.0) * seg**1.6
        path = np.stack(
            [np.zeros_like(seg), length * seg * np.cos(curl), -length * np.sin(curl) * seg * 0.8],
            axis=1,
        )
        knuckles = 1.0 + 0.06 * np.cos(seg * 2.0 * math.pi * 1.5) ** 8
        rad = radius * (1.0 - 0.2 * seg) * knuckles
        b.add_tube(path, rad, sides=finger_sides, color=skin, flatten=0.82, xform=xf)
        if coarse:
            continue
        # Nail: a flat, paler cap on top near the tip.
        k = 8
        b.add_ellipsoid(
            (0.0, path[k, 1], path[k, 2] + rad[k] * 0.62),
            (rad[k] * 0.72, rad[k] * 1.3, rad[k] * 0.22),
            rings=4,
            segments=8,
            color=(0.84, 0.70, 0.66, 1.0),
            xform=xf,
        )
    # Thumb: two phalanges from the thenar, forward and toward the index.
    seg = np.linspace(0.0, 1.0, finger_pts)
    thumb = np.stack([side * 0.010 * seg**2, 0.060 * seg, -0.004 * seg], axis=1)
    xt = transform((-side * 0.046, -0.006, -0.007), (side * 24.0, 0, -side * 25.0))
    b.add_tube(
        thumb,
        0.0108 * (1.0 - 0.15 * seg),
        sides=finger_sides,
        color=skin,
        flatten=0.85,
        xform=xt,
    )
    # Wrist and forearm, then a sleeve.
    arm = np.array([[0.0, -0.030, -0.006], [0.0, -0.075, -0.003], [0.0, -0.13, 0.003]])
    if sleeve is None:
        b.add_tube(
            arm[:2], np.array([0.033, 0.029]), sides=finger_sides + 2, color=skin, flatten=0.62
        )
        return b
    b.add_tube(
        arm, np.array([0.033, 0.028, 0.030]), sides=16, color=skin, flatten=0.62, cap_end=False
    )
    sl = np.array([[0.0, -0.12, 0.003], [0.0, -0.22, 0.012], [0.0, -0.42, 0.03]])
    b.add_tube(sl, np.array([0.040, 0.044, 0.047]), sides=16, color=sleeve, flatten=0.72)
    return b


def hand_node(
    name: str = "hand",
    *,
    right: bool = True,
    skin: Color = SKIN,
    sleeve: Color = (0.30, 0.34, 0.40, 1.0),
) -> NodePath:
    """A neutral adult hand resting palm down, fingers along +Y, with the
    wrist and a sleeved forearm running back toward the body (-Y). The origin
    is the middle of the palm; the palm's underside is at z = -0.02 m, so at an
    anchor 2 cm above a surface it lies on that surface."""
    b = hand_builder(right=right, skin=skin, sleeve=sleeve)
    np_hand = NodePath(b.node(name))
    np_hand.setMaterial(material((1.0, 1.0, 1.0, 1.0), specular=0.10, shininess=16.0), 1)
    np_hand.setTextureOff(1)
    return np_hand


# -- per-pixel lighting ------------------------------------------------------------
_LIT_VERT = """
#version 130
uniform mat4 p3d_ModelViewProjectionMatrix;
uniform mat4 p3d_ModelViewMatrix;
uniform mat3 p3d_NormalMatrix;
in vec4 p3d_Vertex;
in vec3 p3d_Normal;
in vec4 p3d_Color;
in vec2 p3d_MultiTexCoord0;
out vec3 v_pos;
out vec3 v_nrm;
out vec4 v_col;
out vec2 v_uv;
void main() {
    gl_Position = p3d_ModelViewProjectionMatrix * p3d_Vertex;
    v_pos = (p3d_ModelViewMatrix * p3d_Vertex).xyz;
    v_nrm = normalize(p3d_NormalMatrix * p3d_Normal);
    v_col = p3d_Color;
    v_uv = p3d_MultiTexCoord0;
}
"""

LIGHTS_GLSL = """
#define MAX_LIGHTS 4
uniform struct { vec4 ambient; } p3d_LightModel;
uniform struct {
    vec4 ambient;
    vec4 diffuse;
    vec4 emission;
    vec3 specular;
    float shininess;
} p3d_Material;
uniform struct {
    vec4 color;
    vec4 position;
    vec3 attenuation;
} p3d_LightSource[MAX_LIGHTS];
void palier_lights(vec3 n, vec3 pos, float shine, float wrap, out vec3 light, out vec3 spec) {
    // Panda's ambient and up to four lights at eye-space ``pos``: wrapped
    // diffuse (``wrap``: how far light reaches past the terminator, as
    // through fur or off a room's walls) and Blinn-Phong specular.
    vec3 view = normalize(-pos);
    light = p3d_LightModel.ambient.rgb * p3d_Material.ambient.rgb;
    spec = vec3(0.0);
    for (int i = 0; i < MAX_LIGHTS; ++i) {
        vec4 lp = p3d_LightSource[i].position;
        vec3 l = lp.xyz - pos * lp.w;
        float d = length(l);
        l /= max(d, 1e-6);
        vec3 at = p3d_LightSource[i].attenuation;
        float att = lp.w == 0.0 ? 1.0 : 1.0 / max(at.x + at.y * d + at.z * d * d, 1e-3);
        float ndl = dot(n, l);
        vec3 c = p3d_LightSource[i].color.rgb * att;
        light += c * max((ndl + wrap) / (1.0 + wrap), 0.0) * p3d_Material.diffuse.rgb;
        if (ndl > 0.0 && shine > 0.0) {
            vec3 h = normalize(l + view);
            spec += c * pow(max(dot(n, h), 0.0), shine);
        }
    }
}
"""
"""Panda's light and material inputs and ``palier_lights``, for a fragment
shader to include after its ``#version`` line: the one lighting model of
:func:`lit_shader` and the scenes' own surface shaders."""

_LIT_FRAG = (
    """
#version 130
uniform sampler2D p3d_Texture0;
uniform vec4 p3d_ColorScale;
"""
    + LIGHTS_GLSL
    + """in vec3 v_pos;
in vec3 v_nrm;
in vec4 v_col;
in vec2 v_uv;
void main() {
    // UVs near -1e4 mark untextured parts merged into a textured Geom. The
    // lookup itself must never see those coordinates: a SIMD rasteriser may
    // sample on both sides of the branch, and Mesa's llvmpipe once took over
    // a minute for one frame filtering (anisotropic, mipmapped) around -1e4.
    bool plain = v_uv.x < -5000.0;
    vec4 tex = texture(p3d_Texture0, plain ? vec2(0.5) : v_uv);
    if (plain) tex = vec4(1.0);
    vec4 base = tex * v_col * p3d_ColorScale;
    vec3 light, spec;
    palier_lights(normalize(v_nrm), v_pos, p3d_Material.shininess, 0.25, light, spec);
    vec3 rgb = base.rgb * light + spec * p3d_Material.specular + p3d_Material.emission.rgb;
    gl_FragColor = vec4(rgb, base.a);
}
"""
)


_SKINNED_VERT = """
#version 130
#define MAX_BONES %d
uniform mat4 p3d_ModelViewProjectionMatrix;
uniform mat4 p3d_ModelViewMatrix;
uniform mat3 p3d_NormalMatrix;
uniform mat4 p3d_TransformTable[MAX_BONES];
in vec4 p3d_Vertex;
in vec3 p3d_Normal;
in vec4 p3d_Color;
in vec2 p3d_MultiTexCoord0;
in uvec4 transform_index;
out vec3 v_pos;
out vec3 v_nrm;
out vec4 v_col;
out vec2 v_uv;
void main() {
    // Rigid skinning: each vertex follows one bone (a leg segment's node).
    mat4 bone = p3d_TransformTable[transform_index.x];
    vec4 pos = bone * p3d_Vertex;
    gl_Position = p3d_ModelViewProjectionMatrix * pos;
    v_pos = (p3d_ModelViewMatrix * pos).xyz;
    v_nrm = normalize(p3d_NormalMatrix * (mat3(bone) * p3d_Normal));
    v_col = p3d_Color;
    v_uv = p3d_MultiTexCoord0;
}
"""
MAX_BONES = 40
"""Bones one skinned ``Geom`` may use (:func:`skinned_geom`)."""


def _flat_capable_frag() -> str:
    """:data:`_LIT_FRAG` with a ``palier_flat`` input (default 0): at 1 it
    draws the vertex colour alone, unlit (a cast shadow of the same mesh)."""
    return _LIT_FRAG.replace(
        "uniform sampler2D p3d_Texture0;",
        "uniform sampler2D p3d_Texture0;\nuniform float palier_flat;",
    ).replace(
        "void main() {\n",
        "void main() {\n    if (palier_flat > 0.5) {\n"
        "        gl_FragColor = v_col * p3d_ColorScale;\n        return;\n    }\n",
        1,
    )


def skinned_lit_shader(priority: int = 0) -> ShaderAttrib:
    """:func:`lit_shader` for a :func:`skinned_geom`: the same lighting, each
    vertex moved by its bone's matrix on the GPU. Returned as an attribute
    with hardware skinning on, so Panda hands the shader the bones' matrices
    instead of moving the vertices on the CPU. ``priority`` is the shader's
    own (a ``ShaderAttrib`` composes by it, not by the node's override)."""
    shader = Shader.make(Shader.SL_GLSL, _SKINNED_VERT % MAX_BONES, _flat_capable_frag())
    attrib: ShaderAttrib = ShaderAttrib.make(shader, priority)
    attrib = attrib.setShaderInput("palier_flat", 0.0)
    return attrib.setFlag(ShaderAttrib.F_hardware_skinning, True)


def _skinned_format() -> GeomVertexFormat:
    arr = GeomVertexArrayFormat()
    arr.addColumn(InternalName.getVertex(), 3, Geom.NTFloat32, Geom.CPoint)
    arr.addColumn(InternalName.getNormal(), 3, Geom.NTFloat32, Geom.CNormal)
    arr.addColumn(InternalName.getColor(), 4, Geom.NTFloat32, Geom.CColor)
    arr.addColumn(InternalName.getTexcoord(), 2, Geom.NTFloat32, Geom.CTexcoord)
    blend = GeomVertexArrayFormat()
    blend.addColumn(InternalName.getTransformBlend(), 1, Geom.NTUint16, Geom.CIndex)
    fmt = GeomVertexFormat()
    fmt.addArray(arr)
    fmt.addArray(blend)
    spec = GeomVertexAnimationSpec()
    spec.setPanda()
    fmt.setAnimation(spec)
    return GeomVertexFormat.registerFormat(fmt)


def skinned_geom(parts: Sequence[GeomBuilder]) -> Geom:
    """One ``Geom`` from several builders, the vertices of ``parts[i]`` bound
    to bone ``i`` (each part modelled in its bone's own frame). The result
    has no bones yet: :func:`bind_bones` gives a copy its transforms."""
    if not parts or len(parts) > MAX_BONES:
        raise ProceduralError(f"skinned_geom: 1 to {MAX_BONES} parts, got {len(parts)}")
    verts, bones, index = _stack_parts(parts)
    count = len(verts)
    vdata = GeomVertexData("skinned", _skinned_format(), Geom.UHStatic)
    vdata.uncleanSetNumRows(count)
    memoryview(vdata.modifyArray(0)).cast("B")[:] = verts.tobytes()
    # The index array's rows are padded to 4 bytes: write them as such.
    padded = np.zeros((count, vdata.getFormat().getArray(1).getStride() // 2), dtype=np.uint16)
    padded[:, 0] = bones
    vdata.modifyArray(1).modifyHandle().copyDataFrom(padded.tobytes())
    return _indexed_geom(vdata, index)


def _stack_parts(parts: Sequence[GeomBuilder]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every part's vertex rows stacked, each row's part (bone) number, and
    the triangles' vertex indices into the stack."""
    verts, tris, bones = [], [], []
    count = 0
    for bone, part in enumerate(parts):
        if part.is_empty():
            continue
        data = np.vstack(part._verts)
        verts.append(data)
        tris.append(np.vstack(part._tris) + count)
        bones.append(np.full(len(data), bone, dtype=np.uint16))
        count += len(data)
    return np.vstack(verts), np.concatenate(bones), np.vstack(tris).astype(np.uint32)


def _indexed_geom(vdata: GeomVertexData, index: np.ndarray) -> Geom:
    prim = GeomTriangles(Geom.UHStatic)
    prim.setIndexType(Geom.NTUint32)
    handle = prim.modifyVertices()
    handle.uncleanSetNumRows(index.size)
    memoryview(handle).cast("B")[:] = index.tobytes()
    geom = Geom(vdata)
    geom.addPrimitive(prim)
    return geom


def bind_bones(
    template: Geom,
    bones: Sequence[Sequence[NodePath]],
    name: str,
    state: RenderState,
    radius: float,
    center: tuple[float, float, float] = (0.0, 0.0, 0.0),
) -> GeomNode:
    """A ``GeomNode`` drawing ``template`` (from :func:`skinned_geom`) with
    bone ``i`` following the chain of nodes ``bones[i]`` (outermost first,
    each a child of the one before; the first a child of the node this
    ``GeomNode`` is put under). The vertex arrays are shared with the
    template; only the table of transforms is this node's own. Its bounds
    are a sphere of ``radius`` round ``center``: the rest vertices, each in
    its own bone's frame, say nothing of where the limbs are drawn."""
    table = TransformBlendTable()
    for chain in bones:
        transform: NodeVertexTransform | None = None
        for link in chain:
            transform = (
                NodeVertexTransform(link.node())
                if transform is None
                else NodeVertexTransform(link.node(), transform)
            )
        if transform is None:
            raise ProceduralError("bind_bones: a bone needs at least one node")
        table.addBlend(TransformBlend(transform, 1.0))
    vdata = GeomVertexData(template.getVertexData())
    table.setRows(SparseArray.lowerOn(vdata.getNumRows()))
    vdata.setTransformBlendTable(table)
    geom = template.makeCopy()
    geom.setVertexData(vdata)
    return _bounded_node(geom, name, state, radius, center)


def _bounded_node(
    geom: Geom,
    name: str,
    state: RenderState,
    radius: float,
    center: tuple[float, float, float],
) -> GeomNode:
    """A final ``GeomNode`` of one skinned ``geom`` whose bounds (its own and
    the node's) are a sphere of ``radius`` round ``center``: its rest
    vertices say nothing of where the bones draw it."""
    sphere = BoundingSphere(Point3(*center), radius)
    geom.setBounds(sphere)
    node = GeomNode(name)
    node.addGeom(geom, state)
    node.setBounds(sphere)
    node.setFinal(True)
    return node


# -- palette skinning: bone matrices written from numpy ----------------------------------------
_PALETTE_VERT = (
    _SKINNED_VERT.replace("uniform mat4 p3d_TransformTable[MAX_BONES];", "@BONES@")
    .replace("in uvec4 transform_index;", "in float palier_bone;")
    .replace(
        "mat4 bone = p3d_TransformTable[transform_index.x];",
        "mat4 bone = palier_bone_matrix(int(palier_bone + 0.5));",
    )
)
PALETTE_BONE = InternalName.make("palier_bone")
PALETTE_BONES_GLSL = """
uniform mat4 palier_bones[MAX_BONES];
mat4 palier_bone_matrix(int bone) { return palier_bones[bone]; }
"""
"""Where :func:`palette_lit_shader` takes each vertex's bone matrix by
default: a :class:`BonePalette` the caller fills with numpy."""


def palette_lit_shader(priority: int = 0, bones_glsl: str = PALETTE_BONES_GLSL) -> ShaderAttrib:
    """:func:`skinned_lit_shader` for a :func:`palette_geom`: the bones'
    matrices come from ``bones_glsl``, GLSL defining ``mat4
    palier_bone_matrix(int bone)`` (a Panda-convention matrix: its rows are
    the GLSL matrix's columns). By default that reads a :class:`BonePalette` the caller fills
    with numpy, not nodes; a rig whose pose is a few numbers can instead
    solve it per vertex on the GPU from a few uniforms (the spiders' legs:
    ``scenes/spiders/model.py``), so the CPU writes those numbers only."""
    vertex = (_PALETTE_VERT % MAX_BONES).replace("@BONES@", bones_glsl)
    shader = Shader.make(Shader.SL_GLSL, vertex, _flat_capable_frag())
    attrib: ShaderAttrib = ShaderAttrib.make(shader, priority)
    return attrib.setShaderInput("palier_flat", 0.0)


@functools.cache
def _palette_format() -> GeomVertexFormat:
    arr = GeomVertexArrayFormat()
    arr.addColumn(InternalName.getVertex(), 3, Geom.NTFloat32, Geom.CPoint)
    arr.addColumn(InternalName.getNormal(), 3, Geom.NTFloat32, Geom.CNormal)
    arr.addColumn(InternalName.getColor(), 4, Geom.NTFloat32, Geom.CColor)
    arr.addColumn(InternalName.getTexcoord(), 2, Geom.NTFloat32, Geom.CTexcoord)
    arr.addColumn(PALETTE_BONE, 1, Geom.NTFloat32, Geom.COther)
    return GeomVertexFormat.registerFormat(arr)


def palette_geom(parts: Sequence[GeomBuilder]) -> Geom:
    """One static ``Geom`` from several builders, the vertices of
    ``parts[i]`` bound to palette bone ``i`` (each part modelled in its
    bone's own frame); draw it with :func:`palette_lit_shader` and a
    :class:`BonePalette`."""
    if not parts or len(parts) > MAX_BONES:
        raise ProceduralError(f"palette_geom: 1 to {MAX_BONES} parts, got {len(parts)}")
    verts, bones, index = _stack_parts(parts)
    rows = np.hstack([verts, bones[:, None].astype(verts.dtype)]).astype(np.float32)
    vdata = GeomVertexData("palette", _palette_format(), Geom.UHStatic)
    vdata.uncleanSetNumRows(len(rows))
    memoryview(vdata.modifyArray(0)).cast("B")[:] = rows.tobytes()
    return _indexed_geom(vdata, index)


def palette_node(
    template: Geom,
    name: str,
    state: RenderState,
    radius: float,
    center: tuple[float, float, float] = (0.0, 0.0, 0.0),
) -> GeomNode:
    """A ``GeomNode`` drawing ``template`` (from :func:`palette_geom`,
    shared, not copied) with whatever bones its shader gives it. Its bounds
    are a sphere of ``radius`` round ``center``: the rest vertices say
    nothing of where the bones put them."""
    return _bounded_node(template.makeCopy(), name, state, radius, center)


class BonePalette:
    """The bone matrices of one palette-skinned node, as a live shader input.

    ``matrices`` is a ``(count, 4, 4)`` float32 numpy view of the shader
    input's own memory: write Panda-convention matrices into it (row
    vectors, translation in the last row: what ``NodePath.getMat`` returns,
    relative to the node the mesh is under) and the next frame draws them;
    no call into Panda per bone."""

    def __init__(self, count: int) -> None:
        if not 1 <= count <= MAX_BONES:
            raise ProceduralError(f"BonePalette: 1 to {MAX_BONES} bones, got {count}")
        self.pta = PTA_LMatrix4f.emptyArray(MAX_BONES)
        self.matrices: np.ndarray = np.asarray(memoryview(self.pta))[:count]
        self.matrices[:] = np.eye(4, dtype=np.float32)

    def bind(self, path: NodePath, priority: int = 0) -> None:
        """Hand the palette to whatever ``path`` draws (and its instances)."""
        path.setShaderInput("palier_bones", self.pta, priority=priority)


SKY_DOME_VERT = """
#version 130
uniform mat4 p3d_ModelViewProjectionMatrix;
in vec4 p3d_Vertex;
out vec3 v_dir;
void main() {
    gl_Position = p3d_ModelViewProjectionMatrix * p3d_Vertex;
    v_dir = p3d_Vertex.xyz;
}
"""
"""The vertex shader of a sky dome: passes the direction from the eye (the
dome is drawn centred on the camera), for a fragment shader to colour."""


def lit_shader() -> Shader:
    """Per-pixel Blinn-Phong lighting from Panda's own light and material
    inputs (up to four lights plus ambient), modulating texture 0 and the
    vertex colour. Panda's automatic shader generator emits Cg, which Mesa's
    EGL drivers cannot compile; this GLSL runs everywhere Panda runs."""
    return Shader.make(Shader.SL_GLSL, _LIT_VERT, _LIT_FRAG)
