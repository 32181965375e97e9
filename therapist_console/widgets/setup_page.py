"""Before the session: connect to the engine (address, its key fingerprint to
confirm), choose or create a patient by pseudonym, choose the protocol and
the patient's hierarchy, optional pre-session questionnaire, then start."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from palier.protocols.questionnaires import Result
from palier.therapist_console.i18n import error_text, tr
from palier.therapist_console.model import ModelError, Plan, SessionModel
from palier.therapist_console.widgets.common import panel

log = logging.getLogger(__name__)

NEW_LADDER = -1

Message = BaseException | str | None
"""An error shown on the page: an exception (rendered with ``error_text``), a
catalogue key, or None (nothing). Kept, so a language switch redraws it."""


class SetupPage(QWidget):
    def __init__(
        self,
        model: SessionModel,
        connect: Callable[[str], Any],
        start: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self._connect = connect
        self._start = start
        self.pre_questionnaire: Result | None = None
        """Answered before the session; recorded once it starts (phase 'pre')."""
        from palier.protocols.files import installed

        # Shipped protocols plus the clinic's folders; a broken file is left
        # out and said so under the list, never used.
        found = installed()
        self.protocols = list(found.protocols)
        self.broken_protocols = found.broken

        outer = QGridLayout(self)
        outer.setContentsMargins(16, 16, 16, 16)
        outer.setSpacing(12)

        # -- engine ------------------------------------------------------
        self.engine_title = QLabel()
        f, lay = panel(self.engine_title)
        row = QHBoxLayout()
        self.address = QLineEdit("tcp://127.0.0.1:7770")
        self.connect_button = QPushButton()
        self.connect_button.clicked.connect(lambda: self._connect(self.address.text().strip()))
        row.addWidget(self.address, 1)
        row.addWidget(self.connect_button)
        lay.addLayout(row)
        self.fingerprint = QLabel()
        self.fingerprint.setWordWrap(True)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.fingerprint)
        self.confirm_fingerprint = QCheckBox()
        """The therapist compared the fingerprint with the headset PC's."""
        self.confirm_fingerprint.toggled.connect(lambda _on: self._update_start())
        lay.addWidget(self.confirm_fingerprint)
        self._trusted: tuple[str | None, str | None] = (None, None)
        self._connect_error: tuple[str, dict[str, Any]] | None = None
        self._patient_error: Message = None
        self._start_error: Message = None
        self.connect_error = QLabel()
        self.connect_error.setWordWrap(True)
        self.connect_error.setStyleSheet("color: #a6504a;")
        lay.addWidget(self.connect_error)
        lay.addStretch(1)
        outer.addWidget(f, 0, 0)

        # -- patient -----------------------------------------------------
        self.patient_title = QLabel()
        f, lay = panel(self.patient_title)
        self.patient_list = QListWidget()
        self.patient_list.currentItemChanged.connect(self._patient_clicked)
        lay.addWidget(self.patient_list, 1)
        row = QHBoxLayout()
        self.pseudonym = QLineEdit()
        self.pseudonym.returnPressed.connect(self.create_patient)
        self.create_button = QPushButton()
        self.create_button.clicked.connect(self.create_patient)
        row.addWidget(self.pseudonym, 1)
        row.addWidget(self.create_button)
        lay.addLayout(row)
        self.patient_notes = QLineEdit()
        """Optional notes stored with a new patient (never a real name)."""
        self.patient_notes.returnPressed.connect(self.create_patient)
        lay.addWidget(self.patient_notes)
        self.patient_error = QLabel()
        self.patient_error.setStyleSheet("color: #a6504a;")
        self.patient_error.setWordWrap(True)
        lay.addWidget(self.patient_error)
        outer.addWidget(f, 1, 0)

        # -- protocol and hierarchy ----------------------------------------
        self.protocol_title = QLabel()
        f, lay = panel(self.protocol_title)
        self.protocol = QComboBox()
        self.protocol.activated.connect(lambda _i: self._protocol_changed())
        lay.addWidget(self.protocol)
        self.ladder = QComboBox()
        self.ladder.activated.connect(lambda _i: self.apply_plan())
        lay.addWidget(self.ladder)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setObjectName("muted")
        lay.addWidget(self.description)
        self.steps = QListWidget()
        self.steps.setWordWrap(True)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.steps.setResizeMode(QListWidget.ResizeMode.Adjust)
        lay.addWidget(self.steps, 1)
        self.protocols_note = QLabel()
        self.protocols_note.setStyleSheet("color: #a6504a;")
        self.protocols_note.setWordWrap(True)
        self.protocols_note.setVisible(bool(self.broken_protocols))
        lay.addWidget(self.protocols_note)
        outer.addWidget(f, 0, 1, 2, 1)

        # -- start ----------------------------------------------------------
        row = QHBoxLayout()
        self.questionnaire_button = QPushButton()
        self.questionnaire_button.setMinimumHeight(44)
        self.questionnaire_button.clicked.connect(self.ask_pre_questionnaire)
        self.questionnaire_state = QLabel()
        self.questionnaire_state.setObjectName("muted")
        self.start_button = QPushButton()
        self.start_button.setObjectName("primary")
        self.start_button.setMinimumHeight(44)
        self.start_button.setMinimumWidth(220)
        self.start_button.clicked.connect(self._start)
        self.start_error = QLabel()
        self.start_error.setWordWrap(True)
        self.start_error.setStyleSheet("color: #a6504a;")
        row.addWidget(self.questionnaire_button)
        row.addWidget(self.questionnaire_state, 1)
        row.addWidget(self.start_error, 1)
        row.addWidget(self.start_button)
        outer.addLayout(row, 2, 0, 1, 2)
        outer.setColumnStretch(0, 1)
        outer.setColumnStretch(1, 1)
        outer.setRowStretch(1, 1)

        ev = model.events
        ev.language.connect(lambda _l: self.retranslate())
        ev.patient.connect(lambda _p: self._refresh_ladders())
        ev.plan.connect(lambda _p: self._show_plan())
        ev.link.connect(lambda _l: self._update_start())
        self.retranslate()
        self.refresh_patients()

    # -- text --------------------------------------------------------------------
    def retranslate(self) -> None:
        lang = self.model.language
        self.engine_title.setText(tr("ui.setup.engine", lang))
        self.connect_button.setText(tr("ui.setup.connect", lang))
        self.patient_title.setText(tr("ui.setup.patient", lang))
        self.pseudonym.setPlaceholderText(tr("ui.setup.pseudonym_hint", lang))
        self.create_button.setText(tr("ui.setup.create", lang))
        self.protocol_title.setText(tr("ui.setup.protocol", lang))
        self.questionnaire_button.setText(tr("ui.setup.questionnaire", lang))
        self.start_button.setText(tr("ui.setup.start", lang))
        self.patient_notes.setPlaceholderText(tr("ui.setup.patient_notes_hint", lang))
        self.confirm_fingerprint.setText(tr("ui.setup.fingerprint_confirm", lang))
        self._show_fingerprint()
        self._show_errors()
        if self.broken_protocols:
            first = self.broken_protocols[0]
            self.protocols_note.setText(
                tr(
                    "ui.setup.protocols_broken",
                    lang,
                    n=len(self.broken_protocols),
                    where=f"{first.file}:{first.line or '?'}",
                    check="palier protocols check",
                )
            )
        keep = self.protocol.currentIndex()
        self.protocol.clear()
        for p in self.protocols:
            self.protocol.addItem(p.title.get(lang), p.id)
        self.protocol.setCurrentIndex(max(0, keep))
        self._refresh_ladders()
        self._update_questionnaire_state()

    def set_trusted_key(self, fingerprint: str | None, error: str | None) -> None:
        """The trusted engine key's fingerprint (or why there is none), shown
        before connecting; a new fingerprint must be confirmed again."""
        if fingerprint != self._trusted[0]:
            self.confirm_fingerprint.setChecked(False)
        self._trusted = (fingerprint, error)
        self._show_fingerprint()
        self._update_start()

    def fingerprint_confirmed(self) -> bool:
        return self._trusted[0] is not None and self.confirm_fingerprint.isChecked()

    def _show_fingerprint(self) -> None:
        lang = self.model.language
        fp, error = self._trusted
        if fp is not None:
            self.fingerprint.setText(tr("ui.setup.fingerprint", lang, fingerprint=fp))
            self.fingerprint.setStyleSheet("font-weight: 600;")
        else:
            self.fingerprint.setText(
                tr("ui.setup.fingerprint_missing", lang, error=error or "?") if error else ""
            )
            self.fingerprint.setStyleSheet("color: #a6504a;")
        self.confirm_fingerprint.setVisible(fp is not None)

    def set_connect_error(self, key: str | None, **params: Any) -> None:
        """A catalogue key and its parameters (None clears)."""
        self._connect_error = None if key is None else (key, params)
        self._show_errors()

    def set_start_error(self, error: Message) -> None:
        self._start_error = error
        self._show_errors()

    def _render(self, error: Message) -> str:
        if error is None:
            return ""
        if isinstance(error, str):
            return tr(error, self.model.language)
        return error_text(error, self.model.language)

    def _show_errors(self) -> None:
        lang = self.model.language
        ce = self._connect_error
        self.connect_error.setText(tr(ce[0], lang, **ce[1]) if ce else "")
        self.patient_error.setText(self._render(self._patient_error))
        self.start_error.setText(self._render(self._start_error))

    # -- patients ---------------------------------------------------------------
    def refresh_patients(self) -> None:
        self.patient_list.blockSignals(True)
        self.patient_list.clear()
        for p in self.model.patients():
            item = QListWidgetItem(p.pseudonym)
            item.setData(256, p.id)
            self.patient_list.addItem(item)
            if self.model.patient is not None and p.id == self.model.patient.id:
                self.patient_list.setCurrentItem(item)
        self.patient_list.blockSignals(False)

    def _patient_clicked(self, item: QListWidgetItem | None, _prev: Any) -> None:
        if item is not None:
            self.choose_patient(int(item.data(256)))

    def choose_patient(self, patient_id: int) -> None:
        try:
            self.model.choose_patient(patient_id)
            self._patient_error = None
        except ModelError as exc:
            self._patient_error = exc
        self._show_errors()

    def create_patient(self) -> None:
        try:
            self.model.create_patient(self.pseudonym.text(), self.patient_notes.text().strip())
        except (ModelError, ValueError) as exc:
            self._patient_error = exc
            self._show_errors()
            return
        self._patient_error = None
        self._show_errors()
        self.pseudonym.clear()
        self.patient_notes.clear()
        self.refresh_patients()

    # -- protocol and ladder ----------------------------------------------------------
    def current_protocol(self) -> Any:
        i = self.protocol.currentIndex()
        return self.protocols[i] if 0 <= i < len(self.protocols) else None

    def choose_protocol(self, protocol_id: str) -> None:
        self.protocol.setCurrentIndex(self.protocol.findData(protocol_id))
        self._protocol_changed()

    def _protocol_changed(self) -> None:
        self._refresh_ladders()

    def _refresh_ladders(self) -> None:
        lang = self.model.language
        proto = self.current_protocol()
        self.ladder.clear()
        self.ladder.addItem(tr("ui.setup.ladder_new", lang), NEW_LADDER)
        if self.model.patient is not None and proto is not None:
            store = self.model.record.ladder_store()
            for lad in store.for_patient(self.model.patient.id):
                if lad.protocol_id == proto.id:
                    self.ladder.addItem(
                        tr(
                            "ui.setup.ladder_version",
                            lang,
                            title=lad.title.get(lang),
                            version=lad.version,
                        ),
                        lad.ladder_id,
                    )
            self.ladder.setCurrentIndex(self.ladder.count() - 1)
        self.description.setText(proto.description.get(lang) if proto else "")
        self.apply_plan()

    def apply_plan(self) -> None:
        """Plan from the chosen protocol and patient ladder (created from the
        protocol, and stored, when the patient has none yet)."""
        proto = self.current_protocol()
        if proto is None or self.model.patient is None:
            self._show_plan()
            return
        if self.model.session is not None and self.model.session.status == "open":
            return
        ladder_id = self.ladder.currentData()
        if ladder_id is None or ladder_id == NEW_LADDER:
            plan = Plan.from_protocol(proto)
        else:
            plan = Plan.from_protocol(proto, self.model.record.ladder_store().latest(ladder_id))
        try:
            self.model.set_plan(plan)
        except (ModelError, ValueError) as exc:
            self.set_start_error(exc)

    def ensure_ladder(self) -> None:
        """Before starting: a patient without a ladder for this protocol gets
        one (version 1, copied from the protocol), so the record says which
        hierarchy version the session used."""
        from palier.protocols.ladders import Ladder

        proto = self.current_protocol()
        if proto is None or self.model.patient is None or self.ladder.currentData() != NEW_LADDER:
            return
        store = self.model.record.ladder_store()
        lad = store.create(
            Ladder.from_protocol(proto, self.model.patient.id),
            t=self.model.now(),
            note="created by the console for a session",
        )
        self.model.set_plan(Plan.from_protocol(proto, lad))
        self.ladder.addItem(
            tr(
                "ui.setup.ladder_version",
                self.model.language,
                title=lad.title.get(self.model.language),
                version=lad.version,
            ),
            lad.ladder_id,
        )
        self.ladder.setCurrentIndex(self.ladder.count() - 1)

    def _show_plan(self) -> None:
        lang = self.model.language
        self.steps.clear()
        plan = self.model.plan
        for i, s in enumerate(plan.steps if plan else ()):
            exp = "—" if s.expected_suds is None else str(s.expected_suds)
            self.steps.addItem(
                f"{i + 1}. {s.label_text(lang)}   ({tr('ui.hierarchy.expected', lang)} {exp})"
            )
        self._update_start()

    def _update_start(self) -> None:
        self.start_button.setEnabled(
            self.model.patient is not None
            and self.model.plan is not None
            and self.fingerprint_confirmed()
        )

    # -- questionnaire -----------------------------------------------------------------
    def ask_pre_questionnaire(self) -> None:
        from palier.therapist_console.widgets.questionnaire import QuestionnaireDialog

        dlg = QuestionnaireDialog("ssq", "pre", self.model.language, self)
        if dlg.exec() and dlg.outcome is not None:
            self.pre_questionnaire = dlg.outcome
        self._update_questionnaire_state()

    def _update_questionnaire_state(self) -> None:
        lang = self.model.language
        r = self.pre_questionnaire
        self.questionnaire_state.setText(
            " · ".join(r.lines(lang)) if r else tr("ui.setup.questionnaire_none", lang)
        )
