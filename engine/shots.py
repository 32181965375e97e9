"""Offscreen pictures of scenes: ``palier scenes shot`` and the README gallery."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from panda3d.core import Point3

from palier.engine.app import Engine, EngineConfig
from palier.scenes.api import ParamValue


def aim_head(engine: Engine, point: tuple[float, float, float] | None) -> None:
    """Turn the head toward ``point`` (world coordinates), keeping it level."""
    if point is None:
        engine.head.setHpr(0, -12, 0)
        return
    engine.head.lookAt(Point3(*point))
    engine.head.setR(0)


def render_shot(
    scene_id: str,
    params: Mapping[str, ParamValue],
    events: Iterable[str],
    size: tuple[int, int],
    seconds: float,
    out: str | os.PathLike[str],
    *,
    language: str = "en",
    gaze: str = "scene",
    fov_deg: float | None = None,
) -> Path:
    """Render one frame of ``scene_id`` after ``seconds`` and write it as a
    PNG. ``fov_deg`` narrows the horizontal field of view (default: the
    engine's, like the headset) to see a distant subject as a patient
    looking straight at it would."""
    config = EngineConfig(
        backend="offscreen", scene=scene_id, params=dict(params), size=size, language=language
    )
    if fov_deg is not None:
        config.fov_deg = fov_deg
    engine = Engine(config)
    try:
        assert engine.scene is not None
        for name in events:
            engine.fire(name)
        engine.simulate(seconds)
        if gaze == "scene":
            aim_head(engine, engine.scene.focus_point())
        else:
            aim_head(engine, None)
        engine.render_frame()
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        engine.save_png(str(path))
        return path
    finally:
        engine.close()
