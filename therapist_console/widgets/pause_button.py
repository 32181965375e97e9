"""The large, always-visible Pause / safe place button.

One press fades the patient to the safe place (the exposure scene is kept);
pressed again, it resumes. Shortcut: F12 (application-wide, see app.py),
chosen because no text field uses it and it is not next to keys typed in
notes. The label follows the engine's state (``model.paused``), not the
button's own idea of it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from palier.therapist_console.i18n import error_text, tr
from palier.therapist_console.model import ModelError, SessionModel
from palier.therapist_console.widgets.common import ACCENT, SAFE

SHORTCUT = "F12"


class PauseButton(QPushButton):
    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setMinimumHeight(72)
        self.setMinimumWidth(260)
        self.last_error = ""
        self.clicked.connect(self.toggle)
        ev = model.events
        ev.paused.connect(lambda _p: self.refresh())
        ev.language.connect(lambda _l: self.refresh())
        ev.link.connect(lambda _l: self.refresh())
        ev.session.connect(lambda _s: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        lang = self.model.language
        paused = self.model.paused
        key = "ui.pause.resume" if paused else "ui.pause.pause"
        self.setText(f"{tr(key, lang)}   [{SHORTCUT}]")
        color = ACCENT if paused else SAFE
        self.setStyleSheet(
            f"QPushButton {{ background: {color}; color: white; font-size: 20px; "
            f"font-weight: 700; border-radius: 10px; border: none; padding: 8px 18px; }}"
            "QPushButton:disabled { background: #aab3ad; }"
        )
        s = self.model.session
        self.setEnabled(
            s is not None and s.status == "open" and self.model.link_state.value == "up"
        )
        self.setToolTip(self.last_error)

    def toggle(self) -> None:
        if not self.isEnabled():
            return
        try:
            if self.model.paused:
                self.model.resume()
            else:
                self.model.pause()
            self.last_error = ""
        except ModelError as exc:
            self.last_error = error_text(exc, self.model.language)
        self.refresh()
