"""Everything is drawn once, unseen, before a frame shows it (``engine.warmup``).

The graphics state Panda keeps per window (``PreparedGraphicsObjects``) counts
textures, shaders and vertex and index buffers as they are first uploaded or
compiled: after the engine, the patient panels and the mirror are made, none
of the session's moments below may add one, except new words on a panel
(new text is new geometry, a few hundred bytes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

import numpy as np
import pytest

from palier.engine.app import Engine
from palier.engine.mirror import MirrorStreamer
from palier.engine.patient_ui import CONFIRM_GUARD_S, PatientUI
from palier.scenes import registry
from palier.scenes.api import ParamValue

pytestmark = pytest.mark.offscreen_engine(scene="spiders", size=(160, 90))


@pytest.fixture(scope="module")
def session(engine: Engine) -> Iterator[tuple[Engine, PatientUI, MirrorStreamer]]:
    ui = PatientUI(engine)
    mirror = MirrorStreamer(engine, size=(160, 90))
    mirror.enabled = False
    try:
        yield engine, ui, mirror
    finally:
        mirror.close()
        ui.close()


def _counts(engine: Engine) -> dict[str, int]:
    po = engine.base.win.getGsg().getPreparedObjects()
    return {
        "textures": po.getNumPreparedTextures() + po.getNumQueuedTextures(),
        "shaders": po.getNumPreparedShaders() + po.getNumQueuedShaders(),
        "vertex buffers": po.getNumPreparedVertexBuffers(),
        "index buffers": po.getNumPreparedIndexBuffers(),
    }


def _added(engine: Engine, action: Callable[[], object], frames: int) -> dict[str, int]:
    action()
    before = _counts(engine)
    for _ in range(frames):
        engine.step()
    after = _counts(engine)
    return {k: after[k] - before[k] for k in after if after[k] > before[k]}


def _least_then_pause(engine: Engine, least: dict[str, ParamValue]) -> None:
    engine.set_params(least, 0.0)
    engine.pause()


def _confirm_too_soon(engine: Engine) -> None:
    """A confirm before the marker is placed: the panel's reminder."""
    engine.simulate(CONFIRM_GUARD_S + 0.05)
    engine.backend.emit("confirm", 1.0)


def _cancel_then_pause(ui: PatientUI, engine: Engine) -> None:
    ui.cancel_suds()
    engine.pause()


def test_nothing_is_drawn_for_the_first_time_after_load(
    session: tuple[Engine, PatientUI, MirrorStreamer],
) -> None:
    engine, ui, mirror = session
    decl = registry.declaration("spiders")
    least = decl.least_intense()
    # (moment, action, frames): a pause or resume needs its fade (0.4 s out,
    # then the swap); the most intense setting is slow on a software
    # renderer, so the fades run at the least intense one.
    moments: list[tuple[str, Callable[[], object], int]] = [
        ("first frames", engine.render_frame, 5),
        ("most intense", lambda: engine.set_params(decl.most_intense(), 0.0), 5),
        *[(f"event {e.name}", partial(engine.fire, e.name), 10) for e in decl.events],
        ("pause to the safe place", partial(_least_then_pause, engine, least), 50),
        ("resume", engine.resume, 50),
        ("mirror on", partial(setattr, mirror, "enabled", True), 10),
        ("mirror off", partial(setattr, mirror, "enabled", False), 5),
    ]
    for name, action, frames in moments:
        assert _added(engine, action, frames) == {}, f"first drawn at: {name}"
    # Panels: their words may be new geometry, never a new texture or shader.
    panels: list[tuple[str, Callable[[], object], int]] = [
        ("SUDS panel", partial(ui.ask_suds, 1), 10),
        ("SUDS reminder to place the marker", partial(_confirm_too_soon, engine), 10),
        ("SUDS marker placed", partial(engine.backend.emit, "point", 0.5), 10),
        ("message", partial(ui.show_text, "Breathe slowly.", 0.3), 10),
        ("SUDS panel in the safe place", partial(_cancel_then_pause, ui, engine), 50),
    ]
    for name, action, frames in panels:
        added = _added(engine, action, frames)
        assert not added.get("textures") and not added.get("shaders"), (name, added)


def test_a_loaded_scene_is_warm_before_its_first_frame(
    session: tuple[Engine, PatientUI, MirrorStreamer],
) -> None:
    engine, _ui, _mirror = session
    engine.load_scene("spiders", registry.declaration("spiders").most_intense())
    assert _added(engine, partial(engine.fire, "drop_from_above"), 5) == {}


def test_the_warm_up_changes_nothing_that_is_seen(
    session: tuple[Engine, PatientUI, MirrorStreamer],
) -> None:
    engine, ui, _mirror = session
    ui.cancel_suds()
    engine.resume()
    engine.set_params(registry.declaration("spiders").least_intense(), 0.0)
    for _ in range(60):
        engine.step()
    engine.render_frame()
    before = engine.capture()
    hidden = [engine._safe_place.root.isStashed() if engine._safe_place else True, ui.suds_visible]
    engine.warm_up()
    engine.render_frame()
    after = engine.capture()
    assert hidden == [
        engine._safe_place.root.isStashed() if engine._safe_place else True,
        ui.suds_visible,
    ]
    assert np.abs(before.astype(int) - after.astype(int)).max() <= 1
