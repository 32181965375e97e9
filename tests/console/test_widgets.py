"""Console widgets over the Qt-free model, without an engine: generated
controls, SUDS entry, GUI-thread marshalling, mirror decoding, interrupted
sessions. (The engine round trip is tests/console/test_widgets_engine.py.)"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox

from palier.core import wire
from palier.protocols.model import EventPlan
from palier.scenes import registry
from palier.scenes.api import ParamKind
from palier.therapist_console.app import MainWindow, make_app
from palier.therapist_console.client import LinkState, LinkStatus
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import ConsoleModel, Plan, PlanStep
from palier.therapist_console.widgets.common import GuiThread
from palier.therapist_console.widgets.hierarchy import HierarchyList
from palier.therapist_console.widgets.link_bar import LinkBar
from palier.therapist_console.widgets.mirror_view import MirrorView
from palier.therapist_console.widgets.recenter_button import RecenterButton
from palier.therapist_console.widgets.scene_controls import NumberControl, SceneControls
from palier.therapist_console.widgets.setup_page import SetupPage
from palier.therapist_console.widgets.suds_entry import SudsEntryWidget
from tests.fixtures import solid_jpeg


@pytest.fixture
def model(tmp_path: Path) -> Iterator[ConsoleModel]:
    make_app()
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        yield ConsoleModel(rec, language="en")


def controls(m: ConsoleModel) -> SceneControls:
    return SceneControls(m.language, m.running, m.link, m.commands)


def suds_entry(m: ConsoleModel) -> SudsEntryWidget:
    return SudsEntryWidget(m.language, m.running, m.link, m.ratings, m.commands)


def plan_for(scene: str) -> Plan:
    return Plan(
        None,
        (
            PlanStep("a", {"en": "A", "fr": "A"}, scene, {}, 20),
            PlanStep("b", {"en": "B", "fr": "B"}, scene, {}, 40),
        ),
    )


@pytest.mark.parametrize("scene", [d.id for d in registry.declarations()])
def test_controls_follow_the_declaration(qtbot: Any, model: ConsoleModel, scene: str) -> None:
    decl = registry.declaration(scene)
    w = controls(model)
    qtbot.addWidget(w)
    assert not w.controls  # no step yet: nothing to control
    model.patient_plan.create_patient("P-1")
    model.patient_plan.set_plan(plan_for(scene))
    model.start_session()
    model.commands.go_to_step(0)
    assert list(w.controls) == [p.name for p in decl.params]
    assert list(w.event_buttons) == [e.name for e in decl.events]
    for p in decl.params:
        c = w.controls[p.name]
        assert w.labels[p.name].text() == p.label.get("en")
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
    model.language.set("fr")
    for p in decl.params:
        assert w.labels[p.name].text() == p.label.get("fr")
    for e in decl.events:
        assert w.event_buttons[e.name].text() == e.label.get("fr")


class _NeverUp:
    """A link the therapist chose that never came up: nothing may be sent."""

    def submit(self, subject_cls: type[wire.Command], **fields: object) -> Future[wire.Reply]:
        raise AssertionError("nothing is sent while the link is not up")


def test_a_change_without_a_link_is_refused_and_shown(qtbot: Any, model: ConsoleModel) -> None:
    w = controls(model)
    qtbot.addWidget(w)
    model.patient_plan.create_patient("P-2")
    model.patient_plan.set_plan(plan_for("spiders"))
    model.start_session()
    model.commands.go_to_step(0)
    decl = registry.declaration("spiders")
    p = next(p for p in decl.params if p.kind is ParamKind.FLOAT)
    model.link.use(_NeverUp())  # a link chosen but not up
    c = w.controls[p.name]
    assert isinstance(c, NumberControl)
    c.set_value(float(p.maximum or 0))
    assert "connect" in w.error.text().lower()
    assert c.spin.value() == pytest.approx(p.default)  # back to what the engine has
    assert (
        model.running.current_step is not None
        and model.running.current_step.params.get(p.name) != p.maximum
    )


def test_suds_entry_validates_records_and_reminds(qtbot: Any, model: ConsoleModel) -> None:
    w = suds_entry(model)
    qtbot.addWidget(w)
    w.show()
    assert not w.record_button.isEnabled()
    model.patient_plan.create_patient("P-3")
    model.patient_plan.set_plan(plan_for("spiders"))
    model.start_session()
    assert w.record_button.isEnabled() and not w.ask_button.isEnabled()  # no link
    assert w.reminder.isVisible()  # no rating yet
    assert [b.text().split("\n")[1] for b in w.anchor_buttons.values()] == [
        "completely calm",
        "mild",
        "moderate",
        "high",
        "worst imaginable",
    ]
    for bad in ("", "abc", "101"):
        w.value.setText(bad)
        w.record()
        assert not model.ratings.history
    w.anchor_buttons[75].click()
    w.record()
    assert [s.value for s in model.ratings.history] == [75]
    assert not w.reminder.isVisible()
    model.language.set("fr")
    assert w.anchor_buttons[100].text() == "100\nla pire imaginable"
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


def test_mirror_keeps_the_newest_frame_and_survives_a_bad_one(
    qtbot: Any, model: ConsoleModel
) -> None:
    v = MirrorView(model.language, model.link)
    qtbot.addWidget(v)
    v.push(solid_jpeg("#ff0000"))
    v.push(solid_jpeg("#0000ff"))  # before a drain: the red one is dropped
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
        m = ConsoleModel(rec)
        m.patient_plan.create_patient("P-4")
        m.patient_plan.set_plan(plan_for("spiders"))
        m.start_session()
        m.commands.go_to_step(1)
        m.ratings.enter(30)
    # The console stopped without ending: a new console finds the session open.
    with SessionRecord(path) as rec:
        m = ConsoleModel(rec)
        win = MainWindow(m, ask_questions=False)
        qtbot.addWidget(win)
        [info] = m.running.interrupted_sessions()
        win.resume_session(info.id)
        assert win.pages.currentWidget() is win.session_page
        assert m.running.current_step is not None and m.running.current_step.index == 1
        assert [r[2] for r in win.session_page.timeline.rows() if r[1] == "SUDS"]
        assert len(win.session_page.chart.suds_curve.getData()[0]) == 1
        win.close()


# -- French throughout, the setup page's confirmations, warnings ----------------------------


@pytest.fixture
def trusted_keys(tmp_path: Path) -> Path:
    """A console key folder that trusts one engine key (real key files)."""
    from palier.core import keys

    engine_dir, console_dir = tmp_path / "keys" / "engine", tmp_path / "keys" / "console"
    for d in (engine_dir, console_dir):
        keys.init_keys(d)
    keys.allow(console_dir, engine_dir / keys.OWN_PUBLIC, engine=True)
    return console_dir


def test_setup_offers_clinic_protocols_and_says_which_files_were_left_out(
    qtbot: Any, model: ConsoleModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from palier.protocols.files import PROTOCOLS_ENV, library_files

    clinic = tmp_path / "clinic"
    clinic.mkdir()
    spiders = next(f for f in library_files() if f.name == "spiders.toml").read_text("utf-8")
    (clinic / "ours.toml").write_text(
        spiders.replace('id = "spiders-graded"', 'id = "clinic-spiders"', 1), "utf-8"
    )
    (clinic / "broken.toml").write_text(
        spiders.replace('scene = "spiders"', 'scene = "no_such_scene"', 1).replace(
            'id = "spiders-graded"', 'id = "broken-spiders"', 1
        ),
        "utf-8",
    )
    monkeypatch.setenv(PROTOCOLS_ENV, str(clinic))
    win = MainWindow(model, ask_questions=False)
    qtbot.addWidget(win)
    setup = win.setup
    offered = [setup.protocol.itemData(i) for i in range(setup.protocol.count())]
    assert "clinic-spiders" in offered and "spiders-graded" in offered
    assert "broken-spiders" not in offered
    assert not setup.protocols_note.isHidden()
    assert "broken.toml" in setup.protocols_note.text()


def test_qt_own_buttons_follow_the_console_language(qtbot: Any, model: ConsoleModel) -> None:
    from PySide6.QtWidgets import QMessageBox

    win = MainWindow(model, ask_questions=False)
    qtbot.addWidget(win)
    yes_no = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No

    def yes_text() -> str:
        box = QMessageBox(QMessageBox.Icon.Question, "t", "q", yes_no)
        text = box.button(QMessageBox.StandardButton.Yes).text()
        box.deleteLater()
        return text.replace("&", "")

    assert yes_text() == "Yes"
    try:
        win.bar.language.setCurrentIndex(win.bar.language.findData("fr"))
        win.bar.language.activated.emit(win.bar.language.currentIndex())
        assert model.language.value == "fr"
        assert yes_text() == "Oui"
    finally:
        model.language.set("en")
    assert yes_text() == "Yes"


def test_setup_shows_the_fingerprint_and_redraws_in_french(
    qtbot: Any, model: ConsoleModel, trusted_keys: Path
) -> None:
    from palier.core import keys

    fp = keys.fingerprint(keys.engine_key(trusted_keys))
    win = MainWindow(model, keys_dir=trusted_keys, ask_questions=False)
    qtbot.addWidget(win)
    setup = win.setup
    # Before any connection: the trusted key's fingerprint and the confirmation.
    assert fp in setup.fingerprint.text()
    assert not setup.confirm_fingerprint.isChecked()
    setup.pseudonym.setText("P-9")
    setup.patient_notes.setText("referred by Dr X's practice; prefers mornings")
    setup.create_patient()
    assert model.patient_plan.patient is not None
    assert model.record.patient(model.patient_plan.patient.id).notes == (
        "referred by Dr X's practice; prefers mornings"
    )
    setup.choose_protocol("spiders-graded")
    assert not setup.start_button.isEnabled()
    win.start_session()
    assert model.running.info is None and "palier keys show" in setup.start_error.text()
    setup.pseudonym.setText("P-9")
    setup.create_patient()  # a duplicate: the error is shown ...
    assert "already exists" in setup.patient_error.text()
    win.connect_engine("not an address")  # ... and so is a connection error
    assert setup.connect_error.text().startswith("Cannot connect")
    model.language.set("fr")  # ... and all redrawn in French
    assert setup.patient_error.text().startswith("Un patient avec le pseudonyme P-9")
    assert setup.connect_error.text().startswith("Connexion impossible")
    assert setup.start_error.text().startswith("Confirmer d'abord l'empreinte")
    assert fp in setup.fingerprint.text() and "Empreinte" in setup.fingerprint.text()
    assert "PC du casque" in setup.confirm_fingerprint.text()
    setup.confirm_fingerprint.click()
    assert setup.start_button.isEnabled()
    setup.start_button.click()
    assert model.running.info is not None and model.running.info.status == "open"
    assert setup.start_error.text() == ""


def test_without_a_trusted_key_the_setup_says_how_to_pair(
    qtbot: Any, model: ConsoleModel, tmp_path: Path
) -> None:
    win = MainWindow(model, keys_dir=tmp_path / "nokeys", ask_questions=False)
    qtbot.addWidget(win)
    assert "palier keys allow" in win.setup.fingerprint.text()
    assert not win.setup.confirm_fingerprint.isVisible()
    assert not model.link.fingerprint_confirmed


def test_high_pre_session_ssq_shows_the_warning_banner(
    qtbot: Any, model: ConsoleModel, trusted_keys: Path
) -> None:
    from palier.protocols.questionnaires import SSQ, score

    win = MainWindow(model, keys_dir=trusted_keys, ask_questions=False)
    qtbot.addWidget(win)
    win.show()
    model.patient_plan.create_patient("P-2")
    win.setup.choose_protocol("spiders-graded")
    model.clinical.hold(score("ssq", {i: 3 for i in SSQ.item_ids}, phase="pre"))
    win.setup.confirm_fingerprint.click()
    win.start_session()
    banner = win.session_page.warning
    assert banner.isVisible() and "SSQ" in banner.text.text()
    assert model.running.info is not None
    [q] = model.record.rows("questionnaires", model.running.info.id)
    assert q["phase"] == "pre"
    banner.dismiss_button.click()
    assert not banner.isVisible()


def test_planned_event_is_announced_and_the_therapist_fires_it(qtbot: Any, tmp_path: Path) -> None:
    from .conftest import ManualClock

    make_app()
    clock = ManualClock()
    with SessionRecord(tmp_path / "p.sqlite3") as rec:
        m = ConsoleModel(rec, clock=clock, language="fr")
        win = MainWindow(m, ask_questions=False)
        qtbot.addWidget(win)
        win.show()
        m.patient_plan.create_patient("P-3")
        m.patient_plan.set_plan(
            Plan(
                None,
                (
                    PlanStep(
                        "a",
                        {"en": "A", "fr": "A"},
                        "spiders",
                        {},
                        30,
                        events=(EventPlan(event="run_toward", at_min=(1.0,)),),
                    ),
                ),
            )
        )
        m.start_session()
        m.commands.go_to_step(0)
        page = win.session_page
        assert not page.planned.isVisible()
        clock.advance(70)
        m.tick()
        assert page.planned.isVisible()
        assert "Une araignée court vers le patient" in page.planned.text.text()
        assert page.planned.action.text() == "Déclencher"
        page.planned.action.click()  # no engine here: the refusal is shown, nothing hidden
        assert not page.planned.isVisible()
        assert "Pas de connexion au moteur" in page.controls.error.text()
        win.close()


def test_suds_interval_control_sets_the_model(qtbot: Any, model: ConsoleModel) -> None:
    w = suds_entry(model)
    qtbot.addWidget(w)
    assert w.interval.value() == 5  # the default: 5 minutes
    w.interval.setValue(8)
    assert model.ratings.reminder_interval_s == 480.0
    assert model.ratings.rule().interval_min == pytest.approx(8.0)
    model.language.set("fr")
    assert w.interval_label.text() == "Rappel toutes les"


def test_spin_boxes_use_the_language_decimals(qtbot: Any, model: ConsoleModel) -> None:
    w = controls(model)
    qtbot.addWidget(w)
    model.patient_plan.create_patient("P-6")
    model.patient_plan.set_plan(plan_for("spiders"))
    model.start_session()
    model.commands.go_to_step(0)
    dist = w.controls["distance"]
    assert isinstance(dist, NumberControl)
    assert dist.spin.text() == "2.00 m"
    model.language.set("fr")
    dist = w.controls["distance"]
    assert isinstance(dist, NumberControl)
    assert dist.spin.text() == "2,00 m"


def test_each_interrupted_session_is_offered(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer

    make_app()
    path = tmp_path / "two.sqlite3"
    with SessionRecord(path) as rec:
        for name in ("P-7", "P-8"):
            m = ConsoleModel(rec)
            m.patient_plan.create_patient(name)
            m.patient_plan.set_plan(plan_for("spiders"))
            m.start_session()
    with SessionRecord(path) as rec:
        m = ConsoleModel(rec)
        win = MainWindow(m, ask_questions=False)
        qtbot.addWidget(win)
        ids = [s.id for s in m.running.interrupted_sessions()]
        assert len(ids) == 2
        answers = ["resume", "close"]
        offered: list[list[str]] = []

        def answer() -> None:
            box = win.interrupted_box
            if box is None or not box.isVisible() or not answers:
                return
            texts = [b.text() for b in box.buttons()]
            offered.append(texts)
            want = {"resume": "Resume", "close": "Close it"}[answers.pop(0)]
            next(b for b in box.buttons() if b.text() == want).click()

        timer = QTimer()
        timer.timeout.connect(answer)
        timer.start(20)
        win.check_interrupted()
        timer.stop()
        assert len(offered) == 2  # both were offered
        assert "Resume" not in offered[1]  # one session at a time
        assert m.running.info is not None and m.running.info.id == ids[0]
        assert m.running.interrupted_sessions() == []
        assert rec.session(ids[1]).status != "open"
        win.close()


def test_setup_page_shows_the_trust_and_the_questionnaire_the_model_holds(
    qtbot: Any, model: ConsoleModel
) -> None:
    from palier.protocols.questionnaires import SSQ, score

    m = model
    setup = SetupPage(
        m.language, m.patient_plan, m.running, m.link, m.clinical, lambda _e: None, lambda: None
    )
    qtbot.addWidget(setup)
    assert not setup.confirm_fingerprint.isChecked()
    m.link.set_trusted_key("ab:cd:ef")
    assert "ab:cd:ef" in setup.fingerprint.text()
    m.link.confirm_fingerprint(True)
    assert setup.confirm_fingerprint.isChecked()
    setup.confirm_fingerprint.click()  # the therapist unticks: the model follows
    assert not m.link.fingerprint_confirmed
    setup.confirm_fingerprint.click()
    m.link.set_trusted_key("01:23:45")  # another key: to be confirmed again
    assert not setup.confirm_fingerprint.isChecked()
    none_yet = setup.questionnaire_state.text()
    m.clinical.hold(score("ssq", {i: 0 for i in SSQ.item_ids}, phase="pre"))
    assert (
        setup.questionnaire_state.text() != none_yet and "SSQ" in setup.questionnaire_state.text()
    )
    m.clinical.hold(None)
    assert setup.questionnaire_state.text() == none_yet


def test_hierarchy_shows_the_suggestion_the_model_keeps(qtbot: Any, model: ConsoleModel) -> None:
    m = model
    w = HierarchyList(
        m.language,
        m.patient_plan,
        m.running,
        m.link,
        m.progression,
        m.ratings,
        m.commands,
        confirm_end_rating=False,
    )
    qtbot.addWidget(w)
    w.show()
    m.patient_plan.create_patient("P-10")
    m.patient_plan.set_plan(plan_for("spiders"))
    m.start_session()
    sid = m.progression.suggest("next_step", "SUDS fell by half: next step?")
    assert w.suggestion.isVisible() and w.suggestion_text.text().startswith("SUDS fell")
    m.progression.decide(sid, taken=False)  # decided elsewhere: the widget follows
    assert not w.suggestion.isVisible()
    m.commands.go_to_step(0)
    m.progression.suggest("next_step", "Again: next step?")
    w.take.click()  # taken: recorded, and the hierarchy moves on
    assert m.progression.current is None and not w.suggestion.isVisible()
    assert m.running.current_step is not None and m.running.current_step.index == 1
    rows = m.record.rows("suggestions", m.running.info.id if m.running.info else 0)
    assert [r["taken"] for r in rows] == [0, 1]


class _Recording:
    """A link that takes commands and never answers."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def submit(self, subject_cls: type[wire.Command], **fields: object) -> Future[wire.Reply]:
        self.sent.append(subject_cls.SUBJECT)
        return Future()


