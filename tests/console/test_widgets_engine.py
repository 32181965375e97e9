"""The console window against a real engine: offscreen Panda3D in a
subprocess, over the real encrypted link, driven through the widgets as a
therapist would (pytest-qt, offscreen Qt)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from palier.core import keys
from palier.therapist_console.app import MainWindow, make_app
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import ConsoleModel
from palier.therapist_console.widgets.scene_controls import NumberControl
from tests.fixtures import EngineProc, Keys

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, link_keys: Keys) -> Iterator[MainWindow]:
    make_app()
    with SessionRecord(tmp_path / "sessions.sqlite3") as rec:
        model = ConsoleModel(rec, language="en")
        win = MainWindow(model, keys_dir=link_keys.console, ask_questions=False)
        qtbot.addWidget(win)
        win.show()
        yield win
        win.close()


def commands(win: MainWindow, kind: str) -> list[dict[str, Any]]:
    m = win.model
    assert m.running.info is not None
    return [dict(r) for r in m.record.rows("commands", m.running.info.id) if r["kind"] == kind]


def acked(win: MainWindow, kind: str, n: int = 1) -> bool:
    return sum(c["status"] == "ack" for c in commands(win, kind)) >= n


def test_a_whole_session_through_the_widgets(
    qtbot: Any, window: MainWindow, shared_engine: EngineProc, tmp_path: Path
) -> None:
    win, model = window, window.model
    # -- before: patient by pseudonym, protocol, connect (fingerprint shown) --------------
    win.setup.pseudonym.setText("P-017")
    win.setup.create_patient()
    assert (
        model.patient_plan.patient is not None and model.patient_plan.patient.pseudonym == "P-017"
    )
    win.setup.choose_protocol("spiders-graded")
    assert model.patient_plan.plan is not None and len(model.patient_plan.plan.steps) >= 3
    # The trusted engine key's fingerprint is shown before connecting, and the
    # session cannot start until the therapist confirms it matches the engine's.
    fp = keys.fingerprint(keys.engine_key(win.keys_dir))  # type: ignore[arg-type]
    assert fp in win.setup.fingerprint.text()
    assert not win.setup.start_button.isEnabled()
    win.start_session()
    assert model.running.info is None and "palier keys show" in win.setup.start_error.text()
    assert win.connect_engine(shared_engine.endpoint)
    assert fp in win.setup.fingerprint.text() and fp in win.bar.address.text()
    qtbot.waitUntil(lambda: model.link.is_up, timeout=20000)
    assert "connected" in win.bar.link.text().lower()
    assert not win.setup.start_button.isEnabled()
    win.setup.confirm_fingerprint.click()
    assert win.setup.start_button.isEnabled()
    win.setup.start_button.click()
    assert model.running.info is not None and win.pages.currentWidget() is win.session_page
    page = win.session_page
    # A ladder was created for the patient from the protocol (version recorded).
    assert model.running.info.ladder_version_id is not None

    # -- step 1: the scene loads, the controls come from the engine's declaration -----------
    page.hierarchy.go(0)
    qtbot.waitUntil(lambda: acked(win, "load_scene"), timeout=10000)
    decl = win.client.info.scene("spiders")
    assert set(page.controls.controls) == {p.name for p in decl.params}
    assert set(page.controls.event_buttons) == {e.name for e in decl.events}
    assert page.hierarchy.list.item(0).text().startswith("▶")
    qtbot.waitUntil(lambda: page.mirror.frames_shown > 0, timeout=15000)
    assert page.mirror.image is not None and not page.mirror.image.isNull()

    # -- next step, then a parameter from the generated slider/spin box --------------------
    page.hierarchy.next_button.click()
    qtbot.waitUntil(lambda: acked(win, "load_scene", 2), timeout=10000)
    assert model.running.current_step is not None and model.running.current_step.index == 1
    numeric = next(s for s in decl.params if s.kind.value == "float")
    control = page.controls.controls[numeric.name]
    assert isinstance(control, NumberControl)
    target = (
        numeric.maximum
        if model.running.current_step.params.get(numeric.name) != numeric.maximum
        else numeric.minimum
    )
    control.set_value(target)
    qtbot.waitUntil(lambda: acked(win, "set_params"), timeout=10000)
    sent = commands(win, "set_params")[-1]
    assert numeric.name in sent["args"] and '"ramp_s": 1.5' in sent["args"]
    assert model.running.current_step.params[numeric.name] == pytest.approx(target)
    # The timeline says it as a sentence, status first, named by the declaration.
    label = numeric.label.get("en")
    qtbot.waitUntil(
        lambda: any(r[2].startswith(f"✓ {label} ") for r in page.timeline.rows()), timeout=5000
    )
    [change] = [r[2] for r in page.timeline.rows() if r[2].startswith(f"✓ {label} ")]
    assert "→" in change and numeric.unit in change and "(ramp 1.5 s)" in change
    whats = [r[2] for r in page.timeline.rows() if r[1] == "Command"]
    assert all(w[0] in "✓✗" and "=" not in w and "(scene" not in w for w in whats), whats
    assert any(w == f"✓ Scene loaded: {decl.name.get('en')}" for w in whats), whats

    # -- an event from its button ---------------------------------------------------------------
    event = decl.events[0]
    page.controls.event_buttons[event.name].click()
    qtbot.waitUntil(
        lambda: any(
            r["kind"] == "scene_event" for r in model.record.rows("events", model.running.info.id)
        ),
        timeout=10000,
    )

    # -- SUDS typed by the therapist ----------------------------------------------------------
    page.suds.value.setText("150")
    page.suds.record_button.click()
    assert not model.ratings.history and "0 to 100" in page.suds.status.text()
    page.suds.anchor_buttons[50].click()
    assert page.suds.value.text() == "50"
    page.suds.value.setText("45")
    qtbot.keyClick(page.suds.value, Qt.Key.Key_Return)
    assert [s.value for s in model.ratings.history] == [45]
    assert "45" in page.suds.status.text()

    # -- SUDS answered in the headset (the patient's controller, via the engine) --------------
    page.suds.ask_button.click()
    qtbot.waitUntil(lambda: acked(win, "ask_suds"), timeout=10000)
    shared_engine.send("input point 0.7")
    shared_engine.read_until("ok input point")

    def answered() -> bool:
        if any(s.source == "headset" for s in model.ratings.history):
            return True
        shared_engine.send("input confirm")  # ignored until the panel's short guard has passed
        return False

    qtbot.waitUntil(answered, timeout=15000)
    headset = [s for s in model.ratings.history if s.source == "headset"]
    assert [s.value for s in headset] == [70]
    assert "in the headset" in page.suds.status.text()

    # -- pause with the shortcut, resume with the button -------------------------------------
    win.activateWindow()
    page.pause.setFocus()
    qtbot.keyClick(win, Qt.Key.Key_F12)  # the binding itself, not its signal
    qtbot.waitUntil(lambda: model.link.paused, timeout=10000)
    assert "Resume" in page.pause.text()
    page.pause.click()
    qtbot.waitUntil(lambda: not model.link.paused, timeout=10000)

    # -- a note, the timeline shows everything -----------------------------------------------
    page.timeline.note.setText("Patient breathing calmly")
    page.timeline.add_button.click()
    kinds = {r[1] for r in page.timeline.rows()}
    assert {"Step", "SUDS", "Note", "Event", "Command"} <= kinds
    assert any("Patient breathing calmly" in r[2] for r in page.timeline.rows())
    assert len(page.chart.suds_curve.getData()[0]) == 2
    assert len(page.chart.marks) >= 3  # two steps and the scene event at least

    # -- language switch: console strings and the scene's own labels -------------------------
    win.bar.language.setCurrentIndex(win.bar.language.findData("fr"))
    win.bar.language.activated.emit(win.bar.language.currentIndex())
    assert model.language.value == "fr"
    assert ("Reprendre" if model.link.paused else "lieu sûr") in page.pause.text()
    assert page.controls.labels[numeric.name].text() == numeric.label.get("fr")
    whats_fr = [r[2] for r in page.timeline.rows() if r[1] == "Commande"]
    assert f"✓ Scène chargée\u00a0: {decl.name.get('fr')}" in whats_fr
    assert any(
        w.startswith(f"✓ {numeric.label.get('fr')} ") and "(transition 1,5 s)" in w
        for w in whats_fr
    ), whats_fr
    assert any(
        w.startswith("✓ Événement déclenché\u00a0: ") and event.label.get("fr") in w
        for w in whats_fr
    ), whats_fr
    control_fr = page.controls.controls[numeric.name]
    assert isinstance(control_fr, NumberControl) and control_fr.spin.decimals() > 0
    assert "," in control_fr.spin.text() and "." not in control_fr.spin.text()
    model.language.set("en")

    # -- end, summary, exports ------------------------------------------------------------------
    page.end_button.click()
    assert model.running.info.status == "closed" and win.pages.currentWidget() is win.summary
    assert "2" in win.summary.facts.text()  # steps reached, ratings
    assert win.summary.steps.rowCount() == 2
    out = tmp_path / "exports"
    csvs = win.summary.export("csv", out)
    [js] = win.summary.export("json", out)
    [pdf] = win.summary.export("pdf", out)
    assert any(p.name == "suds.csv" for p in csvs)
    assert '"headset"' in js.read_text()
    assert pdf.read_bytes().startswith(b"%PDF")
    rows = model.record.rows("commands", model.running.info.id)
    assert all(r["status"] in ("ack", "error") for r in rows)
