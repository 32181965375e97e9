"""Many boxes and quads in one numpy pass: the city has thousands of them,
and one ``GeomBuilder.add_box`` call each would take seconds at load.

:class:`Batch` collects boxes and quads (plain lists of floats, cheap to
append) and writes them all into a ``GeomBuilder`` with one ``add_mesh``
call per kind. Boxes are axis-aligned; their UVs are either the untextured
marker or metres times ``uv_scale`` on each face, as ``add_box`` makes them.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from palier.scenes.procedural import UNTEXTURED_UV, GeomBuilder

Color = tuple[float, float, float, float]


def _box_template() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Corners (24, 3) of a unit box centred on the origin, their normals,
    the (u, v) axes each corner's UV is read from, and 12 triangles, wound
    counter-clockwise seen from outside (as ``GeomBuilder.add_box``)."""
    corners: list[np.ndarray] = []
    normals: list[np.ndarray] = []
    axes: list[tuple[int, int]] = []
    tris: list[list[int]] = []
    for axis in range(3):
        for sign in (-1.0, 1.0):
            u_ax, v_ax = [a for a in range(3) if a != axis]
            n = np.zeros(3)
            n[axis] = sign
            pts = []
            for du, dv in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
                p = np.zeros(3)
                p[axis] = sign * 0.5
                p[u_ax] = du * 0.5
                p[v_ax] = dv * 0.5
                pts.append(p)
            e1, e2 = pts[1] - pts[0], pts[2] - pts[0]
            base = len(corners)
            face = (
                [[0, 1, 2], [0, 2, 3]]
                if np.dot(np.cross(e1, e2), n) > 0
                else [[0, 2, 1], [0, 3, 2]]
            )
            tris.extend([[base + a, base + b, base + c] for a, b, c in face])
            corners.extend(pts)
            normals.extend([n] * 4)
            axes.extend([(u_ax, v_ax)] * 4)
    return np.array(corners), np.array(normals), np.array(axes), np.array(tris)


_CORNERS, _NORMALS, _AXES, _TRIS = _box_template()


class Batch:
    def __init__(self) -> None:
        self._boxes: list[tuple[float, ...]] = []
        self._quads: list[np.ndarray] = []
        self._quad_uvs: list[np.ndarray] = []
        self._quad_cols: list[Color] = []

    def box(
        self,
        center: tuple[float, float, float],
        size: tuple[float, float, float],
        color: Color = (1, 1, 1, 1),
    ) -> None:
        self._boxes.append((*center, *size, *color))

    def span(
        self, x0: float, x1: float, y0: float, y1: float, z0: float, z1: float, color: Color
    ) -> None:
        """A box from its extents."""
        self.box(((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2), (x1 - x0, y1 - y0, z1 - z0), color)

    def quad(
        self, corners: np.ndarray, uvs: np.ndarray | None = None, color: Color = (1, 1, 1, 1)
    ) -> None:
        """Four corners counter-clockwise seen from the front; no UVs: untextured."""
        self._quads.append(np.asarray(corners, dtype=np.float64).reshape(4, 3))
        self._quad_uvs.append(np.full((4, 2), UNTEXTURED_UV) if uvs is None else np.asarray(uvs))
        self._quad_cols.append(color)

    def is_empty(self) -> bool:
        return not self._boxes and not self._quads

    def emit(self, b: GeomBuilder, *, uv_scale: float | None = None) -> None:
        """Write everything into ``b``. ``uv_scale`` None: boxes untextured."""
        if self._boxes:
            data = np.array(self._boxes)
            n = len(data)
            centers, sizes, cols = data[:, 0:3], data[:, 3:6], data[:, 6:10]
            pts = centers[:, None, :] + _CORNERS[None, :, :] * sizes[:, None, :]
            pts = pts.reshape(-1, 3)
            nrm = np.tile(_NORMALS, (n, 1))
            if uv_scale is None:
                uv = np.full((n * 24, 2), UNTEXTURED_UV)
            else:
                axes = np.tile(_AXES, (n, 1))
                rows = np.arange(n * 24)
                uv = np.stack([pts[rows, axes[:, 0]], pts[rows, axes[:, 1]]], axis=1) * uv_scale
            tris = (_TRIS[None, :, :] + 24 * np.arange(n)[:, None, None]).reshape(-1, 3)
            b.add_mesh(pts, nrm, uv, tris, np.repeat(cols, 24, axis=0))
        if self._quads:
            q = np.stack(self._quads)
            n = len(q)
            nrm = np.cross(q[:, 1] - q[:, 0], q[:, 2] - q[:, 0])
            nrm = np.repeat(nrm, 4, axis=0)
            uv = np.concatenate(self._quad_uvs)
            tris = (
                np.array([[0, 1, 2], [0, 2, 3]])[None] + 4 * np.arange(n)[:, None, None]
            ).reshape(-1, 3)
            cols = np.repeat(np.array(self._quad_cols, dtype=np.float64), 4, axis=0)
            b.add_mesh(q.reshape(-1, 3), nrm, uv, tris, cols)


@lru_cache(maxsize=2)
def ellipsoid_template(
    rings: int = 6, segments: int = 8
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A unit sphere's points, normals and triangles (the grid
    ``GeomBuilder.add_ellipsoid`` makes), to instance with numpy."""
    theta = np.linspace(0.0, np.pi, rings + 1)
    phi = np.linspace(0.0, 2.0 * np.pi, segments + 1)
    th, ph = np.meshgrid(theta, phi, indexing="ij")
    x = -np.sin(th) * np.sin(ph)
    y = np.cos(th)
    z = -np.sin(th) * np.cos(ph)
    geom_pts = np.stack([x, y, z], axis=-1).reshape(-1, 3)
    cols = segments + 1
    r, c = np.meshgrid(np.arange(rings), np.arange(segments), indexing="ij")
    a = (r * cols + c).ravel()
    bb, d, e = a + 1, a + cols, a + cols + 1
    # Winding as GeomBuilder.add_grid makes it (normals from cross of the grid).
    tris = np.stack([a, e, bb, a, d, e], axis=1).reshape(-1, 3)
    return geom_pts, geom_pts.copy(), tris


def add_ellipsoids(
    b: GeomBuilder, centers: np.ndarray, radii: np.ndarray, colors: np.ndarray
) -> None:
    """Many ellipsoids (N centres, N x 3 radii, N colours) in one call."""
    pts0, nrm0, tris0 = ellipsoid_template()
    n = len(centers)
    k = len(pts0)
    pts = (centers[:, None, :] + pts0[None] * radii[:, None, :]).reshape(-1, 3)
    nrm = (nrm0[None] / radii[:, None, :]).reshape(-1, 3)
    tris = (tris0[None] + k * np.arange(n)[:, None, None]).reshape(-1, 3)
    uv = np.full((n * k, 2), UNTEXTURED_UV)
    b.add_mesh(pts, nrm, uv, tris, np.repeat(colors, k, axis=0))
