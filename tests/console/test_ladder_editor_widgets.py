"""The hierarchy editor through its widgets (offscreen Qt, real record): from
the setup page and between steps on the session page, and its picture of a
step from a real engine on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from palier.therapist_console.app import MainWindow, make_app
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import ConsoleModel
from palier.therapist_console.session.ladder_editor import PREVIEW_SIZE
from palier.therapist_console.widgets.ladder_editor import LadderEditorDialog
from palier.therapist_console.widgets.scene_controls import NumberControl
from tests.fixtures import EngineProc, Keys

PROTOCOL = "spiders-graded"
SHOTS = os.environ.get("PALIER_SHOTS")
"""A folder: the editor's pictures are written there (both languages) to look at."""


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> Iterator[MainWindow]:
    make_app()
    with SessionRecord(tmp_path / "sessions.sqlite3") as rec:
        win = MainWindow(ConsoleModel(rec, language="en"), ask_questions=False)
        qtbot.addWidget(win)
        yield win
        win.close()


def editor_from_setup(win: MainWindow) -> LadderEditorDialog:
    win.setup.pseudonym.setText("P-031")
    win.setup.create_patient()
    win.setup.choose_protocol(PROTOCOL)
    dlg = win.setup.open_ladder_editor()
    assert dlg is not None and dlg.isVisible()
    return dlg


def shot(dlg: LadderEditorDialog, name: str) -> None:
    if SHOTS:
        QApplication.processEvents()  # children added to a shown dialog show on the next pass
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        assert dlg.grab().save(str(Path(SHOTS) / name))


def test_edit_reorder_refuse_save_and_restore_from_the_setup_page(
    qtbot: Any, window: MainWindow
) -> None:
    win, m = window, window.model
    dlg = editor_from_setup(win)
    first = dlg.editor.require().steps[0]
    assert dlg.steps.count() == len(dlg.editor.require().steps)
    assert "not saved yet" in dlg.state.text()
    # The same generated controls as the session page, one per declared parameter.
    assert isinstance(dlg.controls["distance"], NumberControl)

    # Edit the first step: description, expected SUDS, a scene value.
    dlg.steps.setCurrentRow(0)
    dlg.description.setText("One small spider on the far side of the room")
    dlg.description.editingFinished.emit()
    dlg.expected.setValue(15)
    distance = dlg.controls["distance"]
    assert isinstance(distance, NumberControl)
    distance.set_value(2.5)
    step = dlg.editor.require().step(first.id)
    assert step.text.get("en").startswith("One small spider on the far side")
    assert (step.expected_suds, step.preset["distance"]) == (15, 2.5)
    assert "One small spider on the far side" in dlg.steps.item(0).text()

    # Reorder: the second step moved up.
    second = dlg.editor.require().steps[1].id
    dlg.steps.setCurrentRow(1)
    dlg.up.click()
    assert [s.id for s in dlg.editor.require().steps][:2] == [second, first.id]
    assert dlg.steps.currentRow() == 0

    # A description refused: its reason next to the field, saving impossible.
    dlg.steps.setCurrentRow(1)
    dlg.description.setText("   ")
    dlg.description.editingFinished.emit()
    assert not dlg.description_reason.isHidden()
    assert "cannot be empty" in dlg.description_reason.text()
    assert not dlg.save_button.isEnabled()
    # A scene value refused (set as an old version would hold it): shown by its control.
    dlg.editor.edit(first.id, params={"distance": 9.0})
    assert "0.15 to 3 m" in dlg.param_reasons["distance"].text()
    assert not dlg.param_reasons["distance"].isHidden()
    shot(dlg, "ladder-editor-refused-en.png")
    dlg.description.setText("A small spider on the floor, far away")
    dlg.description.editingFinished.emit()
    dlg.editor.edit(first.id, params={"distance": 2.5})
    assert dlg.description_reason.isHidden() and dlg.save_button.isEnabled()

    # Save: version 1, chosen on the setup page, the plan of the next session.
    dlg.save_button.click()
    assert "Version 1" in dlg.state.text() and dlg.history.count() == 1
    assert "(version 1)" in win.setup.ladder.currentText()
    plan = m.patient_plan.plan
    assert plan is not None and plan.ladder_version_id is not None
    assert plan.steps[0].key == second

    # A second version, then version 1 restored (as version 3).
    dlg.steps.setCurrentRow(0)
    dlg.add.click()
    assert dlg.steps.count() == len(plan.steps) + 1
    dlg.save_button.click()
    assert dlg.history.count() == 2
    dlg.select_version(1)
    dlg.restore_button.click()
    assert dlg.history.count() == 3 and "Version 3" in dlg.state.text()
    assert "restored version 1" in dlg.history.item(2).text()
    assert dlg.steps.count() == len(plan.steps)

    # Shown in French: the same editor, every label translated.
    m.language.set("fr")
    assert dlg.save_button.text() == "Enregistrer comme nouvelle version"
    assert "Version 3" in dlg.state.text() and "enregistrée" in dlg.state.text()
    shot(dlg, "ladder-editor-fr.png")
    m.language.set("en")
    shot(dlg, "ladder-editor-en.png")


