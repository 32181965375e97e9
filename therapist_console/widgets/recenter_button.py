"""Recenter: turn the patient's view so that they face the scene again.

For a patient who has turned away in the headset (or a headset put on facing
the wrong way): one press sends ``cmd.recenter``; the engine turns the view
and records a ``recenter`` clinical event, which the timeline shows. The same
for every scene: nothing here knows what a scene holds.
"""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from palier.core.i18n import _, error_text
from palier.therapist_console.session import Commands, Language, Link, ModelError, RunningSession


class RecenterButton(QPushButton):
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
        self.setMinimumHeight(40)
        self.last_error = ""
        self.clicked.connect(self.recenter)
        language.changed.connect(lambda _l: self.refresh())
        link.events.link.connect(lambda _l: self.refresh())
        running.events.session.connect(lambda _s: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        lang = self.language.value
        self.setText(_("Recenter the patient's view", lang))
        self.setEnabled(self.running.is_open and self.link.is_up)
        self.setToolTip(
            self.last_error
            or _("Turn the headset view so that the patient faces the scene again.", lang)
        )

    def recenter(self) -> None:
        if not self.isEnabled():
            return
        try:
            self.commands.recenter()
            self.last_error = ""
        except ModelError as exc:
            self.last_error = error_text(exc, self.language.value)
        self.refresh()
