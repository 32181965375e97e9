"""What the GPU is asked to draw from one camera: draw calls and triangles.

Panda's own per-frame counters (the PStats collectors for primitives and
triangles) only count while a PStats server is connected, so the budget
counts the way the cull traversal decides: from ``render`` down, a node is
skipped if it is stashed (not a child any more), hidden from this camera
(its draw mask) or outside the camera's frustum (its bounding volume against
the lens's); in a ``GeomNode``, each ``Geom`` is tested by its own bounds too,
as Panda culls the geoms of a multi-geom node one by one. Every instance of a
node counts once per path (a spider's model under its cast shadow is drawn
twice). A Geom's primitives are one draw call each; triangles are their
faces (strips and fans decomposed; lines and points draw no triangles).

The count is deterministic for a given scene state and view, so a test can
hold every scene to the budget without timing luck.
"""

from __future__ import annotations

from dataclasses import dataclass

from panda3d.core import (
    BitMask32,
    BoundingVolume,
    Camera,
    GeomNode,
    GeomPrimitive,
    GeomTriangles,
    GeomTrifans,
    GeomTristrips,
    NodePath,
)

MAX_DRAW_CALLS = 500
MAX_TRIANGLES = 500_000
"""The scene budget's countable part (issue 11): at the most intense setting,
in view of the patient's default camera."""


@dataclass(frozen=True, slots=True)
class DrawCounts:
    draw_calls: int
    triangles: int

    @property
    def within_budget(self) -> bool:
        return self.draw_calls <= MAX_DRAW_CALLS and self.triangles <= MAX_TRIANGLES


_TRIANGLE_TYPES = (GeomTriangles, GeomTristrips, GeomTrifans)


def _triangles(prim: GeomPrimitive) -> int:
    if isinstance(prim, GeomTriangles):
        return int(prim.getNumPrimitives())
    if isinstance(prim, _TRIANGLE_TYPES):
        return int(prim.decompose().getNumPrimitives())
    return 0


def count_in_view(camera: NodePath, root: NodePath) -> DrawCounts:
    """Draw calls and triangles under ``root`` that ``camera`` draws."""
    cam_node = camera.node()
    if not isinstance(cam_node, Camera):
        raise TypeError(f"{camera} is not a camera")
    lens = cam_node.getLens()
    frustum = lens.makeBounds()
    mask = cam_node.getCameraMask()
    calls = 0
    tris = 0

    def visible(volume: BoundingVolume, path: NodePath) -> bool:
        if volume.isInfinite():
            return True
        if volume.isEmpty():
            return False
        local = volume.makeCopy()
        local.xform(path.getMat(camera))
        return bool(frustum.contains(local) != BoundingVolume.IF_no_intersection)

    stack = [root]
    while stack:
        path = stack.pop()
        node = path.node()
        hidden = node.getDrawControlMask() & ~node.getDrawShowMask() & mask
        if hidden != BitMask32.allOff() or node.isOverallHidden():
            continue
        if not visible(node.getBounds(), path):
            continue
        if isinstance(node, GeomNode):
            for i in range(node.getNumGeoms()):
                geom = node.getGeom(i)
                if node.getNumGeoms() > 1 and not visible(geom.getBounds(), path):
                    continue
                for p in range(geom.getNumPrimitives()):
                    prim = geom.getPrimitive(p)
                    if prim.getNumVertices() == 0:
                        continue
                    calls += 1
                    tris += _triangles(prim)
        stack.extend(path.getChildren())
    return DrawCounts(calls, tris)