def test_a_session_runs_the_saved_version_and_adopts_one_edited_between_steps(
    qtbot: Any, window: MainWindow
) -> None:
    win, m = window, window.model
    dlg = editor_from_setup(win)
    dlg.save_button.click()
    v1 = m.patient_plan.plan.ladder_version_id if m.patient_plan.plan else None
    dlg.accept()
    m.start_session()
    info = m.running.info
    assert info is not None and m.record.session(info.id).ladder_version_id == v1
    m.commands.go_to_step(0)

    # Between steps, from the session page: the next step made gentler.
    edit = win.session_page.hierarchy.edit_button
    assert not edit.isHidden()
    edit.click()
    during = win.session_page.ladder_editor
    assert during is not None and during.isVisible()
    during.steps.setCurrentRow(1)
    during.expected.setValue(25)
    during.save_button.click()
    v2 = m.patient_plan.plan.ladder_version_id if m.patient_plan.plan else None
    assert v2 is not None and v2 != v1
    assert [v for v, _t in m.record.session_ladder_versions(info.id)] == [v1, v2]
    assert "expected SUDS 25" in win.session_page.hierarchy.list.item(1).text()
    # The step the patient is on cannot be removed: said, not saved.
    during.steps.setCurrentRow(0)
    during.remove.click()
    during.save_button.click()
    assert "step the patient is on" in during.error.text()
    assert [v for v, _t in m.record.session_ladder_versions(info.id)] == [v1, v2]


@pytest.mark.timeout(600)
def test_the_step_picture_comes_from_the_engine(
    qtbot: Any, tmp_path: Path, link_keys: Keys, shared_engine: EngineProc
) -> None:
    """The preview round trip through the editor, on 127.0.0.1: the engine's
    picture of the chosen step, and another for another setting."""
    make_app()
    with SessionRecord(tmp_path / "sessions.sqlite3") as rec:
        win = MainWindow(
            ConsoleModel(rec, language="en"), keys_dir=link_keys.console, ask_questions=False
        )
        qtbot.addWidget(win)
        try:
            assert win.connect_engine(shared_engine.endpoint)
            assert win.client is not None
            # A loaded test machine renders the engine and its preview process on
            # the same cores in software: the first picture can take a minute.
            win.client.preview_timeout_s = 180.0
            qtbot.waitUntil(lambda: win.model.link.is_up, timeout=20000)
            dlg = editor_from_setup(win)
            dlg.steps.setCurrentRow(5)
            dlg.preview_button.click()
            qtbot.waitUntil(lambda: dlg.preview_image is not None, timeout=200000)
            first = dlg.preview_image
            assert first is not None and (first.width(), first.height()) == PREVIEW_SIZE
            assert dlg.picture.pixmap() is not None and not dlg.picture.pixmap().isNull()
            # Moving a value asks for a new picture of the new setting.
            count = dlg.controls["count"]
            assert isinstance(count, NumberControl)
            count.set_value(12)
            qtbot.waitUntil(lambda: dlg.preview_image is not first, timeout=60000)
            assert dlg.preview_image is not None and dlg.preview_image != first
            shot(dlg, "ladder-editor-preview-en.png")
            win.model.language.set("fr")
            shot(dlg, "ladder-editor-preview-fr.png")
        finally:
            win.close()
