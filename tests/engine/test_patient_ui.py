"""The patient's panels: SUDS rating through the backend's patient input (no
marker until the patient places it), the message panel's timing, what
reaches the rendered frame, the desktop's keys, the patient stop, and
clean-up."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import pytest

from palier.engine.app import Engine
from palier.engine.backends import (
    DESKTOP_PATIENT_KEYS,
    RECENTER_KEY,
    DesktopBackend,
    bind_patient_keys,
)
from palier.engine.patient_ui import (
    CONFIRM_GUARD_S,
    INSTRUCTION,
    PLACE_FIRST,
    TITLE,
    PatientUI,
    PatientUIError,
    find_font,
)
from palier.protocols.measures import suds_anchor_labels
from palier.scenes import registry

SIZE = (320, 180)


pytestmark = pytest.mark.offscreen_engine(scene="spiders", size=SIZE)


@pytest.fixture
def ui(engine: Engine) -> Iterator[PatientUI]:
    engine.head.setHpr(0, 0, 0)
    panel = PatientUI(engine)
    yield panel
    panel.close()


class Recorder:
    def __init__(self) -> None:
        self.suds: list[tuple[int, int]] = []
        self.stops = 0

    def on_suds(self, request_id: int, value: int) -> None:
        self.suds.append((request_id, value))

    def on_stop(self, _engine: Engine) -> None:
        self.stops += 1


@pytest.fixture
def rec(engine: Engine, ui: PatientUI) -> Iterator[Recorder]:
    r = Recorder()
    ui.on_suds = r.on_suds
    engine.stop_observers.append(r.on_stop)
    yield r
    engine.stop_observers.remove(r.on_stop)
    back_from_the_safe_place(engine)


def back_from_the_safe_place(engine: Engine) -> None:
    """Leave the module's engine as the next test expects it (a stop pauses it)."""
    engine.resume()
    for _ in range(300):
        if not engine.paused and not engine.fader.busy:
            return
        engine.step()
    raise AssertionError("the engine did not come back from the safe place")


def marker_shown(ui: PatientUI) -> bool:
    return not ui._knob.isHidden() and not ui._fill.isHidden()


def ask(engine: Engine, ui: PatientUI, request_id: int, prompt: str | None = None) -> None:
    ui.ask_suds(request_id, prompt)
    engine.simulate(CONFIRM_GUARD_S + 0.1)  # past the accidental-confirm guard


def test_the_panel_starts_with_no_marker(engine: Engine, ui: PatientUI, rec: Recorder) -> None:
    ask(engine, ui, 10)
    assert ui.suds_pending == 10
    assert ui.value is None and not marker_shown(ui)  # no value to lean on
    assert ui._number_np.isHidden() and not ui._instruction_np.isHidden()
    assert ui._instruction.getText() == INSTRUCTION.get("en")
    assert not ui.reminding


def test_confirm_before_placing_the_marker_is_refused_with_a_hint(
    engine: Engine, ui: PatientUI, rec: Recorder
) -> None:
    ask(engine, ui, 12)
    engine.backend.emit("confirm", 1.0)
    assert rec.suds == [] and ui.suds_pending == 12  # nothing sent, still asking
    assert ui.reminding and ui._instruction.getText() == PLACE_FIRST.get("en")
    assert not ui._instruction_np.isHidden()
    engine.backend.emit("point", 0.3)  # placed: the reminder gives way to the number
    assert not ui.reminding and ui._instruction_np.isHidden() and marker_shown(ui)
    engine.backend.emit("confirm", 1.0)
    assert rec.suds == [(12, 30)]


def test_the_first_step_brings_the_marker_in_at_the_end_it_leaves(
    engine: Engine, ui: PatientUI, rec: Recorder
) -> None:
    emit = engine.backend.emit
    ask(engine, ui, 13)
    emit("adjust", 1.0)
    assert ui.value == 0 and marker_shown(ui)
    ask(engine, ui, 14)
    emit("adjust", -1.0)
    assert ui.value == 100 and marker_shown(ui)
    ui.cancel_suds()


def test_adjust_and_confirm_send_the_value_with_the_request_id(
    engine: Engine, ui: PatientUI, rec: Recorder
) -> None:
    emit = engine.backend.emit
    ask(engine, ui, 11)
    emit("point", 0.5)
    for _ in range(3):
        emit("adjust", 1.0)
    emit("adjust", -1.0)
    assert ui.value == 60
    emit("confirm", 1.0)
    assert rec.suds == [(11, 60)]
    assert ui.suds_pending is None
    emit("confirm", 1.0)  # nothing pending: a second confirm sends nothing
    assert rec.suds == [(11, 60)]


