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

from palier.core.i18n import SOURCE_LANGUAGE, Message, _, error_text, ngettext
from palier.core.typed_text import printable
from palier.protocols.files import installed
from palier.protocols.ladders import Ladder
from palier.protocols.model import Protocol
from palier.protocols.questionnaires import Result
from palier.therapist_console.session import (
    ClinicalLog,
    LadderEditor,
    Language,
    Link,
    ModelError,
    PatientPlan,
    Plan,
    RunningSession,
    Sensors,
)
from palier.therapist_console.session.ladder_editor import CREATED_FOR_SESSION
from palier.therapist_console.widgets.common import panel
from palier.therapist_console.widgets.heart_rate_setup import HeartRatePanel
from palier.therapist_console.widgets.ladder_editor import LadderEditorDialog
from palier.therapist_console.widgets.questionnaire import QuestionnaireDialog

log = logging.getLogger(__name__)

NEW_LADDER = -1

Shown = BaseException | Message | None
"""An error shown on the page: an exception (rendered with ``error_text``), a
message, or None (nothing). Kept, so a language switch redraws it."""


class SetupPage(QWidget):
    def __init__(
        self,
        language: Language,
        patient_plan: PatientPlan,
        running: RunningSession,
        link: Link,
        clinical: ClinicalLog,
        connect: Callable[[str], Any],
        start: Callable[[], None],
        parent: QWidget | None = None,
        *,
        sensors: Sensors | None = None,
        pair: Callable[[str], Any] | None = None,
        ladders: LadderEditor | None = None,
    ) -> None:
        """``pair``: opens the pairing dialog for the address typed (the
        window's :meth:`MainWindow.pair_engine`); None hides the button."""
        super().__init__(parent)
        self.language = language
        self.ladders = ladders
        """The hierarchy editor's model (None: no editor on this page)."""
        self.ladder_editor: LadderEditorDialog | None = None
        self.patient_plan = patient_plan
        self.running = running
        self.link = link
        self.clinical = clinical
        self._connect = connect
        self._start = start
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
        self.pair_button = QPushButton()
        """Pairing without files: the code the headset shows (PairingDialog)."""
        if pair is not None:
            self.pair_button.clicked.connect(lambda: pair(self.address.text().strip()))
            row.addWidget(self.pair_button)
        lay.addLayout(row)
        self.fingerprint = QLabel()
        self.fingerprint.setWordWrap(True)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.fingerprint)
        self.confirm_fingerprint = QCheckBox()
        """The therapist compared the fingerprint with the headset PC's (kept
        by ``link.fingerprint_confirmed``)."""
        self.confirm_fingerprint.toggled.connect(self.link.confirm_fingerprint)
        lay.addWidget(self.confirm_fingerprint)
        self._connect_error: Message | None = None
        self._patient_error: Shown = None
        self._start_error: Shown = None
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
        self.edit_ladder_button = QPushButton()
        self.edit_ladder_button.clicked.connect(lambda: self.open_ladder_editor())
        self.edit_ladder_button.setVisible(ladders is not None)
        lay.addWidget(self.edit_ladder_button)
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

        # -- heart rate ---------------------------------------------------
        self.heart_rate: HeartRatePanel | None = None
        if sensors is not None:
            self.heart_rate = HeartRatePanel(language, sensors, patient_plan)
            outer.addWidget(self.heart_rate, 2, 0, 1, 2)

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
        outer.addLayout(row, 3, 0, 1, 2)
        outer.setColumnStretch(0, 1)
        outer.setColumnStretch(1, 1)
        outer.setRowStretch(1, 1)

        language.changed.connect(lambda _l: self.retranslate())
        patient_plan.events.patient.connect(lambda _p: self._refresh_ladders())
        patient_plan.events.plan.connect(lambda _p: self._show_plan())
        link.events.link.connect(lambda _l: self._update_start())
        link.events.trust.connect(lambda _fp: self._show_trust())
        clinical.events.held.connect(lambda _r: self._update_questionnaire_state())
        self.retranslate()
        self.refresh_patients()

    # -- text --------------------------------------------------------------------
    def retranslate(self) -> None:
        lang = self.language.value
        self.engine_title.setText(_("Engine (headset PC)", lang))
        self.connect_button.setText(_("Connect", lang))
        self.pair_button.setText(_("Pair with an engine…", lang))
        self.patient_title.setText(_("Patient (pseudonym only)", lang))
        self.pseudonym.setPlaceholderText(_("New pseudonym, e.g. P-017 (no real name)", lang))
        self.create_button.setText(_("Create", lang))
        self.protocol_title.setText(_("Protocol and hierarchy", lang))
        self.edit_ladder_button.setText(_("Edit the patient's hierarchy…", lang))
        self.questionnaire_button.setText(_("Pre-session questionnaire (SSQ)…", lang))
        self.start_button.setText(_("Start the session", lang))
        self.patient_notes.setPlaceholderText(
            _("Notes for this new patient (optional; no real name)", lang)
        )
        self.confirm_fingerprint.setText(
            _("It matches the fingerprint shown on the headset PC (`palier keys show`)", lang)
        )
        self._show_fingerprint()
        self._show_errors()
        if self.broken_protocols:
            first = self.broken_protocols[0]
            where = f"{first.file}:{first.line or '?'}"
            self.protocols_note.setText(
                ngettext(
                    "{n} protocol file left out because of errors ({where}); "
                    "`{check} FILE` says what to fix.",
                    "{n} protocol files left out because of errors (first: {where}); "
                    "`{check} FILE` says what to fix.",
                    len(self.broken_protocols),
                    lang,
                    where=where,
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

    def _show_trust(self) -> None:
        """The trusted key and its confirmation, as the link part holds them."""
        self.confirm_fingerprint.blockSignals(True)
        self.confirm_fingerprint.setChecked(self.link.fingerprint_confirmed)
        self.confirm_fingerprint.blockSignals(False)
        self._show_fingerprint()
        self._update_start()

    def _show_fingerprint(self) -> None:
        lang = self.language.value
        fp, error = self.link.trusted_fingerprint, self.link.trust_error
        if fp is not None:
            self.fingerprint.setText(
                _("Trusted engine key fingerprint: {fingerprint}", lang, fingerprint=fp)
            )
            self.fingerprint.setStyleSheet("font-weight: 600;")
        else:
            if isinstance(error, str) and lang != SOURCE_LANGUAGE:
                error = None  # an English-only cause: not mixed into a French line
            self.fingerprint.setText(
                _(
                    "No trusted engine key: {error}. Pair this console with the engine "
                    "first (Pair with an engine…, or `palier keys allow`).",
                    lang,
                    error=error,
                )
                if error
                else _(
                    "No trusted engine key. Pair this console with the engine first "
                    "(`palier keys init`, then `palier keys allow`).",
                    lang,
                )
                if self.link.trust_error
                else ""
            )
            self.fingerprint.setStyleSheet("color: #a6504a;")
        self.confirm_fingerprint.setVisible(fp is not None)

    def set_connect_error(self, message: Message | None, **params: Any) -> None:
        """A message and its parameters (None clears)."""
        self._connect_error = None if message is None else message.format(**params)
        self._show_errors()

    def set_start_error(self, error: Shown) -> None:
        self._start_error = error
        self._show_errors()

    def _render(self, error: Shown) -> str:
        if error is None:
            return ""
        if isinstance(error, Message):
            return error.get(self.language.value)
        return error_text(error, self.language.value)

    def _show_errors(self) -> None:
        lang = self.language.value
        ce = self._connect_error
        self.connect_error.setText(ce.get(lang) if ce else "")
        self.patient_error.setText(self._render(self._patient_error))
        self.start_error.setText(self._render(self._start_error))

    # -- patients ---------------------------------------------------------------
    def refresh_patients(self) -> None:
        self.patient_list.blockSignals(True)
        self.patient_list.clear()
        chosen = self.patient_plan.patient
        for p in self.patient_plan.patients():
            # printable(): an old row's invisible characters show (\u{200b}), so two
            # look-alike patients recorded before the rules read apart.
            item = QListWidgetItem(printable(p.pseudonym))
            item.setData(256, p.id)
            self.patient_list.addItem(item)
            if chosen is not None and p.id == chosen.id:
                self.patient_list.setCurrentItem(item)
        self.patient_list.blockSignals(False)

    def _patient_clicked(self, item: QListWidgetItem | None, _prev: Any) -> None:
        if item is not None:
            self.choose_patient(int(item.data(256)))

    def choose_patient(self, patient_id: int) -> None:
        try:
            self.patient_plan.choose_patient(patient_id)
            self._patient_error = None
        except ModelError as exc:
            self._patient_error = exc
        self._show_errors()

    def create_patient(self) -> None:
        try:
            self.patient_plan.create_patient(
                self.pseudonym.text(), self.patient_notes.text().strip()
            )
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
    def current_protocol(self) -> Protocol | None:
        i = self.protocol.currentIndex()
        return self.protocols[i] if 0 <= i < len(self.protocols) else None

    def choose_protocol(self, protocol_id: str) -> None:
        self.protocol.setCurrentIndex(self.protocol.findData(protocol_id))
        self._protocol_changed()

    def _protocol_changed(self) -> None:
        self._refresh_ladders()

    def _refresh_ladders(self) -> None:
        lang = self.language.value
        proto = self.current_protocol()
        patient = self.patient_plan.patient
        self.ladder.clear()
        self.ladder.addItem(_("New hierarchy from the protocol", lang), NEW_LADDER)
        if patient is not None and proto is not None:
            store = self.patient_plan.record.ladder_store()
            for lad in store.for_patient(patient.id):
                if lad.protocol_id == proto.id:
                    self.ladder.addItem(
                        _(
                            "{title} (version {version})",
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
        if proto is None or self.patient_plan.patient is None:
            self._show_plan()
            return
        if self.running.is_open:
            return
        ladder_id = self.ladder.currentData()
        if ladder_id is None or ladder_id == NEW_LADDER:
            plan = Plan.from_protocol(proto)
        else:
            ladder = self.patient_plan.record.ladder_store().latest(ladder_id)
            plan = Plan.from_protocol(proto, ladder)
        try:
            self.patient_plan.set_plan(plan)
        except (ModelError, ValueError) as exc:
            self.set_start_error(exc)

    def ensure_ladder(self) -> None:
        """Before starting: a patient without a ladder for this protocol gets
        one (version 1, copied from the protocol), so the record says which
        hierarchy version the session used."""
        proto = self.current_protocol()
        patient = self.patient_plan.patient
        if proto is None or patient is None or self.ladder.currentData() != NEW_LADDER:
            return
        store = self.patient_plan.record.ladder_store()
        lad = store.create(
            Ladder.from_protocol(proto, patient.id),
            t=self.patient_plan.clock(),
            note=CREATED_FOR_SESSION.msgid,
        )
        self.patient_plan.set_plan(Plan.from_protocol(proto, lad))
        lang = self.language.value
        self.ladder.addItem(
            _(
                "{title} (version {version})",
                lang,
                title=lad.title.get(lang),
                version=lad.version,
            ),
            lad.ladder_id,
        )
        self.ladder.setCurrentIndex(self.ladder.count() - 1)

    def open_ladder_editor(self) -> LadderEditorDialog | None:
        """The hierarchy editor on the chosen patient's ladder for the chosen
        protocol (a copy of the protocol's when there is none yet)."""
        proto = self.current_protocol()
        if self.ladders is None or proto is None:
            return None
        ladder_id = self.ladder.currentData()
        try:
            self.ladders.open(proto, None if ladder_id in (None, NEW_LADDER) else int(ladder_id))
        except ModelError as exc:
            self._patient_error = exc
            self._show_errors()
            return None
        if self.ladder_editor is None:
            self.ladder_editor = LadderEditorDialog(self.ladders, self)
            self.ladders.events.saved.connect(self._ladder_saved)
        self.ladder_editor.refresh()
        self.ladder_editor.open()
        return self.ladder_editor

    def _ladder_saved(self, ladder: Ladder) -> None:
        """A version saved in the editor: listed, chosen, and the plan."""
        self._refresh_ladders()
        i = self.ladder.findData(ladder.ladder_id)
        if i >= 0 and i != self.ladder.currentIndex():
            self.ladder.setCurrentIndex(i)
            self.apply_plan()

    def _show_plan(self) -> None:
        lang = self.language.value
        self.steps.clear()
        plan = self.patient_plan.plan
        expected_word = _("expected SUDS", lang)  # outside the f-string: see hierarchy.py
        for i, s in enumerate(plan.steps if plan else ()):
            exp = "—" if s.expected_suds is None else str(s.expected_suds)
            self.steps.addItem(f"{i + 1}. {s.label_text(lang)}   ({expected_word} {exp})")
        self._update_start()

    def _update_start(self) -> None:
        self.start_button.setEnabled(
            self.patient_plan.patient is not None
            and self.patient_plan.plan is not None
            and self.link.fingerprint_confirmed
        )

    # -- questionnaire -----------------------------------------------------------------
    def ask_pre_questionnaire(self) -> None:
        dlg = QuestionnaireDialog("ssq", "pre", self.language.value, self)
        if dlg.exec() and dlg.outcome is not None:
            self.clinical.hold(dlg.outcome)

    def _update_questionnaire_state(self) -> None:
        lang = self.language.value
        r: Result | None = self.clinical.held
        self.questionnaire_state.setText(
            " · ".join(r.lines(lang)) if r else _("No pre-session questionnaire (optional).", lang)
        )
