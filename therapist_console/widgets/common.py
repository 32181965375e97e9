"""Shared pieces of the console widgets: palette, fonts, the GUI-thread bridge."""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QLocale, QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from palier.core.i18n import error_text
from palier.therapist_console.session import Commands, Language, Link, ModelError, RunningSession
from palier.therapist_console.summary import fmt_clock as fmt_clock  # the widgets' clocks

log = logging.getLogger(__name__)

# A calm palette: soft neutrals, one blue accent, a muted green for "safe".
BG = "#f4f5f2"
PANEL = "#ffffff"
BORDER = "#d9dcd6"
TEXT = "#2b2f33"
MUTED = "#6b7177"
ACCENT = "#3f6e8c"
SAFE = "#4f7f63"
WARN = "#b0813a"
ALERT = "#a6504a"
ALERT_BG = "#f7e4e1"
PLANNED_BG = "#e3edf3"

STYLE_SHEET = f"""
QWidget {{ color: {TEXT}; font-size: 14px; }}
QMainWindow, QStackedWidget > QWidget {{ background: {BG}; }}
QFrame#panel {{ background: {PANEL}; border: 1px solid {BORDER}; border-radius: 8px; }}
QLabel#title {{ font-size: 15px; font-weight: 600; color: {TEXT}; }}
QLabel#muted {{ color: {MUTED}; }}
QPushButton {{ background: #e9ece7; border: 1px solid {BORDER}; border-radius: 6px;
              padding: 6px 12px; }}
QPushButton:hover {{ background: #dfe4df; }}
QPushButton:disabled {{ color: #a5aaa6; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border-color: {ACCENT}; }}
QPushButton#primary:disabled {{ background: #9fb4c2; border-color: #9fb4c2; }}
QListWidget, QTableWidget, QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox, QPlainTextEdit {{
    background: white; border: 1px solid {BORDER}; border-radius: 5px; }}
QListWidget::item {{ padding: 6px; }}
QListWidget::item:selected {{ background: #dbe6ee; color: {TEXT}; }}
"""


def qt_locale(lang: str) -> QLocale:
    """The QLocale for a console language (decimal comma in French), without
    group separators (a spin box shows 1500, not 1 500). Qt picks the
    language's main country (fr: France, en: United States)."""
    loc = QLocale(lang)
    loc.setNumberOptions(QLocale.NumberOption.OmitGroupSeparator)
    return loc


def panel(title: QLabel | None = None) -> tuple[QFrame, QVBoxLayout]:
    """A white rounded panel with an optional title label on top."""
    frame = QFrame()
    frame.setObjectName("panel")
    lay = QVBoxLayout(frame)
    lay.setContentsMargins(12, 10, 12, 12)
    lay.setSpacing(8)
    if title is not None:
        title.setObjectName("title")
        lay.addWidget(title)
    return frame, lay


class Banner(QFrame):
    """A coloured strip across the session page with a message, an optional
    action button and a dismiss button; hidden until :meth:`show_text`."""

    def __init__(
        self, background: str, border: str, *, action: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setStyleSheet(
            f"QFrame#banner {{ background: {background}; "
            f"border: 1px solid {border}; border-radius: 6px; }}"
        )
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 4, 4, 4)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setStyleSheet("font-weight: 600;")
        lay.addWidget(self.text, 1)
        self.action = QPushButton()
        self.action.setVisible(action)
        lay.addWidget(self.action)
        self.dismiss_button = QPushButton()
        self.dismiss_button.clicked.connect(self.dismiss)
        lay.addWidget(self.dismiss_button)
        self.hide()

    def show_text(self, text: str) -> None:
        self.text.setText(text)
        self.show()

    def dismiss(self) -> None:
        self.hide()


class GuiThread(QObject):
    """Runs callables on the Qt thread, whatever thread queues them.

    The link client calls back from its I/O thread; the model's ``call_soon``
    must land those calls on the GUI thread. A queue drained by a queued
    signal keeps the order and never touches a widget from another thread.
    """

    _wake = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._q: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._wake.connect(self.drain)  # AutoConnection: queued from other threads

    def call_soon(self, fn: Callable[[], None]) -> None:
        self._q.put(fn)
        self._wake.emit()

    def drain(self) -> None:
        while True:
            try:
                fn = self._q.get_nowait()
            except queue.Empty:
                return
            try:
                fn()
            except Exception:
                log.exception("a queued console update failed")


def clear_layout(layout: Any) -> None:
    while layout.count():
        item = layout.takeAt(0)
        w = item.widget()
        if w is not None:
            w.setParent(None)
            w.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


def every(parent: QWidget, ms: int, fn: Callable[[], None]) -> QTimer:
    t = QTimer(parent)
    t.setInterval(ms)
    t.timeout.connect(fn)
    t.start()
    return t


class SessionCommandButton(QPushButton):
    """A button that sends one of the session's commands while a session is
    open and the link is up; a refused command shows in its tooltip.
    Subclasses set the text in ``refresh`` and call ``send`` when pressed."""

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
        self.last_error = ""
        language.changed.connect(lambda _l: self.refresh())
        link.events.link.connect(lambda _l: self.refresh())
        running.events.session.connect(lambda _s: self.refresh())

    def refresh(self) -> None:
        self.setEnabled(self.running.is_open and self.link.is_up)

    def send(self, command: Callable[[], object]) -> None:
        if not self.isEnabled():
            return
        try:
            command()
            self.last_error = ""
        except ModelError as exc:
            self.last_error = error_text(exc, self.language.value)
        self.refresh()