def test_desktop_mouse_and_keys_answer_a_rating(
    engine: Engine, ui: PatientUI, rec: Recorder
) -> None:
    # The desktop backend's bindings, driven through Panda3D's messenger as a
    # window's events would be (the offscreen engine has no window to click).
    bind_patient_keys(engine.base, engine.backend.emit)
    send = engine.base.messenger.send
    try:
        ask(engine, ui, 5)
        send("enter")  # no marker yet: refused, with the hint
        assert rec.suds == [] and ui.reminding
        for event in ("wheel_up", "wheel_up", "arrow_right", "wheel_down"):
            send(event)  # the first step places the marker at 0
        send("mouse1")
        assert rec.suds == [(5, 5)]
        ask(engine, ui, 6)
        send("arrow_left")  # enters at 100
        assert ui.value == 100
        send("7")  # a digit places the marker at 70
        send("arrow_left-repeat")
        send("enter")
        assert rec.suds[-1] == (6, 65)
        ask(engine, ui, 7)
        send("0")
        send("enter")
        assert rec.suds[-1] == (7, 0)
        send("backspace")  # the patient stop: the safe place at once
        assert rec.stops == 1
        assert engine.paused and engine.pause_reason == "patient_stop"
    finally:
        for event in DESKTOP_PATIENT_KEYS:
            engine.base.ignore(event)


def test_every_patient_action_has_a_desktop_key() -> None:
    kinds = {kind for kind, _value in DESKTOP_PATIENT_KEYS.values()}
    assert kinds == {"adjust", "point", "confirm", "stop"}
    points = sorted(v for kind, v in DESKTOP_PATIENT_KEYS.values() if kind == "point")
    assert points == [d / 10 for d in range(10)]
    assert RECENTER_KEY not in DESKTOP_PATIENT_KEYS


DESKTOP_OWN_KEYS = ("escape", "f1", "tab", "r", "f", RECENTER_KEY)


def test_desktop_recenter_key_faces_the_scene_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The desktop backend's own logic on the offscreen engine (no window
    # opens headless): its keys are bound on the engine's ShowBase.
    desktop = DesktopBackend()
    monkeypatch.setattr(engine, "backend", desktop)
    turned: list[int] = []
    engine.recenter_observers.append(lambda e: turned.append(e.frame))
    try:
        desktop.attach(engine)
        desktop.heading, desktop.pitch = 130.0, -35.0
        engine.head.setHpr(130.0, -35.0, 0.0)
        engine.base.messenger.send(RECENTER_KEY)
        assert turned == [engine.frame]
        assert engine.scene is not None
        assert (desktop.heading, desktop.pitch) == (engine.scene.forward_heading(), 0.0)
        h, p, r = engine.head.getHpr()
        assert abs(h) < 1e-6 and abs(p) < 1e-6 and abs(r) < 1e-6
    finally:
        engine.recenter_observers.clear()
        for event in (*DESKTOP_OWN_KEYS, *DESKTOP_PATIENT_KEYS):
            engine.base.ignore(event)
        desktop.close(None)


