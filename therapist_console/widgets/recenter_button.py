"""Recenter: turn the patient's view so that they face the scene again.

For a patient who has turned away in the headset (or a headset put on facing
the wrong way): one press sends ``cmd.recenter``; the engine turns the view
and records a ``recenter`` clinical event, which the timeline shows. The same
for every scene: nothing here knows what a scene holds.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from palier.core.i18n import _
from palier.therapist_console.session import Commands, Language, Link, RunningSession
from palier.therapist_console.widgets.common import SessionCommandButton


class RecenterButton(SessionCommandButton):
    def __init__(
        self,
        language: Language,
        running: RunningSession,
        link: Link,
        commands: Commands,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(language, running, link, commands, parent)
        self.setMinimumHeight(40)
        self.clicked.connect(self.recenter)
        self.refresh()

    def refresh(self) -> None:
        super().refresh()
        lang = self.language.value
        self.setText(_("Recenter the patient's view", lang))
        self.setToolTip(
            self.last_error
            or _("Turn the headset view so that the patient faces the scene again.", lang)
        )

    def recenter(self) -> None:
        self.send(self.commands.recenter)
