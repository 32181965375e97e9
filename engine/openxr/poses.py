"""Poses between OpenXR's coordinate system and Panda3D's, and what is built on them.

OpenXR: right-handed, +X right, +Y up, -Z forward (the user faces -Z).
Panda3D: right-handed, +X right, +Z up, +Y forward. The change of basis is a
proper rotation (a quarter turn about X), so positions map as
``(x, y, z) -> (x, -z, y)`` and a rotation quaternion ``(w, x, y, z)`` keeps
its angle and turns its axis the same way: ``(w, x, -z, y)``.

Quaternions are ``(w, x, y, z)`` tuples (Panda3D's ``LQuaternion(r, i, j, k)``
order). Headings are Panda3D's: degrees about +Z, 0 looks along +Y, positive
turns left.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Vec3 = tuple[float, float, float]
Quat = tuple[float, float, float, float]

IDENTITY: Quat = (1.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class Pose:
    """A position (metres) and an orientation (unit quaternion), in one frame."""

    position: Vec3 = (0.0, 0.0, 0.0)
    orientation: Quat = IDENTITY

    def compose(self, child: Pose) -> Pose:
        """``child`` given relative to this pose, expressed in this pose's parent frame."""
        moved = rotate(self.orientation, child.position)
        return Pose(
            (
                self.position[0] + moved[0],
                self.position[1] + moved[1],
                self.position[2] + moved[2],
            ),
            normalized(multiply(self.orientation, child.orientation)),
        )

    def inverse(self) -> Pose:
        inv = conjugate(self.orientation)
        back = rotate(inv, self.position)
        return Pose((-back[0], -back[1], -back[2]), inv)

    def relative_to(self, parent: Pose) -> Pose:
        """This pose seen from ``parent`` (both in the same frame)."""
        return parent.inverse().compose(self)


def xr_to_panda_position(p: Vec3) -> Vec3:
    x, y, z = p
    return (x, -z, y)


def xr_to_panda_orientation(q: Quat) -> Quat:
    w, x, y, z = q
    return normalized((w, x, -z, y))


def xr_to_panda(position: Vec3, orientation: Quat) -> Pose:
    """An OpenXR pose (``XrPosef``: position, orientation as w, x, y, z) in Panda3D's axes."""
    return Pose(xr_to_panda_position(position), xr_to_panda_orientation(orientation))


def panda_to_xr(pose: Pose) -> tuple[Vec3, Quat]:
    """The inverse of :func:`xr_to_panda`."""
    x, y, z = pose.position
    w, qx, qy, qz = pose.orientation
    return (x, z, -y), (w, qx, qz, -qy)


# -- quaternions -----------------------------------------------------------------------
def multiply(a: Quat, b: Quat) -> Quat:
    """The rotation ``b`` then ``a`` (Hamilton product ``a * b``)."""
    aw, ax, ay, az = a
    bw, bx, by, bz = b
    return (
        aw * bw - ax * bx - ay * by - az * bz,
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
    )


def conjugate(q: Quat) -> Quat:
    w, x, y, z = q
    return (w, -x, -y, -z)


def normalized(q: Quat) -> Quat:
    n = math.sqrt(sum(c * c for c in q))
    if n < 1e-12 or not math.isfinite(n):
        return IDENTITY
    return (q[0] / n, q[1] / n, q[2] / n, q[3] / n)


def rotate(q: Quat, v: Vec3) -> Vec3:
    """``v`` turned by the unit quaternion ``q``."""
    w, x, y, z = q
    vx, vy, vz = v
    # t = 2 (q.xyz x v); v' = v + w t + q.xyz x t
    tx = 2.0 * (y * vz - z * vy)
    ty = 2.0 * (z * vx - x * vz)
    tz = 2.0 * (x * vy - y * vx)
    return (
        vx + w * tx + (y * tz - z * ty),
        vy + w * ty + (z * tx - x * tz),
        vz + w * tz + (x * ty - y * tx),
    )


def about_z(heading_deg: float) -> Quat:
    """A turn of ``heading_deg`` about Panda3D's up axis."""
    half = math.radians(heading_deg) / 2
    return (math.cos(half), 0.0, 0.0, math.sin(half))


def heading_of(q: Quat) -> float:
    """The heading (degrees, -180..180) a Panda3D orientation looks towards.

    From the forward axis projected on the floor; looking straight up or
    down, from the top of the head instead (which then points the way the
    face turns)."""
    fx, fy, _fz = rotate(q, (0.0, 1.0, 0.0))
    if math.hypot(fx, fy) < 1e-6:
        ux, uy, _uz = rotate(q, (0.0, 0.0, 1.0))
        # Looking up, the top of the head points backwards; looking down, forwards.
        fx, fy = (-ux, -uy) if _fz > 0 else (ux, uy)
    return math.degrees(math.atan2(-fx, fy))


# -- recentering -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RigOffset:
    """Where to put the rig (the tracking space's origin) in the world:
    position in metres and heading in degrees."""

    position: Vec3 = (0.0, 0.0, 0.0)
    heading: float = 0.0


def recenter_offset(head: Pose, facing_deg: float = 0.0, rig_z: float = 0.0) -> RigOffset:
    """The rig placement that puts ``head`` (tracked, in the rig's frame)
    above the world origin, facing ``facing_deg``, the rig at height
    ``rig_z`` (0 for a tracking space whose origin is on the floor, so the
    head keeps its real height; for one whose origin is at the eyes, the
    seated eye height less the head's height in it)."""
    heading = facing_deg - heading_of(head.orientation)
    # Normalise to -180..180 so the result reads naturally.
    heading = (heading + 180.0) % 360.0 - 180.0
    hx, hy, _hz = rotate(about_z(heading), head.position)
    return RigOffset((-hx, -hy, rig_z), heading)
