"""Draw everything once, unseen, before any frame shows it.

The first frame that draws a texture, a shader, a vertex buffer or a new
combination of render states pays for it: the driver uploads or compiles
there and then (seconds on a software renderer, a visible hitch on a GPU; in
a headset, a frozen world). ``WarmUp`` pays that cost at load time instead:
it draws the whole scene graph, hidden and stashed parts included (the safe
place waiting for a pause, spiders beyond the current count, the SUDS panel,
the fade card), with a camera that culls nothing, into small offscreen buffers
that no one sees, one per kind of framebuffer the engine draws into (the
headset or window view; the mirror's buffer registers its own).

Nothing the patient or the therapist sees changes: while the warm-up renders,
every other output (the window or headset view, the mirror) is inactive, and
the parts that were hidden or stashed are put back exactly as they were.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from panda3d.core import (
    BitMask32,
    Camera,
    FrameBufferProperties,
    GraphicsOutput,
    GraphicsPipe,
    NodePath,
    OmniBoundingVolume,
    WindowProperties,
)

log = logging.getLogger(__name__)

WARM_SIZE = (256, 144)
"""Warm-up buffer size. What is compiled or uploaded does not depend on it,
but 64x36 buffers were seen to break the next engine's EGL display on Mesa
(blank captures in the test suite after an engine closed); cause not known."""


@dataclass(slots=True)
class _Saved:
    path: NodePath
    control: BitMask32
    show: BitMask32
    stashed: bool


class WarmUp:
    """Owns the warm-up camera and buffers of one engine window."""

    def __init__(self, base: Any, lens_parent: NodePath) -> None:
        self.base = base
        self._gsg = base.win.getGsg()
        node = Camera("palier-warm-up", base.camLens)
        # Cull nothing: a spider above the head or the safe place behind the
        # patient must be drawn too.
        node.setCullBounds(OmniBoundingVolume())
        self.camera = lens_parent.attachNewNode(node)
        self._buffers: list[GraphicsOutput] = []
        self.add_target(base.win.getFbProperties())

    def add_target(self, fb_props: FrameBufferProperties) -> GraphicsOutput | None:
        """Warm into a buffer like this one too (the mirror's, for example);
        returns the buffer for ``remove_target`` (None if the driver refused)."""
        engine = self.base.graphicsEngine
        props = FrameBufferProperties(fb_props)
        buf = engine.makeOutput(
            self.base.pipe,
            f"palier-warm-up-{len(self._buffers)}",
            -100,
            props,
            WindowProperties.size(*WARM_SIZE),
            GraphicsPipe.BFRefuseWindow,
            self._gsg,
            self.base.win,
        )
        if buf is None:
            log.warning("warm-up: no offscreen buffer with %s; first draws may stall", props)
            return None
        buf.setClearColor(self.base.win.getClearColor())
        region = buf.makeDisplayRegion()
        region.setCamera(self.camera)
        buf.setActive(False)
        self._buffers.append(buf)
        return buf

    def remove_target(self, buf: GraphicsOutput | None) -> None:
        if buf is not None and buf in self._buffers:
            self._buffers.remove(buf)
            self.base.graphicsEngine.removeWindow(buf)

    def run(self, root: NodePath) -> None:
        """Draw everything under ``root`` once into every warm-up buffer."""
        root.prepareScene(self._gsg)
        saved = self._reveal(root)
        outputs = [
            self.base.graphicsEngine.getWindow(i)
            for i in range(self.base.graphicsEngine.getNumWindows())
        ]
        active = [(out, out.isActive()) for out in outputs]
        try:
            for out, _ in active:
                out.setActive(out in self._buffers)
            self.base.graphicsEngine.renderFrame()
        finally:
            for out, was in active:
                out.setActive(was)
            self._restore(saved)

    def close(self) -> None:
        for buf in self._buffers:
            self.base.graphicsEngine.removeWindow(buf)
        self._buffers.clear()
        self.camera.removeNode()

    # -- visibility ---------------------------------------------------------------
    @staticmethod
    def _reveal(root: NodePath) -> list[_Saved]:
        """Make every node under ``root`` drawn (the other outputs do not
        render during the warm-up); return what to put back."""
        saved: list[_Saved] = []
        # Stashed nodes first, repeatedly: unstashing one reveals its children.
        while True:
            stashed = [p for p in [root, *root.findAllMatches("**/@@*")] if p.isStashed()]
            if not stashed:
                break
            for path in stashed:
                node = path.node()
                saved.append(_Saved(path, node.getDrawControlMask(), node.getDrawShowMask(), True))
                path.unstash()
        for path in root.findAllMatches("**"):
            node = path.node()
            control, show = node.getDrawControlMask(), node.getDrawShowMask()
            if (control & ~show).isZero():
                continue  # not hidden from any camera
            saved.append(_Saved(path, control, show, False))
            path.showThrough()  # to every camera: only the warm-up buffers render now
        return saved

    @staticmethod
    def _restore(saved: list[_Saved]) -> None:
        for s in reversed(saved):
            if s.stashed:
                s.path.stash()
            else:
                s.path.node().adjustDrawMask(s.control & s.show, s.control & ~s.show, ~s.control)
