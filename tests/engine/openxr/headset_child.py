"""The engine in a headset, run by ``test_headset.py`` in a child process
(a crash or a hang at exit shows as the child's exit status, not as a dead
test runner). Prints one line ``RESULT {json}`` with what it measured."""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np
from panda3d.core import CardMaker, LPoint2f, NodePath, PNMImage, StringStream

from palier.engine.app import Engine, EngineConfig
from palier.engine.mirror import MirrorStreamer
from palier.engine.openxr.backend import OpenXRBackend
from palier.engine.openxr.poses import heading_of


def marker(parent: NodePath, pos: tuple[float, float, float], size: float) -> NodePath:
    """A pure green square facing the viewer, drawn over everything."""
    cm = CardMaker("marker")
    cm.setFrame(-size / 2, size / 2, -size / 2, size / 2)
    node = parent.attachNewNode(cm.generate())
    node.setPos(*pos)
    node.setColor(0, 1, 0, 1)
    node.setLightOff(1)
    node.setShaderOff(1)
    node.setTextureOff(1)
    node.setDepthTest(False)
    node.setDepthWrite(False)
    node.setBin("fixed", 2000)
    node.setTwoSided(True)
    return node


def centroid(image: np.ndarray) -> tuple[float, float, int]:
    """Centre (x, y in pixels, top row first) and size of the green marker."""
    green = (image[..., 1] > 170) & (image[..., 0] < 100) & (image[..., 2] < 100)
    ys, xs = np.nonzero(green)
    if xs.size == 0:
        return (-1.0, -1.0, 0)
    return (float(xs.mean()) + 0.5, float(ys.mean()) + 0.5, int(xs.size))


def expected(
    backend: OpenXRBackend, node: NodePath, eye: int, size: tuple[int, int]
) -> list[float]:
    """Where the eye camera's own lens puts the marker's centre, in pixels."""
    camera = backend.eye_cameras[eye]
    point = camera.getRelativePoint(node.getParent(), node.getPos())
    film = LPoint2f()
    camera.node().getLens().project(point, film)
    w, h = size
    return [(film.x + 1) / 2 * w, (1 - film.y) / 2 * h]


def capture(engine: Engine, backend: OpenXRBackend, node: NodePath) -> dict[str, Any]:
    eyes = backend.capture_eyes(engine)
    out: dict[str, Any] = {"eyes": []}
    for i, image in enumerate(eyes):
        h, w, _ = image.shape
        out["eyes"].append(
            {
                "size": [w, h],
                "measured": centroid(image),
                "expected": expected(backend, node, i, (w, h)),
                "mean": float(image[..., :3].mean()),
            }
        )
    out["head_heading"] = heading_of(tuple(engine.head.getNetTransform().getQuat()))
    out["difference"] = float(np.abs(eyes[0].astype(int) - eyes[1].astype(int)).mean())
    return out


def main() -> None:
    result: dict[str, Any] = {}
    engine = Engine(EngineConfig(backend="openxr", scene="spiders"))
    backend = engine.backend
    assert isinstance(backend, OpenXRBackend)
    runtime = backend.runtime
    assert runtime is not None
    result["runtime"] = runtime.runtime_name
    result["system"] = runtime.system_name
    result["format"] = runtime.swapchain_format.name if runtime.swapchain_format else None
    result["space"] = runtime.app_space_kind
    try:
        for _ in range(300):
            backend.between_frames(engine)
            engine.step()
            if runtime.lifecycle.focused:
                break
        # Stereo: a marker 0.5 m ahead of the eyes, head-locked.
        near = marker(engine.head, (0.0, 0.5, 0.0), 0.05)
        result["parallax"] = capture(engine, backend, near)
        near.removeNode()
        # Turning the head: a marker fixed in the world, 1.5 m ahead of where the head looks now.
        head = engine.head
        ahead = engine.base.render.getRelativeVector(head, (0, 1.5, 0))
        world = marker(engine.base.render, tuple(head.getPos(engine.base.render) + ahead), 0.12)
        before = capture(engine, backend, world)
        result["turn_before"] = before
        # Until the head has turned 12° or more (Monado's SIMULATED_ROTATE: 14°/s).
        start = float(before["head_heading"])
        for _ in range(400):
            backend.between_frames(engine)
            engine.step()
            now = heading_of(tuple(engine.head.getNetTransform().getQuat()))
            if abs((now - start + 180) % 360 - 180) >= 12:
                break
        result["turn_after"] = capture(engine, backend, world)
        world.removeNode()
        # The mirror: a scaled copy of the left eye.
        jpegs: list[bytes] = []
        mirror = MirrorStreamer(engine, fps=15.0, size=(320, 180))
        mirror.on_frame = lambda jpeg, _f, _t: jpegs.append(jpeg)
        deadline = time.monotonic() + 30
        while not jpegs and time.monotonic() < deadline:
            backend.between_frames(engine)
            engine.step()
        left = backend.capture_eyes(engine)[0]
        mirror.close()
        if jpegs:
            image = PNMImage()
            image.read(StringStream(jpegs[0]), "mirror.jpg")
            pixels = np.array(
                [
                    [image.getXel(x, y) for x in range(image.getXSize())]
                    for y in range(image.getYSize())
                ]
            )
            result["mirror"] = {
                "size": [image.getXSize(), image.getYSize()],
                "mean": float(pixels.mean() * 255),
                "left_eye_mean": float(left[..., :3].mean()),
            }
        stats = backend.runtime_frame_stats()
        result["stats"] = (
            None
            if stats is None
            else {
                "period_ms": stats.predicted_display_period_ms,
                "late": stats.frames_late,
                "dropped": stats.frames_dropped,
            }
        )
        result["frames"] = engine.frame
    finally:
        engine.close()
    result["states"] = [s.name for s in runtime.lifecycle.history]
    result["ending"] = runtime.lifecycle.ending.name if runtime.lifecycle.ending else None
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
