"""Expectancy tests (inhibitory learning): before a step, the outcome the
patient fears and how strongly they believe it (0-100 %); after it, whether
it happened and the belief now. The model records both
(``Progression.record_expectancy``, ``record_expectancy_outcome``) and shows
the advice (vary, test again, or review a confirmed outcome) with the other
suggestions; the latest test is shown here, violated or confirmed (the
timeline has each, the summary and the PDF list them).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from palier.core.i18n import N_, Message, _, error_text
from palier.protocols.progression import ProgressionError
from palier.therapist_console.session import Language, ModelError, Progression, RunningSession
from palier.therapist_console.widgets.common import ALERT, panel

BELIEF_NEEDED = N_("Enter the belief as a whole number from 0 to 100.")
FEAR_NEEDED = N_("Write the feared outcome in the patient's words.")
OUTCOME_NEEDED = N_("Say whether the feared outcome happened.")


def _belief(field: QLineEdit) -> int | None:
    text = field.text().strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) <= 100 else None


class ExpectancyPanel(QWidget):
    def __init__(
        self,
        language: Language,
        running: RunningSession,
        progression: Progression,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.language = language
        self.running = running
        self.progression = progression
        self.title = QLabel()
        frame, lay = panel(self.title)
        # Scrolled rather than squeezed when the page is short: wrapped labels
        # and line edits crushed below their height would be unreadable.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(frame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        # Before the step.
        self.before = QWidget()
        bl = QGridLayout(self.before)
        bl.setContentsMargins(0, 0, 0, 0)
        self.fear = QLineEdit()
        self.belief_before = QLineEdit()
        self.belief_before.setValidator(QIntValidator(0, 100, self))
        self.belief_before.setPlaceholderText("0–100")
        self.belief_before.setMaximumWidth(70)
        self.record_before = QPushButton()
        self.record_before.clicked.connect(self.record_expectancy)
        self.belief_before_label = QLabel()
        bl.addWidget(self.fear, 0, 0, 1, 3)
        bl.addWidget(self.belief_before_label, 1, 0)
        bl.addWidget(self.belief_before, 1, 1)
        bl.addWidget(self.record_before, 1, 2)
        lay.addWidget(self.before)

        # After it: the test waiting for its outcome.
        self.after = QWidget()
        al = QGridLayout(self.after)
        al.setContentsMargins(0, 0, 0, 0)
        self.pending = QLabel()
        self.pending.setWordWrap(True)
        self.observed = QLineEdit()
        self.happened = QRadioButton()
        self.not_happened = QRadioButton()
        self.occurred = QButtonGroup(self)
        self.occurred.addButton(self.happened)
        self.occurred.addButton(self.not_happened)
        self.belief_after_label = QLabel()
        self.belief_after = QLineEdit()
        self.belief_after.setValidator(QIntValidator(0, 100, self))
        self.belief_after.setPlaceholderText("0–100")
        self.belief_after.setMaximumWidth(70)
        self.record_after = QPushButton()
        self.record_after.clicked.connect(self.record_outcome)
        al.addWidget(self.pending, 0, 0, 1, 3)
        al.addWidget(self.observed, 1, 0, 1, 3)
        al.addWidget(self.happened, 2, 0)
        al.addWidget(self.not_happened, 2, 1, 1, 2)
        al.addWidget(self.belief_after_label, 3, 0)
        al.addWidget(self.belief_after, 3, 1)
        al.addWidget(self.record_after, 3, 2)
        lay.addWidget(self.after)

        self.tests = QLabel()
        self.tests.setWordWrap(True)
        self.tests.setObjectName("muted")
        lay.addWidget(self.tests)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ALERT};")
        lay.addWidget(self.error)
        self._error: Message | BaseException | None = None

        language.changed.connect(lambda _l: self.refresh())
        running.events.step.connect(lambda _s: self.refresh())
        running.events.session.connect(lambda _s: self.refresh())
        progression.events.expectancy.connect(lambda _id: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        lang = self.language.value
        self.title.setText(_("Expectancy test", lang))
        self.fear.setPlaceholderText(_("What the patient fears will happen, in their words", lang))
        self.belief_before_label.setText(_("Belief (%)", lang))
        self.record_before.setText(_("Record before the step", lang))
        self.observed.setPlaceholderText(_("What happened", lang))
        self.happened.setText(_("It happened", lang))
        self.not_happened.setText(_("It did not happen", lang))
        self.belief_after_label.setText(_("Belief now (%)", lang))
        self.record_after.setText(_("Record the outcome", lang))
        on = self.running.is_open and self.running.current_step is not None
        waiting = self.progression.untested() if on else None
        self.before.setVisible(waiting is None)
        self.after.setVisible(waiting is not None)
        for w in (self.fear, self.belief_before, self.record_before):
            w.setEnabled(on)
        if waiting is not None:
            self.pending.setText(waiting[1].line(lang))
        # The latest test only (the timeline has each; the summary and the PDF list them).
        tested = [e for e in self.progression.expectancies.values() if e.tested]
        self.tests.setText(
            _("Latest test: {line}", lang, line=tested[-1].line(lang)) if tested else ""
        )
        self.tests.setVisible(bool(tested))
        error = self._error
        self.error.setText(
            ""
            if error is None
            else error.get(lang)
            if isinstance(error, Message)
            else error_text(error, lang)
        )

    def _show(self, error: Message | BaseException | None) -> None:
        self._error = error
        self.refresh()

    def record_expectancy(self) -> None:
        belief = _belief(self.belief_before)
        if not self.fear.text().strip():
            return self._show(FEAR_NEEDED)
        if belief is None:
            return self._show(BELIEF_NEEDED)
        try:
            self.progression.record_expectancy(self.fear.text(), belief)
        except (ModelError, ProgressionError) as exc:
            return self._show(exc)
        self.fear.clear()
        self.belief_before.clear()
        self._show(None)

    def record_outcome(self) -> None:
        waiting = self.progression.untested()
        if waiting is None:
            return
        belief = _belief(self.belief_after)
        if self.occurred.checkedButton() is None:
            return self._show(OUTCOME_NEEDED)
        if belief is None:
            return self._show(BELIEF_NEEDED)
        try:
            self.progression.record_expectancy_outcome(
                waiting[0],
                observed_outcome=self.observed.text(),
                occurred=self.happened.isChecked(),
                likelihood_after=belief,
            )
        except (ModelError, ProgressionError) as exc:
            return self._show(exc)
        self.observed.clear()
        self.belief_after.clear()
        self.occurred.setExclusive(False)
        self.happened.setChecked(False)
        self.not_happened.setChecked(False)
        self.occurred.setExclusive(True)
        self._show(None)