def test_suds_entry_never_suggests_a_value(qtbot: Any, model: ConsoleModel) -> None:
    w = suds_entry(model)
    qtbot.addWidget(w)
    assert w.value.text() == ""  # no 50 (or any number) to lean on
    assert w.value.placeholderText() == "0–100"


def test_recenter_button_sends_the_command_for_any_scene(qtbot: Any, model: ConsoleModel) -> None:
    b = RecenterButton(model.language, model.running, model.link, model.commands)
    qtbot.addWidget(b)
    assert not b.isEnabled()  # no session, no link
    link = _Recording()
    model.attach_link(link)
    model.link.on_status(LinkStatus(LinkState.CONNECTED, "test", 0.0))
    model.patient_plan.create_patient("P-9")
    model.patient_plan.set_plan(plan_for("safe_place"))
    model.start_session()
    assert b.isEnabled()
    b.click()
    assert link.sent == ["cmd.recenter"]
    model.language.set("fr")
    assert b.text() == "Recentrer la vue du patient"


def _frame_stats(**runtime: Any) -> wire.FrameStats:
    return wire.FrameStats(frame=9, t_engine=1.0, median_ms=11.0, p99_ms=12.5, frames=90, **runtime)


def test_frame_statistics_show_the_runtime_figures_or_say_there_are_none(
    qtbot: Any, model: ConsoleModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[wire.FrameStats] = [_frame_stats()]
    monkeypatch.setattr(type(model.link), "frame_stats", property(lambda _self: shown[-1]))
    bar = LinkBar(model.language, model.patient_plan, model.running, model.link)
    qtbot.addWidget(bar)
    model.link.on_status(LinkStatus(LinkState.CONNECTED, "test", 0.0))
    bar.refresh_clocks()
    assert "not reported by this display" in bar.frames.toolTip()
    shown.append(
        _frame_stats(predicted_display_period_ms=1000 / 90, frames_late=3, frames_dropped=1)
    )
    bar.refresh_clocks()
    tip = bar.frames.toolTip()
    assert "11.1 ms (90 Hz)" in tip and "frames late: 3" in tip and "frames dropped: 1" in tip
    model.language.set("fr")
    bar.refresh_clocks()
    tip = bar.frames.toolTip()
    assert "11,1 ms (90 Hz)" in tip and "images en retard\u00a0: 3" in tip
    assert "frame" not in tip.lower().replace("frame time", "")  # no English left
