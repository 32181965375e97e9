"""Controls generated from the current scene's declaration (``SceneDecl``).

Numbers get a slider with a spin box and their unit, choices a drop-down,
toggles a check box, events one button each, with the event's declared options
under it (the same generated controls, kept here until the event is fired
with them). The declaration comes from the
engine's catalogue (``link.scene_declaration()``), so a new scene plugin gets
its controls without any console code. Values shown are the running session's current
step values; a change is sent at once with a short ramp so the patient sees a
smooth change, never a jump.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from palier.core.i18n import _, error_text, pgettext
from palier.scenes.api import INTENSITY_DIRECTIONS, ParamKind, ParamSpec, ParamValue, SceneDecl
from palier.therapist_console.session import Commands, Language, Link, ModelError, RunningSession
from palier.therapist_console.widgets.common import panel, qt_locale

log = logging.getLogger(__name__)

RAMP_S = 1.5
"""Seconds over which a parameter change is eased in the headset."""
SLIDER_STEPS = 1000


class NumberControl(QWidget):
    """Slider + spin box for a float or int parameter; emits on release/enter."""

    def __init__(self, spec: ParamSpec, on_change: Any, lang: str = "en") -> None:
        super().__init__()
        assert spec.minimum is not None and spec.maximum is not None
        self.spec = spec
        self._on_change = on_change
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.spin: QSpinBox | QDoubleSpinBox
        if spec.kind is ParamKind.INT:
            self.spin = QSpinBox()
            self.spin.setRange(int(spec.minimum), int(spec.maximum))
            self.spin.setSingleStep(int(spec.step or 1))
        else:
            self.spin = QDoubleSpinBox()
            self.spin.setRange(spec.minimum, spec.maximum)
            step = spec.step or (spec.maximum - spec.minimum) / 100
            self.spin.setSingleStep(step)
            self.spin.setDecimals(max(0, min(3, -int(f"{step:e}".split("e")[1]))))
        self.spin.setKeyboardTracking(False)
        # Decimals as the console language writes them (0,50 m in French).
        self.spin.setLocale(qt_locale(lang))
        if spec.unit:
            self.spin.setSuffix(f" {spec.unit}")
        self.spin.setMinimumWidth(96)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.spin)
        self.slider.sliderMoved.connect(self._slider_preview)
        self.slider.sliderReleased.connect(self._slider_commit)
        self.slider.actionTriggered.connect(self._slider_action)
        self.spin.valueChanged.connect(self._spin_commit)

    def _to_slider(self, v: float) -> int:
        lo, hi = float(self.spec.minimum or 0), float(self.spec.maximum or 1)
        return round((v - lo) / (hi - lo) * SLIDER_STEPS)

    def _from_slider(self, pos: int) -> float | int:
        lo, hi = float(self.spec.minimum or 0), float(self.spec.maximum or 1)
        v = lo + (hi - lo) * pos / SLIDER_STEPS
        if self.spec.step:
            v = lo + round((v - lo) / self.spec.step) * self.spec.step
        v = min(hi, max(lo, v))
        return round(v) if self.spec.kind is ParamKind.INT else round(v, 6)

    def show_value(self, value: Any) -> None:
        for w in (self.slider, self.spin):
            w.blockSignals(True)
        self._spin_set(value)
        self.slider.setValue(self._to_slider(float(value)))
        for w in (self.slider, self.spin):
            w.blockSignals(False)

    def _slider_preview(self, pos: int) -> None:
        self.spin.blockSignals(True)
        self._spin_set(self._from_slider(pos))
        self.spin.blockSignals(False)

    def _slider_action(self, _action: int) -> None:
        if not self.slider.isSliderDown():  # page/arrow keys: commit at once
            self._on_change(self.spec.name, self._from_slider(self.slider.sliderPosition()))

    def _slider_commit(self) -> None:
        self._on_change(self.spec.name, self._from_slider(self.slider.value()))

    def _spin_commit(self, value: float) -> None:
        v = int(value) if self.spec.kind is ParamKind.INT else float(value)
        self._on_change(self.spec.name, v)

    def _spin_set(self, value: float) -> None:
        if isinstance(self.spin, QSpinBox):
            self.spin.setValue(round(value))
        else:
            self.spin.setValue(float(value))

    def set_value(self, value: float) -> None:
        """Set as a therapist would (tests, keyboard): shown and sent."""
        self._spin_set(value)


def make_param_control(spec: ParamSpec, lang: str, on_change: Any) -> QWidget:
    """The control for one declared parameter (slider and spin box, drop-down
    or check box); ``on_change(name, value)`` when the therapist sets it. The
    session page and the hierarchy editor both use it."""
    if spec.kind in (ParamKind.FLOAT, ParamKind.INT):
        return NumberControl(spec, on_change, lang)
    if spec.kind is ParamKind.CHOICE:
        box = QComboBox()
        for c in spec.choices:
            box.addItem(c.label.get(lang), c.value)
        box.activated.connect(lambda i, b=box, n=spec.name: on_change(n, b.itemData(i)))
        return box
    check = QCheckBox(pgettext("parameter value", "on", lang))
    check.clicked.connect(lambda on, n=spec.name: on_change(n, bool(on)))
    return check


def show_param_value(control: QWidget, value: Any) -> None:
    """Show ``value`` in a control from :func:`make_param_control` (no signal)."""
    if isinstance(control, NumberControl):
        control.show_value(value)
    elif isinstance(control, QComboBox):
        control.blockSignals(True)
        control.setCurrentIndex(max(0, control.findData(value)))
        control.blockSignals(False)
    elif isinstance(control, QCheckBox):
        control.blockSignals(True)
        control.setChecked(bool(value))
        control.blockSignals(False)


class SceneControls(QWidget):
    """Parameters and events of the current step's scene."""

    def __init__(
        self,
        language: Language,
        running: RunningSession,
        link: Link,
        commands: Commands,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.language = language
        self.running = running
        self.link = link
        self.commands = commands
        self.title = QLabel()
        frame, self._lay = panel(self.title)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        self.hint = QLabel()
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        self._lay.addWidget(self.hint)
        self._grid_host = QWidget()
        self._lay.addWidget(self._grid_host)
        self.events_title = QLabel()
        self.events_title.setObjectName("title")
        self._lay.addWidget(self.events_title)
        self._events_host = QWidget()
        self._lay.addWidget(self._events_host)
        self._lay.addStretch(1)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a6504a;")
        self._lay.addWidget(self.error)
        self.controls: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.event_buttons: dict[str, QPushButton] = {}
        self.option_controls: dict[tuple[str, str], QWidget] = {}
        """(event, option) -> its control."""
        self.option_values: dict[str, dict[str, Any]] = {}
        """Each event's options as the therapist set them (defaults at first)."""
        self._options_scene: str | None = None
        self._decl: SceneDecl | None = None
        running.events.step.connect(lambda _s: self.rebuild())
        running.events.params.connect(lambda _p: self.refresh_values())
        language.changed.connect(lambda _l: self.rebuild())
        link.events.link.connect(lambda _l: self.rebuild())
        running.events.session.connect(lambda _s: self._update_enabled())
        self.rebuild()

    @property
    def declaration(self) -> SceneDecl | None:
        return self._decl

    def rebuild(self) -> None:
        lang = self.language.value
        step = self.running.current_step
        decl = self.link.scene_declaration() if step is not None else None
        self._decl = decl
        self.events_title.setText(_("Events", lang))
        for host in (self._grid_host, self._events_host):
            old = host.layout()
            if old is not None:
                QWidget().setLayout(old)  # reparent the old layout to drop it
        self.controls.clear()
        self.labels.clear()
        self.event_buttons.clear()
        self.option_controls.clear()
        self.error.clear()
        if decl is None:
            self.title.setText(_("Scene", lang))
            self.hint.setText(_("Go to a step of the hierarchy to load its scene.", lang))
            self.hint.show()
            self.events_title.hide()
            return
        self.title.setText(f"{_('Scene', lang)} — {decl.name.get(lang)}")
        self.hint.hide()
        grid = QGridLayout(self._grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        for row, spec in enumerate(decl.params):
            label = QLabel(spec.label.get(lang))
            direction = INTENSITY_DIRECTIONS[spec.intensifies].get(lang)
            if spec.help is not None:
                label.setToolTip(f"{spec.help.get(lang)}\n{direction}")
            else:
                label.setToolTip(direction)
            grid.addWidget(label, row, 0)
            control = self._make_control(spec, lang)
            grid.addWidget(control, row, 1)
            self.controls[spec.name] = control
            self.labels[spec.name] = label
        events = QGridLayout(self._events_host)
        events.setContentsMargins(0, 0, 0, 0)
        self.events_title.setVisible(bool(decl.events))
        events.setColumnStretch(2, 1)
        row = 0
        # The options set stay while the scene does (a language change rebuilds).
        kept = self.option_values if decl.id == self._options_scene else {}
        self._options_scene = decl.id
        self.option_values = {}
        for ev in decl.events:
            b = QPushButton(ev.label.get(lang))
            b.setMinimumHeight(36)
            if ev.help is not None:
                b.setToolTip(ev.help.get(lang))
            b.clicked.connect(lambda _c=False, name=ev.name: self.fire(name))
            events.addWidget(b, row, 0, 1, 3)
            self.event_buttons[ev.name] = b
            row += 1
            values = {o.name: kept.get(ev.name, {}).get(o.name, o.default) for o in ev.options}
            self.option_values[ev.name] = values
            for opt in ev.options:
                label = QLabel(opt.label.get(lang))
                label.setObjectName("muted")
                if opt.help is not None:
                    label.setToolTip(opt.help.get(lang))
                control = self._make_control(opt, lang, self._option_setter(ev.name))
                show_param_value(control, values[opt.name])
                events.addWidget(label, row, 1)
                events.addWidget(control, row, 2)
                self.option_controls[(ev.name, opt.name)] = control
                row += 1
        self.refresh_values()
        self._update_enabled()

    def _make_control(
        self, spec: ParamSpec, lang: str, on_change: Callable[[str, Any], None] | None = None
    ) -> QWidget:
        """The control for a parameter or an event option; ``on_change(name,
        value)`` (a parameter's: :meth:`change`, sent at once)."""
        return make_param_control(spec, lang, on_change or self.change)

    def refresh_values(self) -> None:
        step = self.running.current_step
        if step is None or self._decl is None:
            return
        for spec in self._decl.params:
            w = self.controls.get(spec.name)
            if w is not None:
                show_param_value(w, step.params.get(spec.name, spec.default))

    def _update_enabled(self) -> None:
        on = self.running.is_open and self.running.current_step is not None
        controls = [*self.controls.values(), *self.event_buttons.values()]
        for w in [*controls, *self.option_controls.values()]:
            w.setEnabled(on)

    # -- actions -----------------------------------------------------------------
    def change(self, name: str, value: Any) -> None:
        """Validate against the declaration, then send with a ramp."""
        step = self.running.current_step
        if self._decl is None or step is None:
            return
        if step.params.get(name) == value:
            return
        try:
            valid = self._decl.param(name).validate(value, self._decl.id)
            self.commands.set_params({name: valid}, ramp_s=RAMP_S)
            self.error.clear()
        except (ValueError, ModelError) as exc:
            self.error.setText(error_text(exc, self.language.value))
            self.refresh_values()  # back to what the engine has

    def _option_setter(self, event: str) -> Callable[[str, Any], None]:
        def changed(name: str, value: Any) -> None:
            self.set_option(event, name, value)

        return changed

    def set_option(self, event: str, name: str, value: Any) -> None:
        """Keep an event option for its next firing (nothing is sent)."""
        if self._decl is None:
            return
        spec = next(o for o in self._decl.event(event).options if o.name == name)
        try:
            self.option_values[event][name] = spec.validate(value, self._decl.id)
            self.error.clear()
        except ValueError as exc:
            self.error.setText(error_text(exc, self.language.value))
            show_param_value(self.option_controls[(event, name)], self.option_values[event][name])

    def fire(self, name: str, options: Mapping[str, ParamValue] | None = None) -> None:
        """Fire an event with ``options`` (a planned event's, from its
        protocol step), by default those set under its button."""
        try:
            options = dict(self.option_values.get(name, {}) if options is None else options)
            if self._decl is not None and options:
                options = self._decl.event(name).validate_options(options, self._decl.id)
            self.commands.fire(name, options)
            self.error.clear()
        except (ValueError, ModelError) as exc:
            self.error.setText(error_text(exc, self.language.value))
