"""Every shipped protocol runs, step by step, with no scene-specific code:
the console shows each step's preset in the controls it builds from the
scene's declaration, and the engine takes each step's preset and every
event the step plans (the offscreen engine, the same code as the headset)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox

from palier.engine.app import Engine
from palier.protocols.files import library
from palier.protocols.model import Protocol
from palier.scenes import registry
from palier.therapist_console.app import make_app
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import ConsoleModel, Plan
from palier.therapist_console.widgets.scene_controls import NumberControl, SceneControls

PROTOCOLS = library()

pytestmark = pytest.mark.offscreen_engine(scene=registry.SAFE_PLACE_ID, size=(160, 90))


@pytest.fixture
def model(tmp_path: Path) -> Iterator[ConsoleModel]:
    make_app()
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        yield ConsoleModel(rec, language="fr")


def shown(control: Any) -> object:
    if isinstance(control, NumberControl):
        return control.spin.value()
    if isinstance(control, QComboBox):
        return control.currentData()
    assert isinstance(control, QCheckBox)
    return control.isChecked()


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.id)
def test_the_console_shows_every_step_of_the_protocol(
    qtbot: Any, model: ConsoleModel, protocol: Protocol
) -> None:
    w = SceneControls(model.language, model.running, model.link, model.commands)
    qtbot.addWidget(w)
    plan = Plan.from_protocol(protocol)
    model.patient_plan.create_patient("P-1")
    model.patient_plan.set_plan(plan)
    model.start_session()
    assert len(plan.steps) == len(protocol.steps) >= 8
    for i, step in enumerate(plan.steps):
        model.commands.go_to_step(i)
        decl = registry.declaration(step.scene)
        assert list(w.controls) == [p.name for p in decl.params]
        for name, value in step.params.items():
            got = shown(w.controls[name])
            assert got == (pytest.approx(value) if isinstance(value, float) else value), (
                f"{protocol.id} step {step.key}: {name}"
            )
        for name in decl.defaults():
            assert w.labels[name].text() == decl.param(name).label.get("fr")


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.id)
def test_the_engine_runs_every_step_and_its_events(engine: Engine, protocol: Protocol) -> None:
    loaded = None
    for step in protocol.steps:
        if step.scene != loaded:
            engine.load_scene(step.scene, dict(step.preset))
            loaded = step.scene
        else:
            engine.set_params(dict(step.preset), ramp_s=0.5)
        engine.simulate(0.6)
        assert engine.scene is not None
        for name, value in step.preset.items():
            assert engine.scene.target(name) == value, f"{protocol.id} step {step.id}: {name}"
        for planned in step.events:
            engine.fire(planned.event)
            assert planned.event in engine.scene.active_events()
            engine.simulate(0.2)