def test_desktop_starts_facing_the_stimulus_with_a_small_key_hint(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `palier engine --backend desktop --scene spiders`: the floor spider sits
    # to the patient's left; the first view must show it, and the key help
    # must not cover it (a small "F1: keys" hint instead).
    from panda3d.core import Point2, Point3

    desktop = DesktopBackend()
    monkeypatch.setattr(engine, "backend", desktop)
    scene = engine.scene
    assert scene is not None
    focus = scene.focus_point()
    assert focus is not None
    lens = engine.base.camLens

    def spider_in_view() -> bool:
        point = engine.base.camera.getRelativePoint(scene.root, Point3(*focus))
        return bool(lens.project(point, Point2()))

    try:
        desktop.attach(engine)
        engine.head.setHpr(0.0, -10.0, 0.0)  # where the view used to start
        assert not spider_in_view()  # so that this test can fail
        desktop.start_view(engine)
        assert spider_in_view()
        assert desktop.help_node.isHidden() and not desktop.hint_node.isHidden()
        assert desktop.hint_node.textNode.getText() == "F1: keys"
        engine.base.messenger.send("f1")
        assert not desktop.help_node.isHidden() and desktop.hint_node.isHidden()
        engine.base.messenger.send("f1")
        assert desktop.help_node.isHidden() and not desktop.hint_node.isHidden()
    finally:
        for event in (*DESKTOP_OWN_KEYS, *DESKTOP_PATIENT_KEYS):
            engine.base.ignore(event)
        desktop.close(None)


def test_point_sets_the_value_and_the_next_request_starts_with_no_marker(
    engine: Engine, ui: PatientUI, rec: Recorder
) -> None:
    emit = engine.backend.emit
    ask(engine, ui, 1)
    emit("point", 0.234)
    assert ui.value == 23
    emit("adjust", 1.0)  # from a point-set value, a step lands on the 5-grid
    assert ui.value == 25
    emit("point", 0.47)
    emit("adjust", -1.0)
    assert ui.value == 45
    emit("confirm", 1.0)
    ask(engine, ui, 2)
    assert ui.value is None and not marker_shown(ui)  # not the last answer either
    emit("confirm", 1.0)
    assert rec.suds == [(1, 45)]


def test_values_are_clamped_to_0_100_and_bad_input_is_ignored(
    engine: Engine, ui: PatientUI, rec: Recorder
) -> None:
    emit = engine.backend.emit
    ask(engine, ui, 5)
    for _ in range(30):
        emit("adjust", 1.0)
    assert ui.value == 100
    emit("point", 1.7)
    assert ui.value == 100
    emit("point", -0.5)
    assert ui.value == 0
    emit("adjust", -1.0)
    assert ui.value == 0
    emit("point", float("nan"))
    emit("adjust", float("inf"))
    emit("wiggle", 1.0)
    assert ui.value == 0
    emit("confirm", 1.0)
    assert rec.suds == [(5, 0)]


def test_confirm_right_after_the_panel_appears_is_ignored(
    engine: Engine, ui: PatientUI, rec: Recorder
) -> None:
    ui.ask_suds(21)
    engine.backend.emit("point", 0.2)
    engine.backend.emit("confirm", 1.0)  # a click already under way
    assert rec.suds == [] and ui.suds_pending == 21
    assert not ui.reminding  # ignored, not refused
    engine.simulate(CONFIRM_GUARD_S + 0.05)
    engine.backend.emit("confirm", 1.0)
    assert rec.suds == [(21, 20)]


def test_cancel_withdraws_the_panel_without_an_answer(
    engine: Engine, ui: PatientUI, rec: Recorder
) -> None:
    ask(engine, ui, 31)
    assert ui.suds_visible
    ui.cancel_suds()
    assert ui.suds_pending is None
    engine.backend.emit("adjust", 1.0)
    engine.backend.emit("confirm", 1.0)
    engine.simulate(1.0)
    assert rec.suds == []
    assert not ui.suds_visible
    assert ui.suds_root.isHidden()
    ui.cancel_suds()  # nothing pending: a no-op


def test_a_new_request_replaces_a_pending_one(engine: Engine, ui: PatientUI, rec: Recorder) -> None:
    ask(engine, ui, 41)
    engine.backend.emit("point", 0.2)
    ask(engine, ui, 42)
    engine.backend.emit("confirm", 1.0)
    assert rec.suds == [] and ui.value is None
    engine.backend.emit("point", 0.4)
    engine.backend.emit("confirm", 1.0)
    assert rec.suds == [(42, 40)]


def test_stop_cuts_to_the_safe_place_with_or_without_a_rating(
    engine: Engine, ui: PatientUI, rec: Recorder
) -> None:
    engine.backend.emit("stop", 1.0)
    # At once, on this frame: no fade, no black card.
    assert engine.paused and engine.pause_reason == "patient_stop"
    assert engine.scene is not None and engine.scene.declaration.id == registry.SAFE_PLACE_ID
    assert engine.fader.alpha == 0.0 and not engine.fader.busy
    ask(engine, ui, 51)
    engine.backend.emit("stop", 1.0)  # already there: stays, and is told again
    assert rec.stops == 2 and engine.paused
    assert ui.suds_pending == 51  # the rating panel stays, over the safe place
    assert rec.suds == []


def test_a_failing_callback_does_not_break_the_panel(
    engine: Engine, ui: PatientUI, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(request_id: int, value: int) -> None:
        raise RuntimeError("link down")

    ui.on_suds = boom
    ask(engine, ui, 61)
    engine.backend.emit("point", 0.6)
    engine.backend.emit("confirm", 1.0)
    assert ui.suds_pending is None
    assert "SUDS handler failed" in caplog.text


def test_texts_follow_the_language_and_the_anchors_come_from_measures(
    engine: Engine, ui: PatientUI
) -> None:
    for lang in ("fr", "en"):
        engine.language = lang
        try:
            ui.ask_suds(70)
            labels = [tn.getText() for tn, _np in ui._anchors]
            assert labels == [label for _v, label in suds_anchor_labels(lang)]
            assert ui._title.getText() == TITLE.get(lang)
            assert ui._instruction.getText() == INSTRUCTION.get(lang)
            engine.simulate(CONFIRM_GUARD_S + 0.1)
            engine.backend.emit("confirm", 1.0)
            assert ui._instruction.getText() == PLACE_FIRST.get(lang)
            ui.ask_suds(71, "  Et maintenant ?  ")
            assert ui._title.getText() == "Et maintenant ?"
            ui.cancel_suds()
        finally:
            engine.language = "en"
    assert ui._title.getNumRows() <= 2


@pytest.mark.skipif(find_font() is None, reason="DejaVu Sans is not installed")
def test_french_accents_have_glyphs(ui: PatientUI) -> None:
    for font in (ui.font, ui.font_bold):
        for ch in "éèêàçâîôûÉÈÀÇ«»\u00a0\u2190\u2192":
            # A missing character comes back as the font's placeholder glyph,
            # whose character code is 0.
            assert font.getGlyph(ord(ch)).getCharacter() == ord(ch), f"no glyph for {ch!r}"
    assert ui.font.getGlyph(0xE000).getCharacter() == 0  # the check can fail


def test_show_text_refuses_bad_requests(ui: PatientUI) -> None:
    with pytest.raises(PatientUIError, match="empty"):
        ui.show_text("   ", 3.0)
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(PatientUIError, match="positive"):
            ui.show_text("Hello", bad)


def test_message_hides_after_its_time(engine: Engine, ui: PatientUI) -> None:
    ui.show_text("Take a slow breath.", 1.5)
    engine.simulate(0.5)
    assert ui.text_visible and not ui.text_root.isHidden()
    engine.simulate(0.8)  # 1.3 s: fading out, still on screen
    assert ui.text_visible
    engine.simulate(0.4)  # 1.7 s: gone
    assert not ui.text_visible and ui.text_root.isHidden()


def _frame(engine: Engine) -> np.ndarray:
    engine.render_frame()
    return engine.capture().astype(np.int16)


def test_panels_are_drawn_over_the_scene_and_gone_after(
    engine: Engine, ui: PatientUI, rec: Recorder
) -> None:
    engine.load_scene("spiders", {"count": 1, "activity": "still", "distance": 3.0})
    engine.head.setHpr(180, 0, 0)  # the spider is behind: a static view
    before = _frame(engine)
    ask(engine, ui, 81)
    shown = _frame(engine)
    h, w = SIZE[1], SIZE[0]
    region = (slice(int(h * 0.45), int(h * 0.85)), slice(int(w * 0.35), int(w * 0.65)))
    panel = shown[region]
    lum = panel.mean(axis=2)
    # The dark backdrop covers most of the region, and the instruction and
    # labels in it are light.
    assert (lum < 70).mean() > 0.5
    assert (lum > 150).sum() > 30
    assert np.abs(panel - before[region]).mean() > 40
    # The panel is centred, below the eye line: the top of the view is untouched.
    top = (slice(0, int(h * 0.2)), slice(None))
    assert np.abs(shown[top] - before[top]).mean() < 2
    # No marker, no filled track: nothing of the accent colour yet.
    assert _cyan(panel) < 5, "a marker is drawn before the patient placed one"
    assert _amber(panel) < 5
    engine.backend.emit("confirm", 1.0)  # refused: the reminder shows, warm
    reminded = _frame(engine)[region]
    assert _amber(reminded) > 20 and _cyan(reminded) < 5
    engine.backend.emit("point", 0.5)
    placed = _frame(engine)[region]
    assert _cyan(placed) > 60 and _amber(placed) < 5  # the marker and the fill
    engine.backend.emit("confirm", 1.0)
    engine.simulate(2.0)
    after = _frame(engine)
    assert not ui.suds_visible
    assert np.abs(after[region] - before[region]).mean() < 2
    assert rec.suds == [(81, 50)]


def _cyan(pixels: np.ndarray) -> int:
    """Pixels of the marker's accent colour (a blue-green no scene uses)."""
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return int(((g > 150) & (b > 150) & (r < g - 60)).sum())


def _amber(pixels: np.ndarray) -> int:
    """Pixels of the reminder's warm colour."""
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return int(((r > 100) & (r > b + 45) & (g > b + 20)).sum())


def test_message_is_drawn_and_sits_above_a_rating(engine: Engine, ui: PatientUI) -> None:
    engine.head.setHpr(180, 0, 0)
    before = _frame(engine)
    ui.show_text("Vous vous en sortez très bien.", 5.0)
    engine.simulate(0.5)
    alone = _frame(engine)
    changed = np.abs(alone - before).mean(axis=2) > 30
    rows = np.nonzero(changed.any(axis=1))[0]
    assert rows.size > 5
    ask(engine, ui, 91)
    both = _frame(engine)
    changed_both = np.abs(both - before).mean(axis=2) > 30
    msg_rows = np.nonzero(np.abs(both - alone).mean(axis=2).any(axis=1))[0]
    assert changed_both.sum() > changed.sum()
    # With a rating on screen the message moves up, above the rating panel.
    assert ui.text_root.getZ() > 0.3
    assert msg_rows.min() < rows.min()
    ui.cancel_suds()
    engine.simulate(6.0)
    # Right after an answer the panel still says thank you: a message shown
    # then goes above it, not over it.
    ask(engine, ui, 92)
    engine.backend.emit("point", 0.4)
    engine.backend.emit("confirm", 1.0)
    ui.show_text("Très bien.", 2.0)
    assert ui.suds_visible and ui.text_root.getZ() > 0.3
    engine.simulate(3.0)
    assert not ui.suds_visible and not ui.text_visible
    ui.show_text("Encore un moment.", 2.0)
    assert ui.text_root.getZ() == 0.0
    engine.simulate(3.0)


class _CountingText:
    """Stands in for a TextNode and counts text rebuilds."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.texts: list[str] = []

    def setText(self, text: str) -> None:  # Panda's method name
        self.texts.append(text)
        self.real.setText(text)  # type: ignore[attr-defined]

    def getText(self) -> str:
        return str(self.real.getText())  # type: ignore[attr-defined]


def test_nothing_is_rebuilt_while_nothing_changes(engine: Engine, ui: PatientUI) -> None:
    ask(engine, ui, 95)
    counting = _CountingText(ui._number)
    ui._number = counting
    try:
        engine.simulate(0.5)
        engine.backend.emit("point", 0.5)
        assert counting.texts == ["50"]
        engine.simulate(0.5)
        engine.backend.emit("point", 0.5)  # same value as shown
        assert counting.texts == ["50"]
        engine.backend.emit("adjust", 1.0)
        assert counting.texts == ["50", "55"]
    finally:
        ui._number = counting.real
    ui.cancel_suds()


def test_close_removes_everything(engine: Engine) -> None:
    observers = list(engine.frame_observers)
    handlers = list(engine.backend.patient_input)
    panel = PatientUI(engine)
    assert len(engine.frame_observers) == len(observers) + 1
    panel.ask_suds(1)
    panel.show_text("bye", 2.0)
    panel.close()
    panel.close()  # idempotent
    assert engine.frame_observers == observers
    assert engine.backend.patient_input == handlers
    assert panel.root.isEmpty()
    assert engine.head.find("patient-ui").isEmpty()


def _extent(tn: object, np_: object) -> tuple[float, float]:
    """Left and right edges (panel metres) of a text node's drawn text."""
    from panda3d.core import NodePath, TextNode

    assert isinstance(tn, TextNode) and isinstance(np_, NodePath)
    sx, x = np_.getSx(), np_.getX()
    return x + tn.getLeft() * sx, x + tn.getRight() * sx


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_text_of_the_suds_panel_is_clipped_or_overlaps(
    engine: Engine, ui: PatientUI, lang: str
) -> None:
    from palier.engine.patient_ui import SUDS_W

    engine.language = lang
    try:
        ui.ask_suds(70)
        engine.simulate(0.1)
        half = SUDS_W / 2
        texts = {
            "title": (ui._title, ui._title_np),
            "instruction": (ui._instruction, ui._instruction_np),
            "hint": (ui._hint, ui._hint_np),
            **{f"anchor {tn.getText()!r}": (tn, np_) for tn, np_ in ui._anchors},
        }
        for name, (tn, np_) in texts.items():
            left, right = _extent(tn, np_)
            assert -half < left and right < half, f"{lang}: {name} leaves the panel"
        # Wrapped between words, never inside one ("complètemen / t calme").
        for tn, _np in ui._anchors:
            assert tn.getWordwrappedText().split() == tn.getText().split()
        # Neighbouring anchors never run into each other.
        spans = [_extent(tn, np_) for tn, np_ in ui._anchors]
        for (_l0, r0), (l1, _r1) in itertools.pairwise(spans):
            assert r0 + 0.015 < l1, f"{lang}: anchors touch or overlap: {spans}"
        ui.cancel_suds()
    finally:
        engine.language = "en"
