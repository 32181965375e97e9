"""The scene budget's countable part (issue 11), for every registered scene.

At its most intense setting, through each of its events, a scene may ask the
GPU for at most ``MAX_DRAW_CALLS`` draw calls and ``MAX_TRIANGLES`` triangles
in view of the patient's default camera. Counts are deterministic (a fixed
simulated step), so a scene that breaks the budget fails here, not by timing
luck; the timed parts of the budget are in ``bench/scene_budget.py``.
"""

from __future__ import annotations

import pytest

from palier.engine.app import Engine
from palier.engine.budget import MAX_DRAW_CALLS, MAX_TRIANGLES, DrawCounts, count_in_view
from palier.scenes import registry

pytestmark = pytest.mark.offscreen_engine(scene="spiders", size=(160, 90))


def _peak(engine: Engine, scene_id: str) -> DrawCounts:
    decl = registry.declaration(scene_id)
    engine.load_scene(scene_id, decl.most_intense())
    engine.step()
    samples = [count_in_view(engine.base.cam, engine.base.render)]
    for event in decl.events:
        engine.fire(event.name)
        for _ in range(max(1, round(event.duration_s / 0.5))):
            engine.simulate(0.5)  # the scene's state, without drawing every frame
            samples.append(count_in_view(engine.base.cam, engine.base.render))
    return DrawCounts(max(s.draw_calls for s in samples), max(s.triangles for s in samples))


@pytest.mark.parametrize("scene_id", registry.scene_ids())
def test_most_intense_setting_is_within_the_draw_budget(engine: Engine, scene_id: str) -> None:
    peak = _peak(engine, scene_id)
    assert peak.draw_calls <= MAX_DRAW_CALLS, f"{scene_id}: {peak}"
    assert peak.triangles <= MAX_TRIANGLES, f"{scene_id}: {peak}"
    assert peak.draw_calls > 0 and peak.triangles > 0, f"{scene_id} drew nothing: {peak}"


def test_the_count_is_what_the_camera_draws(engine: Engine) -> None:
    """Stashed scenes (the safe place waiting for a pause), hidden nodes and
    what is behind the camera are not counted; every spider shown is."""
    decl = registry.declaration("spiders")
    scene = engine.load_scene("spiders", {**decl.most_intense(), "location": "floor"})
    engine.step()
    ahead = count_in_view(engine.base.cam, engine.base.render)
    everything = count_in_view(engine.base.cam, scene.root)
    assert everything == ahead  # the prepared safe place is stashed: not drawn
    engine.head.setH(180.0)  # turn round: the spiders are behind
    try:
        behind = count_in_view(engine.base.cam, engine.base.render)
    finally:
        engine.head.setH(0.0)
    assert behind.draw_calls < ahead.draw_calls and behind.triangles < ahead.triangles
    scene.root.hide()
    try:
        assert count_in_view(engine.base.cam, scene.root) == DrawCounts(0, 0)
    finally:
        scene.root.show()
