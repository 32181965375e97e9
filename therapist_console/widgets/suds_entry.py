"""SUDS entry: the rating the patient says aloud, or asked in the headset.

Big number field with the anchors (0 none .. 100 extreme) as buttons that set
the value; Enter or "Record" commits through ``ratings.enter`` (validation
is ``protocols.measures.validate_suds``, the one place). "Ask in headset" shows
the rating panel to the patient; the answer arrives as a clinical event. A
calm reminder bar appears when a rating is due (the model decides when).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from palier.core.i18n import _, error_text
from palier.protocols.measures import SUDS_ENDS, SudsError, suds_anchor_labels, validate_suds
from palier.therapist_console.session import (
    Commands,
    Language,
    Link,
    ModelError,
    Ratings,
    Reminder,
    RunningSession,
    SudsEntry,
)
from palier.therapist_console.session.timeline import SUDS_SOURCES
from palier.therapist_console.widgets.common import WARN, panel


class SudsEntryWidget(QWidget):
    def __init__(
        self,
        language: Language,
        running: RunningSession,
        link: Link,
        ratings: Ratings,
        commands: Commands,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.language = language
        self.running = running
        self.link = link
        self.ratings = ratings
        self.commands = commands
        self.title = QLabel()
        frame, lay = panel(self.title)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)

        self.reminder = QWidget()
        self.reminder.setStyleSheet(
            f"background: #f6ecd9; border: 1px solid {WARN}; border-radius: 6px;"
        )
        rl = QHBoxLayout(self.reminder)
        rl.setContentsMargins(8, 4, 4, 4)
        self.reminder_text = QLabel()
        self.reminder_text.setWordWrap(True)
        self.reminder_text.setStyleSheet("border: none;")
        self.reminder_later = QPushButton()
        self.reminder_later.clicked.connect(self.ratings.dismiss)
        rl.addWidget(self.reminder_text, 1)
        rl.addWidget(self.reminder_later)
        lay.addWidget(self.reminder)

        row = QHBoxLayout()
        self.value = QLineEdit()
        self.value.setValidator(QIntValidator(0, 100, self))
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.value.setFixedWidth(110)
        self.value.setMinimumHeight(52)
        self.value.setStyleSheet("font-size: 30px; font-weight: 600;")
        self.value.returnPressed.connect(self.record)
        self.record_button = QPushButton()
        self.record_button.setObjectName("primary")
        self.record_button.setMinimumHeight(52)
        self.record_button.clicked.connect(self.record)
        self.ask_button = QPushButton()
        self.ask_button.setMinimumHeight(52)
        self.ask_button.clicked.connect(self.ask_headset)
        row.addWidget(self.value)
        row.addWidget(self.record_button, 1)
        row.addWidget(self.ask_button, 1)
        lay.addLayout(row)

        anchors = QGridLayout()
        anchors.setSpacing(4)
        self.anchor_buttons: dict[int, QPushButton] = {}
        for i, (v, _label) in enumerate(suds_anchor_labels("en")):
            b = QPushButton()
            b.setMinimumHeight(44)
            b.clicked.connect(lambda _c=False, v=v: self.value.setText(str(v)))
            anchors.addWidget(b, 0, i)
            self.anchor_buttons[v] = b
        lay.addLayout(anchors)
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)

        interval_row = QHBoxLayout()
        self.interval_label = QLabel()
        self.interval_label.setObjectName("muted")
        self.interval = QSpinBox()
        """Minutes without a rating before the gentle reminder (the therapist's
        setting; the protocol's interval until changed)."""
        self.interval.setRange(1, 60)
        self.interval.setKeyboardTracking(False)
        self.interval.setValue(round(self.ratings.rule().interval_min))
        self.interval.valueChanged.connect(self.set_interval)
        interval_row.addWidget(self.interval_label)
        interval_row.addWidget(self.interval)
        interval_row.addStretch(1)
        lay.addLayout(interval_row)

        language.changed.connect(lambda _l: self.retranslate())
        ratings.events.suds.connect(self._on_suds)
        ratings.events.reminder.connect(self._on_reminder)
        running.events.session.connect(lambda _s: self._update_enabled())
        ratings.patient_plan.events.plan.connect(lambda _p: self._show_interval())
        link.events.link.connect(lambda _s: self._update_enabled())
        self.retranslate()

    def retranslate(self) -> None:
        lang = self.language.value
        self.title.setText(_("SUDS (0–100)", lang))
        self.value.setPlaceholderText("0–100")
        self.record_button.setText(_("Record", lang))
        self.ask_button.setText(_("Ask in headset", lang))
        self.reminder_later.setText(_("Later", lang))
        self.interval_label.setText(_("Remind every", lang))
        self.interval.setSuffix(_(" min", lang))
        self.interval.setToolTip(
            _("A gentle reminder appears when no SUDS was taken for this long.", lang)
        )
        self.interval_label.setToolTip(
            _("A gentle reminder appears when no SUDS was taken for this long.", lang)
        )
        for v, label in suds_anchor_labels(lang):
            self.anchor_buttons[v].setText(f"{v}\n{label}")
            self.anchor_buttons[v].setToolTip(SUDS_ENDS.get(lang))
        self.title.setToolTip(SUDS_ENDS.get(lang))
        self._on_reminder(self.ratings.reminder)
        self._show_last()
        self._update_enabled()

    def _update_enabled(self) -> None:
        open_ = self.running.is_open
        for w in (self.value, self.record_button, *self.anchor_buttons.values()):
            w.setEnabled(open_)
        self.ask_button.setEnabled(open_ and self.link.is_up)

    def _show_last(self) -> None:
        lang = self.language.value
        if self.ratings.history:
            last = self.ratings.history[-1]
            src = SUDS_SOURCES[last.source].get(lang)
            self.status.setText(
                _("Last rating: {value} ({source})", lang, value=last.value, source=src)
            )
        else:
            self.status.setText(_("No rating yet in this session.", lang))

    def _on_suds(self, _entry: SudsEntry) -> None:
        self._show_last()

    def _on_reminder(self, reminder: Reminder | None) -> None:
        if reminder is None:
            self.reminder.hide()
            return
        self.reminder_text.setText(reminder.text(self.language.value))
        self.reminder.show()

    # -- actions -----------------------------------------------------------------------
    def record(self) -> None:
        lang = self.language.value
        try:
            rating = validate_suds(self.value.text())
            self.ratings.enter(rating)
        except SudsError:
            self.status.setText(_("Type a whole number from 0 to 100.", lang))
            return
        except ModelError as exc:
            self.status.setText(error_text(exc, lang))
            return
        self.value.clear()

    def ask_headset(self) -> None:
        try:
            self.commands.ask_suds()
            self.status.setText(
                _(
                    "The rating panel is shown in the headset; the answer will appear here.",
                    self.language.value,
                )
            )
        except ModelError as exc:
            self.status.setText(error_text(exc, self.language.value))

    def _show_interval(self) -> None:
        """The interval in force (the protocol's, or the therapist's)."""
        self.interval.blockSignals(True)
        self.interval.setValue(round(self.ratings.rule().interval_min))
        self.interval.blockSignals(False)

    def set_interval(self, minutes: int) -> None:
        try:
            self.ratings.set_interval(float(minutes) * 60.0)
        except ModelError as exc:
            self.status.setText(error_text(exc, self.language.value))
            self._show_interval()
