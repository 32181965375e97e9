"""The fear hierarchy: one row per step with its expected SUDS, the current
step highlighted; "Go to step" (or a double click) loads that step's scene
and values in the headset. Suggestions from the progression rules appear
under the list with Take / Not now: the software suggests, the therapist
decides."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from palier.core.i18n import _, error_text
from palier.therapist_console.session import (
    Commands,
    Language,
    Link,
    ModelError,
    PatientPlan,
    Progression,
    Ratings,
    RunningSession,
    ShownSuggestion,
)
from palier.therapist_console.widgets.common import ACCENT, panel

ROW_MARGIN = 24
"""Pixels of a row's width that are not text: the style sheet's padding (6 px a side), the
item's text margins and frame (Qt's own estimate leaves the padding out)."""
ROW_PADDING = 16
"""Pixels of a row's height above and below its text."""


class HierarchyList(QWidget):
    def __init__(
        self,
        language: Language,
        patient_plan: PatientPlan,
        running: RunningSession,
        link: Link,
        progression: Progression,
        ratings: Ratings,
        commands: Commands,
        parent: QWidget | None = None,
        confirm_end_rating: bool = True,
        edit: Callable[[], object] | None = None,
    ) -> None:
        """``edit``: opens the hierarchy editor (a button under the list)."""
        super().__init__(parent)
        self.language = language
        self.patient_plan = patient_plan
        self.running = running
        self.link = link
        self.progression = progression
        self.ratings = ratings
        self.commands = commands
        self.confirm_end_rating = confirm_end_rating
        self.title = QLabel()
        frame, lay = panel(self.title)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always there: rows are laid out for the width they are drawn at (a
        # scroll bar appearing after the layout narrowed them, and the last
        # lines of a wrapped step, its expected SUDS, were cut).
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.list.viewport().installEventFilter(self)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.itemDoubleClicked.connect(lambda it: self.go(self.list.row(it)))
        lay.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.go_button = QPushButton()
        self.go_button.setObjectName("primary")
        self.go_button.setMinimumHeight(40)
        self.go_button.clicked.connect(lambda: self.go(self.list.currentRow()))
        self.next_button = QPushButton()
        self.next_button.setMinimumHeight(40)
        self.next_button.clicked.connect(self.go_next)
        row.addWidget(self.go_button, 1)
        row.addWidget(self.next_button, 1)
        lay.addLayout(row)
        self.edit_button = QPushButton()
        self.edit_button.setVisible(edit is not None)
        if edit is not None:
            self.edit_button.clicked.connect(lambda: edit())
        lay.addWidget(self.edit_button)
        self.suggestion = QWidget()
        sl = QHBoxLayout(self.suggestion)
        sl.setContentsMargins(0, 0, 0, 0)
        self.suggestion_text = QLabel()
        self.suggestion_text.setWordWrap(True)
        self.take = QPushButton()
        self.decline = QPushButton()
        self.take.clicked.connect(lambda: self._decide(True))
        self.decline.clicked.connect(lambda: self._decide(False))
        sl.addWidget(self.suggestion_text, 1)
        sl.addWidget(self.take)
        sl.addWidget(self.decline)
        self.suggestion.hide()
        lay.addWidget(self.suggestion)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a6504a;")
        lay.addWidget(self.error)
        for sig in (
            patient_plan.events.plan,
            running.events.step,
            language.changed,
            running.events.session,
            link.events.link,
        ):
            sig.connect(lambda _v: self.refresh())
        progression.events.suggestion.connect(self._on_suggestion)
        progression.events.decided.connect(lambda _id: self._show_suggestion())
        self.refresh()

    def refresh(self) -> None:
        lang = self.language.value
        self.title.setText(_("Hierarchy", lang))
        self.go_button.setText(_("Go to this step", lang))
        self.next_button.setText(_("Next step", lang))
        self.edit_button.setText(_("Edit the hierarchy…", lang))
        self.take.setText(_("Take", lang))
        self.decline.setText(_("Not now", lang))
        plan = self.patient_plan.plan
        cur = self.running.current_step
        current = cur.index if cur else None
        keep = self.list.currentRow()
        self.list.clear()
        # Outside the f-string: the catalogue's extractor does not look inside one.
        expected_word = _("expected SUDS", lang)
        for i, step in enumerate(plan.steps if plan else ()):
            expected = "—" if step.expected_suds is None else str(step.expected_suds)
            text = f"{i + 1}. {step.label_text(lang)}\n    {expected_word} {expected}"
            item = QListWidgetItem(("▶ " if i == current else "") + text)
            if i == current:
                f = QFont()
                f.setBold(True)
                item.setFont(f)
                item.setForeground(QBrush(QColor(ACCENT)))
                item.setBackground(QBrush(QColor("#e3edf3")))
            item.setData(Qt.ItemDataRole.UserRole, i)
            self.list.addItem(item)
        self._fit_rows()
        if current is not None and keep < 0:
            keep = current
        if 0 <= keep < self.list.count():
            self.list.setCurrentRow(keep)
        on = self.running.is_open and plan is not None
        self.go_button.setEnabled(on)
        self.next_button.setEnabled(
            on and (current is None or current + 1 < len(plan.steps) if plan else False)
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.list.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_rows()
        return super().eventFilter(watched, event)

    def row_text_width(self) -> int:
        """The width a row's text wraps at: the viewport less the item's margins."""
        return max(40, self.list.viewport().width() - ROW_MARGIN)

    def _fit_rows(self) -> None:
        """Each row as tall as its wrapped text in its own font (the current
        step is bold), so no line is cut (Qt's own estimate ran a line short)."""
        width = self.row_text_width()
        for i in range(self.list.count()):
            item = self.list.item(i)
            font = item.font() if item.data(Qt.ItemDataRole.FontRole) else self.list.font()
            fm = QFontMetrics(font)
            need = fm.boundingRect(
                QRect(0, 0, width, 100000), int(Qt.TextFlag.TextWordWrap), item.text()
            ).height()
            item.setSizeHint(QSize(width, need + ROW_PADDING))

    def go_next(self) -> None:
        cur = self.running.current_step
        self.go(0 if cur is None else cur.index + 1)

    def go(self, index: int) -> None:
        if index < 0:
            return
        lang = self.language.value
        if self.confirm_end_rating and self.ratings.end_rating_due() is not None:
            answer = QMessageBox.question(
                self,
                _("Hierarchy", lang),
                _("No SUDS was taken at the end of this step. Move on anyway?", lang),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self.commands.go_to_step(index)
            self.error.clear()
        except ModelError as exc:
            self.error.setText(error_text(exc, lang))
        self.list.setCurrentRow(index)

    def _on_suggestion(self, _shown: ShownSuggestion) -> None:
        self._show_suggestion()

    def _show_suggestion(self) -> None:
        """The suggestion waiting for the therapist (the model keeps it)."""
        current = self.progression.current
        if current is None:
            self.suggestion.hide()
            return
        self.suggestion_text.setText(current.text)
        self.suggestion.show()

    def _decide(self, taken: bool) -> None:
        current = self.progression.current
        if current is not None:
            self.progression.decide(current.id, taken)
        self.suggestion.hide()
        if taken and self.running.current_step is not None:
            self.go_next()
