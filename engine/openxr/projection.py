"""Projection matrices from OpenXR fields of view, in Panda3D's conventions.

An OpenXR view's field of view is four angles (radians) from the view axis:
``angle_left`` and ``angle_down`` are usually negative, and the frustum is
usually asymmetric (each eye sees more to its outer side). Panda3D's
``MatrixLens`` takes the projection as a user matrix from the lens's own
coordinate system (Z up, +Y forward, +X right) to OpenGL clip space (x, y
and depth in -1..1, w = distance along the view axis), written for row
vectors (``point * matrix``), the way Panda3D's ``LMatrix4`` is used.

For a point (x, y, z) seen from the lens (y: distance ahead):

* clip x = 2x / (tR - tL) - y (tR + tL) / (tR - tL)
* clip y = 2z / (tU - tD) - y (tU + tD) / (tU - tD)
* clip depth = y (f + n) / (f - n) - 2fn / (f - n)
* clip w = y

with tL = tan(angle_left) and so on: a point on the frustum's right edge
(x = tR y) lands on clip x/w = 1, on the near plane at depth/w = -1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Matrix4 = tuple[
    tuple[float, float, float, float],
    tuple[float, float, float, float],
    tuple[float, float, float, float],
    tuple[float, float, float, float],
]
"""Four rows of four numbers, for row vectors (Panda3D's ``LMatrix4`` order)."""


class ProjectionError(ValueError):
    """A field of view or depth range that makes no frustum."""


@dataclass(frozen=True, slots=True)
class Fov:
    """An OpenXR field of view (``XrFovf``), angles in radians."""

    angle_left: float
    angle_right: float
    angle_up: float
    angle_down: float

    @classmethod
    def symmetric(cls, horizontal_deg: float, vertical_deg: float) -> Fov:
        h, v = math.radians(horizontal_deg) / 2, math.radians(vertical_deg) / 2
        return cls(-h, h, v, -v)


def projection_matrix(fov: Fov, near: float, far: float) -> Matrix4:
    """The ``MatrixLens`` user matrix for ``fov`` between ``near`` and ``far`` metres."""
    angles = (fov.angle_left, fov.angle_right, fov.angle_up, fov.angle_down)
    if not all(math.isfinite(a) and abs(a) < math.pi / 2 for a in angles):
        raise ProjectionError(f"field of view angles must be within ±90°, got {fov}")
    if not (math.isfinite(near) and math.isfinite(far) and 0 < near < far):
        raise ProjectionError(f"need 0 < near < far, got near={near} far={far}")
    t_left, t_right = math.tan(fov.angle_left), math.tan(fov.angle_right)
    t_up, t_down = math.tan(fov.angle_up), math.tan(fov.angle_down)
    width, height = t_right - t_left, t_up - t_down
    if width <= 0 or height <= 0:
        raise ProjectionError(f"the field of view is empty or inverted: {fov}")
    depth = far - near
    return (
        (2.0 / width, 0.0, 0.0, 0.0),
        (
            -(t_right + t_left) / width,
            -(t_up + t_down) / height,
            (far + near) / depth,
            1.0,
        ),
        (0.0, 2.0 / height, 0.0, 0.0),
        (0.0, 0.0, -2.0 * far * near / depth, 0.0),
    )


def project(matrix: Matrix4, point: tuple[float, float, float]) -> tuple[float, float, float]:
    """Normalised device coordinates of ``point`` (x, y, depth, each -1..1 inside)."""
    x, y, z = point
    row = (x, y, z, 1.0)
    clip = [sum(row[i] * matrix[i][j] for i in range(4)) for j in range(4)]
    if clip[3] <= 0:
        raise ProjectionError(f"{point} is behind the eye")
    return clip[0] / clip[3], clip[1] / clip[3], clip[2] / clip[3]


def aspect(fov: Fov) -> float:
    """Width over height of the image this field of view fills with square pixels."""
    width = math.tan(fov.angle_right) - math.tan(fov.angle_left)
    height = math.tan(fov.angle_up) - math.tan(fov.angle_down)
    return width / height
