"""Timeline of everything that happened (commands, events, SUDS, notes, link
losses, steps), newest at the bottom, and a field for timestamped notes."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from palier.core.i18n import N_, _, error_text
from palier.therapist_console.session import (
    ClinicalLog,
    Language,
    Link,
    ModelError,
    RunningSession,
    Timeline,
    TimelineEntry,
)
from palier.therapist_console.widgets.common import fmt_clock, panel

KIND_COLORS = {
    "suds": "#3f6e8c",
    "note": "#2b2f33",
    "link": "#a6504a",
    "event": "#8a6d9c",
    "step": "#4f7f63",
    "command": "#6b7177",
    "session": "#2b2f33",
    "suggestion": "#b0813a",
}
KIND_TEXTS = {
    "suds": N_("SUDS"),
    "note": N_("Note"),
    "link": N_("Link"),
    "event": N_("Event"),
    "step": N_("Step"),
    "command": N_("Command"),
    "session": N_("Session"),
    "suggestion": N_("Suggestion"),
}
KIND_TEXTS = {
    "suds": N_("SUDS"),
    "note": N_("Note"),
    "link": N_("Link"),
    "event": N_("Event"),
    "step": N_("Step"),
    "command": N_("Command"),
    "session": N_("Session"),
    "suggestion": N_("Suggestion"),
}


class TimelineView(QWidget):
    def __init__(
        self,
        language: Language,
        running: RunningSession,
        timeline: Timeline,
        link: Link,
        clinical: ClinicalLog,
        parent: QWidget | None = None,
        show_commands: bool = True,
    ) -> None:
        super().__init__(parent)
        self.language = language
        self.running = running
        self.timeline = timeline
        self.link = link
        self.clinical = clinical
        self.show_commands = show_commands
        self.title = QLabel()
        frame, lay = panel(self.title)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        self.table = QTableWidget(0, 3)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 62)
        self.table.setColumnWidth(1, 96)
        self.table.setShowGrid(False)
        # Long lines wrap onto a second line rather than being cut off.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setMinimumSectionSize(24)
        self._follow = True
        bar = self.table.verticalScrollBar()
        bar.rangeChanged.connect(self._range_changed)
        bar.valueChanged.connect(self._scrolled)
        self.table.setAlternatingRowColors(True)
        self.table.setStyleSheet("QTableWidget { alternate-background-color: #f4f6f3; }")
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.note = QLineEdit()
        self.note.returnPressed.connect(self.add_note)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add_note)
        row.addWidget(self.note, 1)
        row.addWidget(self.add_button)
        lay.addLayout(row)
        self.error = QLabel()
        self.error.setStyleSheet("color: #a6504a;")
        self.error.hide()
        lay.addWidget(self.error)
        timeline.events.entry.connect(self._append)
        running.events.session.connect(lambda _s: self.rebuild())
        language.changed.connect(lambda _l: self.rebuild())
        self.rebuild()

    def rebuild(self) -> None:
        lang = self.language.value
        self.title.setText(_("Timeline and notes", lang))
        self.note.setPlaceholderText(_("Type a note and press Enter", lang))
        self.add_button.setText(_("Add note", lang))
        self.table.setHorizontalHeaderLabels(
            [
                _("Time", lang),
                _("Kind", lang),
                _("What happened", lang),
            ]
        )
        self.table.setRowCount(0)
        for e in self.timeline.entries:
            self._append(e, scroll=False)
        self._scroll_to_end()
        on = self.running.is_open
        self.note.setEnabled(on)
        self.add_button.setEnabled(on)

    def rows(self) -> list[tuple[str, str, str]]:
        out = []
        for r in range(self.table.rowCount()):
            cells = [self.table.item(r, c) for c in range(3)]
            out.append(tuple(c.text() if c else "" for c in cells))
        return out  # type: ignore[return-value]

    def _append(self, e: TimelineEntry, scroll: bool = True) -> None:
        if e.kind == "command" and (not self.show_commands or e.detail.get("status") == "sent"):
            # The "sent" line is followed by its answer; show the answer only.
            return
        lang = self.language.value
        r = self.table.rowCount()
        self.table.insertRow(r)
        color = QBrush(QColor(KIND_COLORS.get(e.kind, "#2b2f33")))
        what = self.describe(e, lang)
        for c, text in enumerate((fmt_clock(e.elapsed_s), KIND_TEXTS[e.kind].get(lang), what)):
            item = QTableWidgetItem(text)
            # The raw command (kind, arguments, status) stays one hover away.
            item.setToolTip(f"{what}\n{e.raw()}" if e.kind == "command" and c == 2 else text)
            if c == 1:
                item.setForeground(color)
            self.table.setItem(r, c, item)
        if scroll:
            self._scroll_to_end()

    def _scroll_to_end(self) -> None:
        # Now, and again whenever wrapped rows grow the range while the view
        # follows the newest line (the therapist has not scrolled up).
        self._follow = True
        self.table.scrollToBottom()
        QTimer.singleShot(0, self.table.scrollToBottom)

    def _range_changed(self, _low: int, high: int) -> None:
        if self._follow:
            self.table.verticalScrollBar().setValue(high)

    def _scrolled(self, value: int) -> None:
        self._follow = value >= self.table.verticalScrollBar().maximum()

    def describe(self, e: TimelineEntry, lang: str) -> str:
        """The entry's sentence, with scenes, parameters and events named by
        their declared labels."""
        return e.text(lang, self.link.scene_declaration)

    def add_note(self) -> None:
        try:
            self.clinical.add_note(self.note.text())
        except (ModelError, ValueError) as exc:  # ValueError: the record refused the text
            self.error.setText(error_text(exc, self.language.value))
            self.error.show()
            return
        self.error.hide()
        self.note.clear()
