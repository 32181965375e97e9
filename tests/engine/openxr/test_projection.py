"""Projection matrices from OpenXR fields of view, against hand-computed
matrices and against Panda3D's own lenses (its conventions: Z up, +Y
forward, row vectors)."""

from __future__ import annotations

import math

import pytest
from panda3d.core import LMatrix4f, LPoint2f, LPoint3f, MatrixLens, PerspectiveLens

from palier.engine.openxr.projection import (
    Fov,
    ProjectionError,
    aspect,
    project,
    projection_matrix,
)


def close(a: object, b: object, tol: float = 1e-6) -> bool:
    fa = [v for row in a for v in row]  # type: ignore[attr-defined]
    fb = [v for row in b for v in row]  # type: ignore[attr-defined]
    return all(abs(x - y) <= tol for x, y in zip(fa, fb, strict=True))


def test_symmetric_ninety_degrees_by_hand() -> None:
    # tan(45°) = 1 each way; near 1, far 3: (f+n)/(f-n) = 2, -2fn/(f-n) = -3.
    m = projection_matrix(Fov.symmetric(90, 90), 1.0, 3.0)
    assert close(
        m,
        (
            (1.0, 0.0, 0.0, 0.0),
            (0.0, 0.0, 2.0, 1.0),
            (0.0, 1.0, 0.0, 0.0),
            (0.0, 0.0, -3.0, 0.0),
        ),
    )


def test_asymmetric_frustum_by_hand() -> None:
    # An eye that sees more to its outer (left) side and more downwards:
    # tan left = -1, tan right = 0.5, tan up = 0.5, tan down = -1.
    fov = Fov(-math.pi / 4, math.atan(0.5), math.atan(0.5), -math.pi / 4)
    m = projection_matrix(fov, 0.5, 10.0)
    # width = height = 1.5: 2/1.5 on the diagonal; -(0.5 - 1)/1.5 = 1/3 off-axis.
    assert close(
        m,
        (
            (4 / 3, 0.0, 0.0, 0.0),
            (1 / 3, 1 / 3, 10.5 / 9.5, 1.0),
            (0.0, 4 / 3, 0.0, 0.0),
            (0.0, 0.0, -10.0 / 9.5, 0.0),
        ),
    )


@pytest.mark.parametrize(
    "fov",
    [
        Fov.symmetric(90, 90),
        Fov(-0.9, 0.7, 0.8, -0.85),  # a typical left eye of a headset
        Fov(-0.7, 0.9, 0.8, -0.85),  # and its right eye
    ],
)
def test_frustum_edges_land_on_the_clip_edges(fov: Fov) -> None:
    near, far = 0.03, 500.0
    m = projection_matrix(fov, near, far)
    d = 2.0  # metres ahead (+Y in Panda3D)
    t = [math.tan(a) for a in (fov.angle_left, fov.angle_right, fov.angle_up, fov.angle_down)]
    assert project(m, (t[0] * d, d, 0.0))[0] == pytest.approx(-1.0)
    assert project(m, (t[1] * d, d, 0.0))[0] == pytest.approx(1.0)
    assert project(m, (0.0, d, t[2] * d))[1] == pytest.approx(1.0)
    assert project(m, (0.0, d, t[3] * d))[1] == pytest.approx(-1.0)
    assert project(m, (0.0, near, 0.0))[2] == pytest.approx(-1.0)
    assert project(m, (0.0, far, 0.0))[2] == pytest.approx(1.0, abs=1e-6)


def test_same_matrix_as_a_panda3d_perspective_lens() -> None:
    lens = PerspectiveLens()
    lens.setFov(90, 70)
    lens.setNearFar(0.03, 500.0)
    ours = projection_matrix(Fov.symmetric(90, 70), 0.03, 500.0)
    theirs = lens.getProjectionMat()
    assert close(ours, [[theirs.getCell(i, j) for j in range(4)] for i in range(4)], 1e-4)


def test_panda3d_matrix_lens_projects_as_computed() -> None:
    fov = Fov(-0.9, 0.7, 0.8, -0.85)
    m = projection_matrix(fov, 0.03, 500.0)
    lens = MatrixLens()
    lens.setUserMat(LMatrix4f(*[v for row in m for v in row]))
    for point in [(0.3, 2.0, -0.4), (-1.0, 1.5, 0.9), (0.0, 0.5, 0.0)]:
        film = LPoint2f()
        assert lens.project(LPoint3f(*point), film)
        x, y, _z = project(m, point)
        assert (film.x, film.y) == pytest.approx((x, y), abs=1e-5)


def test_aspect_of_a_field_of_view() -> None:
    assert aspect(Fov.symmetric(90, 90)) == pytest.approx(1.0)
    assert aspect(Fov(-math.pi / 4, math.pi / 4, math.atan(0.5), -math.atan(0.5))) == pytest.approx(
        2.0
    )


@pytest.mark.parametrize(
    ("fov", "near", "far"),
    [
        (Fov(0.5, -0.5, 0.5, -0.5), 0.1, 10.0),  # left and right swapped
        (Fov(-0.5, 0.5, -0.5, 0.5), 0.1, 10.0),  # up and down swapped
        (Fov(-1.6, 0.5, 0.5, -0.5), 0.1, 10.0),  # beyond 90°
        (Fov(-0.5, 0.5, 0.5, math.nan), 0.1, 10.0),
        (Fov.symmetric(90, 90), 0.0, 10.0),
        (Fov.symmetric(90, 90), 10.0, 1.0),
    ],
)
def test_impossible_frusta_are_refused(fov: Fov, near: float, far: float) -> None:
    with pytest.raises(ProjectionError):
        projection_matrix(fov, near, far)


def test_a_point_behind_the_eye_has_no_projection() -> None:
    with pytest.raises(ProjectionError, match="behind"):
        project(projection_matrix(Fov.symmetric(90, 90), 0.1, 10.0), (0.0, -1.0, 0.0))
