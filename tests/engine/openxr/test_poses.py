"""OpenXR poses (right-handed, Y up, -Z forward) in Panda3D's axes (Z up,
+Y forward): known poses, Panda3D's own conversion as a cross-check, the
eye-relative-to-head and recenter arithmetic."""

from __future__ import annotations

import math

import pytest
from panda3d.core import CS_yup_right, CS_zup_right, LMatrix4f, LPoint3f, LQuaternionf

from palier.engine.openxr.poses import (
    IDENTITY,
    Pose,
    about_z,
    heading_of,
    panda_to_xr,
    recenter_offset,
    rotate,
    xr_to_panda,
    xr_to_panda_position,
)


def xr_about(axis: tuple[float, float, float], degrees: float) -> tuple[float, float, float, float]:
    """An OpenXR orientation (w, x, y, z): ``degrees`` about ``axis`` (right-hand rule)."""
    half = math.radians(degrees) / 2
    return (math.cos(half), *(c * math.sin(half) for c in axis))  # type: ignore[return-value]


def hpr(pose: Pose) -> tuple[float, float, float]:
    v = LQuaternionf(*pose.orientation).getHpr()
    return (v[0], v[1], v[2])


def test_identity_looks_ahead() -> None:
    pose = xr_to_panda((0.0, 0.0, 0.0), (1.0, 0.0, 0.0, 0.0))
    assert pose.orientation == pytest.approx(IDENTITY)
    assert rotate(pose.orientation, (0.0, 1.0, 0.0)) == pytest.approx((0.0, 1.0, 0.0))


def test_positions_y_up_becomes_z_up_and_minus_z_becomes_forward() -> None:
    # 1.6 m up and 2 m ahead of the OpenXR origin (ahead is -Z there).
    assert xr_to_panda_position((0.0, 1.6, -2.0)) == pytest.approx((0.0, 2.0, 1.6))
    assert xr_to_panda_position((0.5, 0.0, 0.0)) == pytest.approx((0.5, 0.0, 0.0))


def test_positions_match_panda3d_own_coordinate_conversion() -> None:
    convert = LMatrix4f.convertMat(CS_yup_right, CS_zup_right)
    for p in [(0.3, 1.7, -0.4), (-2.0, 0.1, 3.0)]:
        theirs = convert.xformPoint(LPoint3f(*p))
        assert xr_to_panda_position(p) == pytest.approx((theirs.x, theirs.y, theirs.z), abs=1e-6)


def test_turning_the_head_left_is_a_positive_heading() -> None:
    # OpenXR: +90° about +Y turns the face from -Z to -X (to the left).
    pose = xr_to_panda((0, 0, 0), xr_about((0, 1, 0), 90))
    assert heading_of(pose.orientation) == pytest.approx(90.0)
    assert rotate(pose.orientation, (0.0, 1.0, 0.0)) == pytest.approx((-1.0, 0.0, 0.0), abs=1e-9)
    assert hpr(pose) == pytest.approx((90.0, 0.0, 0.0), abs=1e-4)


def test_looking_up_is_a_positive_pitch() -> None:
    pose = xr_to_panda((0, 0, 0), xr_about((1, 0, 0), 30))
    assert rotate(pose.orientation, (0.0, 1.0, 0.0)) == pytest.approx(
        (0.0, math.cos(math.radians(30)), math.sin(math.radians(30)))
    )
    assert hpr(pose) == pytest.approx((0.0, 30.0, 0.0), abs=1e-4)


def test_yaw_then_pitch_then_roll_read_back_as_panda3d_hpr() -> None:
    # OpenXR roll: about +Z, which points backwards out of the face; a
    # positive roll tips the head to the left, which is a negative Panda3D roll.
    from palier.engine.openxr.poses import multiply

    q = multiply(
        multiply(xr_about((0, 1, 0), 35), xr_about((1, 0, 0), -20)),
        xr_about((0, 0, 1), 10),
    )
    assert hpr(xr_to_panda((0, 0, 0), q)) == pytest.approx((35.0, -20.0, -10.0), abs=1e-3)


def test_round_trip_back_to_openxr() -> None:
    position, orientation = (0.2, 1.5, -0.7), xr_about((0.6, 0.8, 0.0), 40)
    back_p, back_q = panda_to_xr(xr_to_panda(position, orientation))
    assert back_p == pytest.approx(position)
    assert back_q == pytest.approx(orientation)


def test_an_eye_relative_to_the_head() -> None:
    # The head turned 90° left at (1, 2, 1.6); the left eye 32 mm to its left.
    head = Pose((1.0, 2.0, 1.6), about_z(90))
    left_eye = head.compose(Pose((-0.032, 0.0, 0.0)))
    # Turned left, the head's left is world -Y.
    assert left_eye.position == pytest.approx((1.0, 2.0 - 0.032, 1.6))
    local = left_eye.relative_to(head)
    assert local.position == pytest.approx((-0.032, 0.0, 0.0), abs=1e-12)
    assert local.orientation == pytest.approx(IDENTITY, abs=1e-12)
    assert head.compose(head.inverse()).position == pytest.approx((0.0, 0.0, 0.0), abs=1e-12)


def test_heading_when_looking_straight_up_or_down() -> None:
    up = xr_to_panda((0, 0, 0), xr_about((0, 1, 0), 60)).orientation
    from palier.engine.openxr.poses import multiply

    look_up = multiply(up, xr_to_panda((0, 0, 0), xr_about((1, 0, 0), 90)).orientation)
    look_down = multiply(up, xr_to_panda((0, 0, 0), xr_about((1, 0, 0), -90)).orientation)
    assert heading_of(look_up) == pytest.approx(60.0, abs=1e-6)
    assert heading_of(look_down) == pytest.approx(60.0, abs=1e-6)


@pytest.mark.parametrize("facing", [0.0, 90.0, -135.0])
@pytest.mark.parametrize(
    "head",
    [
        Pose((0.3, -0.2, 1.6), about_z(40)),
        Pose((-1.2, 2.5, 1.1), about_z(-170)),
        Pose((0.0, 0.0, 0.05), xr_to_panda((0, 0, 0), xr_about((0.3, 0.9, 0.2), 70)).orientation),
    ],
)
def test_recenter_puts_the_head_over_the_origin_facing_the_scene(head: Pose, facing: float) -> None:
    offset = recenter_offset(head, facing, rig_z=0.25)
    rig = Pose(offset.position, about_z(offset.heading))
    in_world = rig.compose(head)
    assert in_world.position[:2] == pytest.approx((0.0, 0.0), abs=1e-9)
    assert in_world.position[2] == pytest.approx(head.position[2] + 0.25)
    turned = (heading_of(in_world.orientation) - facing + 180.0) % 360.0 - 180.0
    assert turned == pytest.approx(0.0, abs=1e-6)
    assert -180.0 <= offset.heading <= 180.0
