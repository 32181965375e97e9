"""Console widgets over the Qt-free model, without an engine: generated
controls, SUDS entry, GUI-thread marshalling, mirror decoding, interrupted
sessions. (The engine round trip is tests/console/test_widgets_engine.py.)"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QCheckBox, QComboBox

from scenes import registry
from scenes.api import ParamKind
from therapist_console.app import MainWindow, make_app
from therapist_console.model import Plan, PlanStep, SessionModel
from therapist_console.record import SessionRecord
from therapist_console.widgets.common import GuiThread
from therapist_console.widgets.mirror_view import MirrorView
from therapist_console.widgets.scene_controls import NumberControl, SceneControls
from therapist_console.widgets.suds_entry import SudsEntryWidget


@pytest.fixture
def model(tmp_path: Path) -> Iterator[SessionModel]:
    make_app()
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        yield SessionModel(rec, language="en")


def plan_for(scene: str) -> Plan:
    return Plan(None, (PlanStep("a", {"en": "A", "fr": "A"}, scene, {}, 20),
                       PlanStep("b", {"en": "B", "fr": "B"}, scene, {}, 40)))


@pytest.mark.parametrize("scene", [d.id for d in registry.declarations()])
def test_controls_follow_the_declaration(qtbot: Any, model: SessionModel, scene: str) -> None:
    decl = registry.declaration(scene)
    w = SceneControls(model)
    qtbot.addWidget(w)
    assert not w.controls  # no step yet: nothing to control
    model.create_patient("P-1")
    model.set_plan(plan_for(scene))
    model.start_session()
    model.go_to_step(0)
    assert list(w.controls) == [p.name for p in decl.params]
    assert list(w.event_buttons) == [e.name for e in decl.events]
    for p in decl.params:
        c = w.controls[p.name]
        assert w.labels[p.name].text() == p.label.en
        if p.kind in (ParamKind.FLOAT, ParamKind.INT):
            assert isinstance(c, NumberControl)
            assert c.spin.minimum() == pytest.approx(p.minimum)
            assert c.spin.maximum() == pytest.approx(p.maximum)
            assert c.spin.value() == pytest.approx(p.default)
            if p.unit:
                assert c.spin.suffix().strip() == p.unit
        elif p.kind is ParamKind.CHOICE:
            assert isinstance(c, QComboBox)
            assert [c.itemData(i) for i in range(c.count())] == list(p.choice_values)
            assert c.currentData() == p.default
        else:
            assert isinstance(c, QCheckBox) and c.isChecked() == p.default
    model.set_language("fr")
    for p in decl.params:
        assert w.labels[p.name].text() == p.label.fr
    for e in decl.events:
        assert w.event_buttons[e.name].text() == e.label.fr


def test_a_change_without_a_link_is_refused_and_shown(qtbot: Any, model: SessionModel) -> None:
    w = SceneControls(model)
    qtbot.addWidget(w)
    model.create_patient("P-2")
    model.set_plan(plan_for("spiders"))
    model.start_session()
    model.go_to_step(0)
    decl = registry.declaration("spiders")
    p = next(p for p in decl.params if p.kind is ParamKind.FLOAT)
    model.link = object()  # type: ignore[assignment]  # a link chosen but not up
    c = w.controls[p.name]
    assert isinstance(c, NumberControl)
    c.set_value(float(p.maximum or 0))
    assert "connect" in w.error.text().lower()
    assert c.spin.value() == pytest.approx(p.default)  # back to what the engine has
    assert model.current_step is not None and model.current_step.params.get(p.name) != p.maximum


def test_suds_entry_validates_records_and_reminds(qtbot: Any, model: SessionModel) -> None:
    w = SudsEntryWidget(model)
    qtbot.addWidget(w)
    w.show()
    assert not w.record_button.isEnabled()
    model.create_patient("P-3")
    model.set_plan(plan_for("spiders"))
    model.start_session()
    assert w.record_button.isEnabled() and not w.ask_button.isEnabled()  # no link
    assert w.reminder.isVisible()  # no rating yet
    assert [b.text().split("\n")[1] for b in w.anchor_buttons.values()] == [
        "none", "mild", "significant", "high", "extreme"]
    for bad in ("", "abc", "101"):
        w.value.setText(bad)
        w.record()
        assert not model.suds_history
    w.anchor_buttons[75].click()
    w.record()
    assert [s.value for s in model.suds_history] == [75]
    assert not w.reminder.isVisible()
    model.set_language("fr")
    assert w.anchor_buttons[100].text() == "100\nextrême"
    assert "75" in w.status.text() and "voix haute" in w.status.text()


def test_gui_thread_runs_calls_in_order_on_the_qt_thread(qtbot: Any) -> None:
    make_app()
    bridge = GuiThread()
    seen: list[tuple[int, bool]] = []
    main = threading.get_ident()

    def worker() -> None:
        def note(i: int) -> None:
            seen.append((i, threading.get_ident() == main))

        for i in range(50):
            bridge.call_soon(functools.partial(note, i))

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    qtbot.waitUntil(lambda: len(seen) == 50, timeout=5000)
    assert [i for i, _ in seen] == list(range(50)) and all(ok for _, ok in seen)


def _jpeg(color: str, w: int = 64, h: int = 36) -> bytes:
    img = QImage(w, h, QImage.Format.Format_RGB888)
    img.fill(QColor(color))
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "JPG")  # type: ignore[call-overload]
    return bytes(buf.data().data())


def test_mirror_keeps_the_newest_frame_and_survives_a_bad_one(qtbot: Any,
                                                              model: SessionModel) -> None:
    v = MirrorView(model)
    qtbot.addWidget(v)
    v.push(_jpeg("#ff0000"))
    v.push(_jpeg("#0000ff"))  # before a drain: the red one is dropped
    v.drain()
    assert v.frames_shown == 1 and v.image is not None
    assert v.image.pixelColor(10, 10).blue() > 200
    v.push(b"not a jpeg")
    v.drain()
    assert v.frames_shown == 1 and v.image.pixelColor(10, 10).blue() > 200
    v.grab()  # paints without error


def test_interrupted_session_can_be_resumed(qtbot: Any, tmp_path: Path) -> None:
    make_app()
    path = tmp_path / "crash.sqlite3"
    with SessionRecord(path) as rec:
        m = SessionModel(rec)
        m.create_patient("P-4")
        m.set_plan(plan_for("spiders"))
        m.start_session()
        m.go_to_step(1)
        m.enter_suds(30)
    # The console stopped without ending: a new console finds the session open.
    with SessionRecord(path) as rec:
        m = SessionModel(rec)
        win = MainWindow(m, ask_questions=False)
        qtbot.addWidget(win)
        [info] = m.interrupted_sessions()
        win.resume_session(info.id)
        assert win.pages.currentWidget() is win.session_page
        assert m.current_step is not None and m.current_step.index == 1
        assert [r[2] for r in win.session_page.timeline.rows() if r[1] == "SUDS"]
        assert len(win.session_page.chart.suds_curve.getData()[0]) == 1
        win.close()
