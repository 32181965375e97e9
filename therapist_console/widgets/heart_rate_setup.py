"""The session setup's heart-rate panel: which sensor (none, Bluetooth, LSL
stream, or the simulation, said to be invented), its state always shown, and
the patient's heart-rate alarm (ceiling from age or in bpm, sustained time).

Choosing is explicit: nothing here ever replaces an unreachable sensor by
the simulation."""

from __future__ import annotations

import asyncio
import logging
import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from palier.core.i18n import _, error_text, fmt_number, percent
from palier.therapist_console.heart_rate.alarm import (
    TANAKA_SPREAD_BPM,
    AlarmSettings,
    tanaka_max_hr,
)
from palier.therapist_console.heart_rate.choice import open_source
from palier.therapist_console.record import Patient
from palier.therapist_console.session import Language, PatientPlan, Sensors
from palier.therapist_console.widgets.chart import STATE_TEXTS
from palier.therapist_console.widgets.common import ALERT, panel

log = logging.getLogger(__name__)

KINDS = ("none", "ble", "lsl", "simulated")


class _ScanResults(QObject):
    found = Signal(list)
    failed = Signal(object)


class HeartRatePanel(QWidget):
    def __init__(
        self,
        language: Language,
        sensors: Sensors,
        patient_plan: PatientPlan,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.language = language
        self.sensors = sensors
        self.patient_plan = patient_plan
        self.title = QLabel()
        frame, lay = panel(self.title)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)

        row = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.target = QComboBox()
        self.target.setEditable(True)
        self.target.setMinimumWidth(220)
        self.scan_button = QPushButton()
        self.scan_button.clicked.connect(self.scan)
        self.use_button = QPushButton()
        self.use_button.clicked.connect(self.use)
        for w in (self.kind, self.target, self.scan_button, self.use_button):
            row.addWidget(w)
        row.addStretch(1)
        lay.addLayout(row)
        self.state = QLabel()
        self.state.setObjectName("hr_setup_state")
        self.state.setWordWrap(True)
        lay.addWidget(self.state)

        grid = QGridLayout()
        self.alarm_on = QCheckBox()
        self.age = QSpinBox()
        self.age.setRange(0, 120)
        self.age.setSpecialValueText("—")
        self.fraction = QSpinBox()
        self.fraction.setRange(30, 100)
        self.fraction.setSuffix(" %")
        self.ceiling = QSpinBox()
        self.ceiling.setRange(60, 230)
        self.ceiling.setSuffix(" bpm")
        self.sustain = QSpinBox()
        self.sustain.setRange(1, 600)
        self.sustain.setSuffix(" s")
        self.labels = [QLabel() for _ in range(4)]
        for i, (label, box) in enumerate(
            zip(self.labels, (self.age, self.fraction, self.ceiling, self.sustain), strict=True)
        ):
            grid.addWidget(label, 0, 2 * i)
            grid.addWidget(box, 0, 2 * i + 1)
        grid.addWidget(self.alarm_on, 1, 0, 1, 8)
        lay.addLayout(grid)
        self.alarm_help = QLabel()
        self.alarm_help.setObjectName("muted")
        self.alarm_help.setWordWrap(True)
        lay.addWidget(self.alarm_help)
        self._loading = False
        self._set_boxes(AlarmSettings())
        for box in (self.age, self.fraction, self.ceiling, self.sustain):
            box.valueChanged.connect(lambda _v: self._alarm_changed())
        self.alarm_on.toggled.connect(lambda _v: self._alarm_changed())

        self._scan = _ScanResults()
        self._scan.found.connect(self._scanned)
        self._scan.failed.connect(self._scan_failed)
        self._error: BaseException | None = None
        language.changed.connect(lambda _l: self.retranslate())
        sensors.events.heart_rate_state.connect(lambda _s: self.show_state())
        patient_plan.events.patient.connect(self._patient)
        self.retranslate()

    # -- text ----------------------------------------------------------------
    def retranslate(self) -> None:
        lang = self.language.value
        self.title.setText(_("Heart rate (optional)", lang))
        names = {
            "none": _("No heart rate", lang),
            "ble": _("Bluetooth sensor", lang),
            "lsl": _("Lab Streaming Layer stream", lang),
            "simulated": _("Simulated (demo: invented, not measured)", lang),
        }
        index = max(0, self.kind.currentIndex())
        self.kind.blockSignals(True)
        self.kind.clear()
        self.kind.addItems([names[k] for k in KINDS])
        self.kind.setCurrentIndex(index)
        self.kind.blockSignals(False)
        self.scan_button.setText(_("Scan", lang))
        self.use_button.setText(_("Use", lang))
        for label, text in zip(
            self.labels,
            (_("Age", lang), _("Share of max.", lang), _("Ceiling", lang), _("Sustained", lang)),
            strict=True,
        ):
            label.setText(text)
        self.alarm_on.setText(_("Alert when the heart rate stays above the ceiling", lang))
        self._kind_changed()
        self._show_ceiling()
        self.show_state()

    def _kind_changed(self) -> None:
        kind = KINDS[max(0, self.kind.currentIndex())]
        lang = self.language.value
        self.target.setEnabled(kind in ("ble", "lsl"))
        self.scan_button.setEnabled(kind == "ble")
        edit = self.target.lineEdit()
        if edit is not None:
            edit.setPlaceholderText(
                _("address, e.g. A0:9E:1A:12:34:56", lang)
                if kind == "ble"
                else _("stream name, source id or type", lang)
                if kind == "lsl"
                else ""
            )

    # -- the source ----------------------------------------------------------
    def spec(self) -> str | None:
        kind = KINDS[max(0, self.kind.currentIndex())]
        if kind == "none":
            return None
        if kind == "simulated":
            return "simulated"
        target = self.target.currentText().split()[0] if self.target.currentText() else ""
        return f"{kind}:{target}"

    def use(self) -> None:
        """Attach the chosen source (stopping the previous one) and start it."""
        self._error = None
        spec = self.spec()
        try:
            source = (
                None
                if spec is None
                else open_source(
                    spec, intensity=self.sensors.exposure_intensity, clock=self.sensors.clock
                )
            )
        except ValueError as exc:
            self._error = exc
            self.show_state()
            return
        self.sensors.attach_heart_rate(source)
        if source is not None:
            source.start()
        self.show_state()

    def scan(self) -> None:
        """Look for Bluetooth heart-rate sensors (a few seconds, off the GUI thread)."""
        from palier.therapist_console.heart_rate.ble import scan

        self.scan_button.setEnabled(False)
        self.state.setText(_("Looking for Bluetooth heart-rate sensors…", self.language.value))

        def work() -> None:
            try:
                found = asyncio.run(scan(4.0))
            except Exception as exc:
                self._scan.failed.emit(exc)
                return
            self._scan.found.emit([f"{d.address} {d.name}".strip() for d in found])

        threading.Thread(target=work, name="ble-scan", daemon=True).start()

    def _scanned(self, items: list[str]) -> None:
        self.scan_button.setEnabled(True)
        self.target.clear()
        self.target.addItems(items)
        if not items:
            self._error = None
            self.state.setText(
                _("No heart-rate sensor found. Is it worn and near?", self.language.value)
            )
            return
        self.show_state()

    def _scan_failed(self, exc: BaseException) -> None:
        self.scan_button.setEnabled(True)
        self._error = exc
        self.show_state()

    def state_text(self) -> str:
        lang = self.language.value
        if self._error is not None:
            return error_text(self._error, lang)
        source = self.sensors.heart_rate_source
        if source is None:
            return _("No heart-rate source: the session runs without one.", lang)
        state = STATE_TEXTS[source.state].get(lang)
        if source.simulated:
            return _("SIMULATED heart rate: invented, not measured", lang) + f" · {state}"
        last = self.sensors.last_state
        detail = f" ({last.detail})" if last is not None and last.detail else ""
        return f"{source.label}: {state}{detail}"

    def show_state(self) -> None:
        self.state.setText(self.state_text())
        source = self.sensors.heart_rate_source
        alert = self._error is not None or (source is not None and source.simulated)
        self.state.setStyleSheet(f"color: {ALERT}; font-weight: 600;" if alert else "")

    # -- the alarm -----------------------------------------------------------
    def settings(self) -> AlarmSettings:
        return AlarmSettings(
            age_years=float(self.age.value()) or None,
            fraction=self.fraction.value() / 100.0,
            ceiling_bpm=float(self.ceiling.value()),
            sustain_s=float(self.sustain.value()),
            enabled=self.alarm_on.isChecked(),
        )

    def _set_boxes(self, s: AlarmSettings) -> None:
        self._loading = True
        self.age.setValue(int(s.age_years or 0))
        self.fraction.setValue(round(s.fraction * 100))
        self.ceiling.setValue(round(s.ceiling_bpm))
        self.sustain.setValue(round(s.sustain_s))
        self.alarm_on.setChecked(s.enabled)
        self._loading = False

    def _patient(self, patient: Patient | None) -> None:
        stored = None if patient is None else self.sensors.record.heart_rate_alarm(patient.id)
        settings = AlarmSettings(**stored) if stored else AlarmSettings()
        self._set_boxes(settings)
        self.sensors.configure_alarm(settings)
        self._show_ceiling()

    def _alarm_changed(self) -> None:
        if self._loading:
            return
        s = self.settings()
        self.sensors.configure_alarm(s)
        patient = self.patient_plan.patient
        if patient is not None:
            self.sensors.record.set_heart_rate_alarm(
                patient.id,
                age_years=s.age_years,
                fraction=s.fraction,
                ceiling_bpm=s.ceiling_bpm,
                sustain_s=s.sustain_s,
                enabled=s.enabled,
                t=self.sensors.clock(),
            )
        self._show_ceiling()

    def _show_ceiling(self) -> None:
        lang = self.language.value
        s = self.settings()
        self.fraction.setEnabled(s.age_years is not None)
        self.ceiling.setEnabled(s.age_years is None)
        if s.age_years is not None:
            text = _(
                "Ceiling {ceiling} bpm: {share} of the age-predicted maximum of {hrmax} bpm "
                "(Tanaka: 208 − 0.7 × age). That estimate has a spread of about ±{spread} "
                "bpm: this patient's true maximum may be 10 to 20 bpm away. The alarm "
                "informs you; it never acts on the patient.",
                lang,
                ceiling=fmt_number(s.ceiling, lang, 0),
                share=percent(self.fraction.value()),
                hrmax=fmt_number(tanaka_max_hr(s.age_years), lang, 0),
                spread=fmt_number(TANAKA_SPREAD_BPM, lang, 0),
            )
        else:
            text = _(
                "Ceiling {ceiling} bpm, set by you (give the age to derive it from "
                "Tanaka's 208 − 0.7 × age instead). The alarm informs you; it never acts "
                "on the patient.",
                lang,
                ceiling=fmt_number(s.ceiling, lang, 0),
            )
        self.alarm_help.setText(text)
