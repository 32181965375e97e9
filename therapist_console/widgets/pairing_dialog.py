"""Pair this console with an engine by the code its view shows (no files).

From the setup page: the therapist opens a pairing window on the headset PC
(P in the engine's window, or ``palier engine --pair``), types the code
here, compares the engine key fingerprint with the one in the headset view
and confirms. The exchange is ``therapist_console.pairing`` (docs/protocol.md
§13); a wrong code stores nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from palier.core.i18n import _, error_text
from palier.core.keys import KeysError
from palier.therapist_console.pairing import (
    ConsolePairing,
    Offer,
    PairingFailed,
    pairing_endpoint,
)
from palier.therapist_console.widgets.common import ALERT


class PairingDialog(QDialog):
    """Code → fingerprints to compare → confirm. :attr:`engine_key_file` is
    set once paired (the dialog is then accepted)."""

    def __init__(
        self, language: str, address: str, keys_dir: Path | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.language = language
        self.keys_dir = keys_dir
        self.engine_key_file: Path | None = None
        self.offer_shown: Offer | None = None
        self._pairing: ConsolePairing | None = None
        lang = language
        self.setWindowTitle(_("Pair with an engine", lang))
        self.setMinimumWidth(520)
        lay = QVBoxLayout(self)
        self.intro = QLabel(
            _(
                "On the headset PC, open a pairing window: press P in the engine's window "
                "(or start it with `palier engine --pair`). Its view shows a 6-digit code.",
                lang,
            )
        )
        self.intro.setWordWrap(True)
        lay.addWidget(self.intro)
        form = QFormLayout()
        self.address = QLineEdit(address)
        form.addRow(_("Engine address", lang), self.address)
        self.code = QLineEdit()
        self.code.setPlaceholderText("123 456")
        self.code.setMaxLength(12)
        self.code.setStyleSheet("font-size: 18pt; letter-spacing: 3px;")
        form.addRow(_("Code shown in the headset", lang), self.code)
        lay.addLayout(form)
        self.pair_button = QPushButton(_("Pair", lang))
        self.pair_button.setDefault(True)
        self.pair_button.clicked.connect(self.send_code)
        self.code.returnPressed.connect(self.send_code)
        lay.addWidget(self.pair_button)
        self.fingerprints = QLabel()
        self.fingerprints.setWordWrap(True)
        self.fingerprints.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.fingerprints)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ALERT};")
        lay.addWidget(self.error)
        buttons = QHBoxLayout()
        self.confirm_button = QPushButton(_("Same key on the headset: pair", lang))
        self.confirm_button.clicked.connect(self.confirm)
        self.confirm_button.setEnabled(False)
        self.cancel_button = QPushButton(_("Cancel", lang))
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.confirm_button, 1)
        buttons.addWidget(self.cancel_button)
        lay.addLayout(buttons)

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.fingerprints.setText("")
        self.confirm_button.setEnabled(False)
        self._drop()

    def _drop(self) -> None:
        if self._pairing is not None:
            self._pairing.close()
            self._pairing = None

    def send_code(self) -> None:
        """Run the exchange with the code typed; show the fingerprints."""
        lang = self.language
        self._drop()
        self.offer_shown = None
        try:
            self._pairing = ConsolePairing(
                pairing_endpoint(self.address.text().strip()), self.keys_dir
            )
            offer = self._pairing.offer(self.code.text())
        except PairingFailed as exc:
            self._fail(exc.text.get(lang))
            return
        except (ValueError, KeysError, OSError) as exc:
            self._fail(error_text(exc, lang))
            return
        self.offer_shown = offer
        self.error.setText("")
        self.fingerprints.setText(
            _(
                "Engine key: {engine}\nThis console's key: {console}\n"
                "Check that the headset shows the same engine key, then pair.",
                lang,
                engine=offer.engine_fingerprint,
                console=offer.console_fingerprint,
            )
        )
        self.fingerprints.setStyleSheet("font-weight: 600;")
        self.confirm_button.setEnabled(True)

    def confirm(self) -> None:
        """The therapist saw the same key: both sides store each other's."""
        if self._pairing is None:
            return
        try:
            self.engine_key_file = self._pairing.confirm()
        except PairingFailed as exc:
            self._fail(exc.text.get(self.language))
            return
        except (KeysError, OSError) as exc:
            self._fail(error_text(exc, self.language))
            return
        self._drop()
        self.accept()

    def done(self, result: int) -> None:
        self._drop()
        super().done(result)
