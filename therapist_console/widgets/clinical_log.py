"""The session page's clinical logging for the protocol's kind.

* ERP (``kind = "erp"``): the urge to perform the compulsion, 0-100, in one
  click (a row of values); each ritual kind (washing, checking, mental ritual,
  reassurance seeking, avoidance) resisted or performed, in one click.
  Contacts with the scene's surfaces come from the headset and appear in the
  timeline by themselves.
* Trauma cues (``kind = "trauma_cues"``): "Mark hotspot" records a moment of
  peak distress in one click, with the SUDS and the short note above it; it
  is stored with the last scene event or contact before it.

Both only show and call the model's ``ClinicalLog``; nothing is kept here.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from palier.core.i18n import N_, _, error_text
from palier.protocols.erp import RITUAL_KINDS, RitualKind
from palier.therapist_console.session import (
    ClinicalLog,
    Language,
    PatientPlan,
    Plan,
    Ratings,
    RunningSession,
    SudsEntry,
)
from palier.therapist_console.widgets.common import panel

URGE_VALUES = tuple(range(0, 101, 10))
"""The urge values offered as buttons (one click each)."""
RESISTED = N_("Resisted")
PERFORMED = N_("Performed")


class _Panel(QWidget):
    """Shown for one protocol kind, enabled while a session is open."""

    KIND = ""

    def __init__(
        self,
        language: Language,
        patient_plan: PatientPlan,
        running: RunningSession,
        clinical: ClinicalLog,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.language = language
        self.running = running
        self.clinical = clinical
        self.title = QLabel()
        self.frame, self.lay = panel(self.title)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.frame)
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        language.changed.connect(lambda _l: self.retranslate())
        patient_plan.events.plan.connect(self._plan)
        running.events.session.connect(lambda _s: self._enable())
        self._plan(patient_plan.plan)

    def _plan(self, plan: Plan | None) -> None:
        self.setVisible(plan is not None and plan.kind == self.KIND)

    def _enable(self) -> None:
        self.frame.setEnabled(self.running.is_open)

    def _done(self, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(text)

    def _refused(self, exc: Exception) -> None:
        self.status.setStyleSheet("color: #a6504a;")
        self.status.setText(error_text(exc, self.language.value))

    def retranslate(self) -> None:
        """Set every text in the console's language (each panel its own)."""
        raise NotImplementedError


