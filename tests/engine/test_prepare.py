"""Scenes prepared at engine start (``EngineConfig.prepare_scenes``)."""

from __future__ import annotations

import pytest

from palier.engine.app import Engine
from palier.scenes import people, registry

pytestmark = pytest.mark.offscreen_engine(scene="spiders", size=(160, 90), prepare_scenes=True)


def test_prepared_scenes_are_built_once_at_start_and_leave_nothing_behind(engine: Engine) -> None:
    others = set(registry.scene_ids()) - {"spiders", registry.SAFE_PLACE_ID}
    assert set(engine.prepared) == others
    # Only the start scene and the waiting safe place remain in the graph.
    parent = engine.scene_parent
    names = sorted(c.getName() for c in [*parent.getChildren(), *parent.getStashedChildren()])
    assert names == [f"scene-{registry.SAFE_PLACE_ID}", "scene-spiders"]
    # A prepared scene's people are reused when it is loaded: no new mesh.
    meshes = people.cached_meshes()
    for scene_id in sorted(others):
        engine.load_scene(scene_id)
    assert people.cached_meshes() == meshes
