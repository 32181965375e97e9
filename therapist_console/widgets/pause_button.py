"""The large, always-visible Pause / safe place button.

One press fades the patient to the safe place (the exposure scene is kept);
pressed again, it resumes. Shortcut: F12 (application-wide, see app.py),
chosen because no text field uses it and it is not next to keys typed in
notes. The label follows the engine's state (``link.paused``), not the
button's own idea of it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from palier.core.i18n import _
from palier.therapist_console.session import Commands, Language, Link, RunningSession
from palier.therapist_console.widgets.common import ACCENT, SAFE, SessionCommandButton

SHORTCUT = "F12"


class PauseButton(SessionCommandButton):
    def __init__(
        self,
        language: Language,
        running: RunningSession,
        link: Link,
        commands: Commands,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(language, running, link, commands, parent)
        self.setMinimumHeight(72)
        self.setMinimumWidth(260)
        self.clicked.connect(self.toggle)
        link.events.paused.connect(lambda _p: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        super().refresh()
        lang = self.language.value
        paused = self.link.paused
        label = _("Resume exposure", lang) if paused else _("Pause — safe place", lang)
        self.setText(f"{label}   [{SHORTCUT}]")
        color = ACCENT if paused else SAFE
        self.setStyleSheet(
            f"QPushButton {{ background: {color}; color: white; font-size: 20px; "
            f"font-weight: 700; border-radius: 10px; border: none; padding: 8px 18px; }}"
            "QPushButton:disabled { background: #aab3ad; }"
        )
        self.setToolTip(self.last_error)

    def toggle(self) -> None:
        self.send(self.commands.resume if self.link.paused else self.commands.pause)
