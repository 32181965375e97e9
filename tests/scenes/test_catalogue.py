"""Every registered scene, rendered for real offscreen.

For each scene: it builds, renders at its least and most intense settings
and after each of its events, the two extremes differ measurably, and
building and tearing it down repeatedly leaks nothing.
"""

from __future__ import annotations

import numpy as np
import pytest

from palier.engine.app import Engine
from palier.engine.shots import aim_head
from palier.scenes import registry
from palier.scenes.api import SceneDecl

SIZE = (320, 180)
SCENE_IDS = registry.scene_ids()


pytestmark = pytest.mark.offscreen_engine(scene=registry.SAFE_PLACE_ID, size=SIZE)


def frame_of(engine: Engine, scene_id: str, values: dict, seconds: float = 1.0) -> np.ndarray:
    engine.load_scene(scene_id, values)
    engine.simulate(seconds)
    assert engine.scene is not None
    aim_head(engine, engine.scene.focus_point())
    engine.render_frame()
    return engine.capture().astype(np.int16)


@pytest.mark.parametrize("scene_id", SCENE_IDS)
def test_least_and_most_intense_frames_differ(engine: Engine, scene_id: str) -> None:
    decl: SceneDecl = registry.declaration(scene_id)
    if decl.has_direction:
        least, most = decl.least_intense(), decl.most_intense()
    else:
        # A relaxation scene declares no intensity direction (its least and
        # most intense settings are its defaults): its parameters must still
        # change the picture, from one end of their ranges to the other.
        assert decl.least_intense() == decl.most_intense() == decl.defaults()
        least, most = decl.range_ends()
    low = frame_of(engine, scene_id, least)
    high = frame_of(engine, scene_id, most)
    assert low.shape == (SIZE[1], SIZE[0], 3)
    for img in (low, high):
        assert img.std() > 5, "a scene must not render as a flat colour"
    diff = np.abs(low - high).mean(axis=2)
    changed = float((diff > 24).mean())
    assert changed > 0.02, f"{scene_id}: only {changed:.1%} of pixels differ between extremes"


@pytest.mark.parametrize("scene_id", SCENE_IDS)
def test_each_event_renders_and_changes_the_picture(engine: Engine, scene_id: str) -> None:
    decl = registry.declaration(scene_id)
    for event in decl.events:
        before = frame_of(engine, scene_id, decl.most_intense(), seconds=0.5)
        assert engine.scene is not None
        engine.fire(event.name)
        assert event.name in engine.scene.active_events()
        frames = []
        for _ in range(4):
            engine.simulate(event.duration_s / 5)
            engine.render_frame()
            frames.append(engine.capture().astype(np.int16))
        assert max(float(np.abs(f - before).mean()) for f in frames) > 0.5, (
            f"{scene_id}: event {event.name!r} changed nothing visible"
        )


def _counts(engine: Engine) -> tuple[int, int, int, int, int]:
    from panda3d.core import TexturePool

    gsg = engine.base.win.getGsg()
    prepared = gsg.getPreparedObjects()
    return (
        engine.base.render.countNumDescendants(),
        len(TexturePool.findAllTextures("*")),
        prepared.getNumPreparedTextures() + prepared.getNumQueuedTextures(),
        len(engine.base.taskMgr.getAllTasks()),
        len(
            engine.base.sfxManagerList[0].getActiveSounds()
            if hasattr(engine.base.sfxManagerList[0], "getActiveSounds")
            else []
        ),
    )


@pytest.mark.parametrize("scene_id", SCENE_IDS)
def test_build_and_teardown_twenty_times_leaks_nothing(engine: Engine, scene_id: str) -> None:
    import gc

    decl = registry.declaration(scene_id)
    engine.load_scene(scene_id, decl.most_intense())
    engine.step()
    engine.load_scene(registry.SAFE_PLACE_ID)
    engine.step()
    gc.collect()
    baseline = _counts(engine)
    for _ in range(20):
        engine.load_scene(scene_id, decl.most_intense())
        engine.step()
        engine.load_scene(registry.SAFE_PLACE_ID)
        engine.step()
    gc.collect()
    engine.step()
    assert _counts(engine) == baseline
    from palier.scenes.base import Scene

    # The loaded scene, and the safe place the engine keeps built for a pause.
    kept = {id(engine.scene), id(engine._safe_place)}
    live = [o for o in gc.get_objects() if isinstance(o, Scene) and id(o) not in kept]
    assert not live, f"scene objects still alive: {live}"
    assert engine._safe_place is not None