class ErpPanel(_Panel):
    """Urges and rituals, for exposure with response prevention."""

    KIND = "erp"

    def __init__(
        self,
        language: Language,
        patient_plan: PatientPlan,
        running: RunningSession,
        clinical: ClinicalLog,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(language, patient_plan, running, clinical, parent)
        self.urge_label = QLabel()
        self.lay.addWidget(self.urge_label)
        urges = QGridLayout()
        urges.setSpacing(3)
        self.urge_buttons: dict[int, QPushButton] = {}
        for i, v in enumerate(URGE_VALUES):
            b = QPushButton(str(v))
            b.setMinimumHeight(34)
            b.clicked.connect(lambda _c=False, v=v: self.log_urge(v))
            urges.addWidget(b, i // 6, i % 6)  # two rows: 0-50, 60-100
            self.urge_buttons[v] = b
        self.lay.addLayout(urges)
        grid = QGridLayout()
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(3)
        self.ritual_labels: dict[str, QLabel] = {}
        self.ritual_buttons: dict[tuple[str, bool], QPushButton] = {}
        for row, ritual in enumerate(RITUAL_KINDS):
            label = QLabel()
            grid.addWidget(label, row, 0)
            self.ritual_labels[ritual] = label
            for col, resisted in ((1, True), (2, False)):
                b = QPushButton()
                b.setMinimumHeight(32)
                b.clicked.connect(
                    lambda _c=False, r=ritual, res=resisted: self.log_ritual(r, resisted=res)
                )
                grid.addWidget(b, row, col)
                self.ritual_buttons[(ritual, resisted)] = b
        grid.setColumnStretch(0, 1)
        self.lay.addLayout(grid)
        self.lay.addWidget(self.status)
        self._enable()
        self.retranslate()

    def retranslate(self) -> None:
        lang = self.language.value
        self.title.setText(_("Response prevention", lang))
        self.urge_label.setText(_("Urge to perform the compulsion (0-100)", lang))
        for ritual, label in self.ritual_labels.items():
            label.setText(RITUAL_KINDS[ritual].get(lang))
        for (ritual, resisted), b in self.ritual_buttons.items():
            b.setText((RESISTED if resisted else PERFORMED).get(lang))
            b.setToolTip(
                _(
                    "{ritual}: {what}, now",
                    lang,
                    ritual=RITUAL_KINDS[ritual].get(lang),
                    what=(RESISTED if resisted else PERFORMED).get(lang).lower(),
                )
            )

    def log_urge(self, value: int) -> None:
        lang = self.language.value
        try:
            self.clinical.log_urge(value)
        except Exception as exc:  # refused (no session, bad value): say why
            self._refused(exc)
            return
        self._done(_("Urge {value} recorded.", lang, value=value))

    def log_ritual(self, ritual: RitualKind, *, resisted: bool) -> None:
        lang = self.language.value
        try:
            self.clinical.log_ritual(resisted=resisted, ritual=ritual)
        except Exception as exc:
            self._refused(exc)
            return
        what = (RESISTED if resisted else PERFORMED).get(lang)
        self._done(f"{RITUAL_KINDS[ritual].get(lang)} — {what.lower()}")


class HotspotPanel(_Panel):
    """Hotspots, for trauma-cue (PTSD) protocols."""

    KIND = "trauma_cues"

    def __init__(
        self,
        language: Language,
        patient_plan: PatientPlan,
        running: RunningSession,
        clinical: ClinicalLog,
        ratings: Ratings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(language, patient_plan, running, clinical, parent)
        row = QHBoxLayout()
        self.suds_label = QLabel()
        self.suds = QSpinBox()
        """The SUDS stored with the hotspot: the last rating, until changed."""
        self.suds.setRange(-1, 100)
        self.suds.setSpecialValueText("—")  # -1: no SUDS with this hotspot
        self.suds.setValue(-1)
        self.suds.setMinimumHeight(40)
        self.note = QLineEdit()
        self.note.setMaxLength(200)
        self.note.setMinimumHeight(40)
        self.note.returnPressed.connect(self.mark)
        row.addWidget(self.suds_label)
        row.addWidget(self.suds)
        row.addWidget(self.note, 1)
        self.lay.addLayout(row)
        self.mark_button = QPushButton()
        self.mark_button.setObjectName("primary")
        self.mark_button.setMinimumHeight(44)
        self.mark_button.clicked.connect(self.mark)
        self.lay.addWidget(self.mark_button)
        self.hint = QLabel()
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        self.lay.addWidget(self.hint)
        self.lay.addWidget(self.status)
        ratings.events.suds.connect(self._rated)
        running.events.session.connect(lambda _s: self.suds.setValue(-1))
        self._enable()
        self.retranslate()

    def _rated(self, entry: SudsEntry) -> None:
        self.suds.setValue(entry.value)

    def retranslate(self) -> None:
        lang = self.language.value
        self.title.setText(_("Hotspots", lang))
        self.suds_label.setText("SUDS")
        self.note.setPlaceholderText(_("Short note (what the patient said)", lang))
        self.mark_button.setText(_("Mark hotspot", lang))
        self.hint.setText(
            _(
                "A moment of peak distress, now. It is stored with the last scene event "
                "or contact before it: the record shows what came before, not what "
                "brought it on.",
                lang,
            )
        )

    def mark(self) -> None:
        lang = self.language.value
        suds = self.suds.value()
        try:
            self.clinical.mark_hotspot(None if suds < 0 else suds, self.note.text())
        except Exception as exc:
            self._refused(exc)
            return
        self.note.clear()
        self._done(_("Hotspot marked.", lang))
