"""The therapist console window: setup, live session, summary.

The window hands the parts of the Qt-free :class:`ConsoleModel` to the
widgets that show them, and wires the model to the link client. Telemetry
arrives on the client's I/O thread; the model's ``call_soon`` is
:class:`GuiThread.call_soon`, which queues every update onto the Qt thread.
Mirror frames go straight into the mirror view's one-frame slot
(thread-safe). A 250 ms timer drives ``model.tick()`` (clocks, heart rate,
reminders, head-pose flushes, planned events).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTimer, QTranslator, qInstallMessageHandler
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from palier.core import keys, wire
from palier.core.i18n import (
    N_,
    _,
    colon,
    detect_language,
    error_text,
    fmt_date_time,
    fmt_number,
)
from palier.protocols.model import EventPlan
from palier.therapist_console.client import LinkClient, LinkState
from palier.therapist_console.heart_rate import SIMULATED
from palier.therapist_console.heart_rate.alarm import AlarmChange
from palier.therapist_console.heart_rate.choice import open_source
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import ConsoleModel, ModelError
from palier.therapist_console.widgets.chart import LiveChart
from palier.therapist_console.widgets.clinical_log import ErpPanel, HotspotPanel
from palier.therapist_console.widgets.common import (
    ACCENT,
    ALERT,
    ALERT_BG,
    PLANNED_BG,
    STYLE_SHEET,
    Banner,
    GuiThread,
    fmt_clock,
    qt_locale,
)
from palier.therapist_console.widgets.expectancy import ExpectancyPanel
from palier.therapist_console.widgets.hierarchy import HierarchyList
from palier.therapist_console.widgets.ladder_editor import LadderEditorDialog
from palier.therapist_console.widgets.link_bar import LinkBar
from palier.therapist_console.widgets.mirror_view import MirrorView
from palier.therapist_console.widgets.pairing_dialog import PairingDialog
from palier.therapist_console.widgets.pause_button import SHORTCUT, PauseButton
from palier.therapist_console.widgets.questionnaire import QuestionnaireDialog
from palier.therapist_console.widgets.recenter_button import RecenterButton
from palier.therapist_console.widgets.scene_controls import SceneControls
from palier.therapist_console.widgets.setup_page import SetupPage
from palier.therapist_console.widgets.suds_entry import SudsEntryWidget
from palier.therapist_console.widgets.summary_page import SummaryPage
from palier.therapist_console.widgets.timeline import TimelineView

log = logging.getLogger(__name__)

TICK_MS = 250
COMMAND_TIMEOUT_S = 2.0
"""Per try (the client retries twice): a scene load runs on the engine's frame
thread and can take seconds on a busy machine with software rendering."""


class SessionPage(QWidget):
    """The live session: hierarchy and controls, mirror and chart, pause,
    SUDS and timeline."""

    def __init__(
        self,
        model: ConsoleModel,
        end: Any,
        parent: QWidget | None = None,
        *,
        ask_questions: bool = True,
    ) -> None:
        super().__init__(parent)
        m = model
        self.sensors = m.sensors
        self.language = m.language
        self.link = m.link
        self.hierarchy = HierarchyList(
            m.language,
            m.patient_plan,
            m.running,
            m.link,
            m.progression,
            m.ratings,
            m.commands,
            confirm_end_rating=ask_questions,
            edit=self.open_ladder_editor,
        )
        self.ladders = m.ladders
        self.ladder_editor: LadderEditorDialog | None = None
        self.controls = SceneControls(m.language, m.running, m.link, m.commands)
        self.expectancy = ExpectancyPanel(m.language, m.running, m.progression)
        self.mirror = MirrorView(m.language, m.link)
        self.chart = LiveChart(m.language, m.running, m.timeline, m.ratings, m.sensors, m.link)
        self.pause = PauseButton(m.language, m.running, m.link, m.commands)
        self.recenter = RecenterButton(m.language, m.running, m.link, m.commands)
        self.suds = SudsEntryWidget(m.language, m.running, m.link, m.ratings, m.commands)
        self.timeline = TimelineView(m.language, m.running, m.timeline, m.link, m.clinical)
        self.erp = ErpPanel(m.language, m.patient_plan, m.running, m.clinical)
        self.hotspots = HotspotPanel(m.language, m.patient_plan, m.running, m.clinical, m.ratings)
        self.end_button = QPushButton()
        self.end_button.setMinimumHeight(40)
        self.end_button.clicked.connect(end)

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.hierarchy)
        left.addWidget(self.controls)
        # The protocol's own logging (ERP or hotspots; hidden for others).
        logging_panels = QWidget()
        ll = QVBoxLayout(logging_panels)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.erp)
        ll.addWidget(self.hotspots)
        # The expectancy test, for any protocol (inhibitory learning).
        ll.addWidget(self.expectancy)
        left.addWidget(logging_panels)
        left.setSizes([380, 300, 240])
        center = QSplitter(Qt.Orientation.Vertical)
        center.addWidget(self.mirror)
        center.addWidget(self.chart)
        center.setSizes([430, 300])
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.pause)
        rl.addWidget(self.recenter)
        rl.addWidget(self.suds)
        rl.addWidget(self.timeline, 1)
        rl.addWidget(self.end_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(center)
        split.addWidget(right)
        split.setSizes([400, 590, 430])
        self.warning = Banner(ALERT_BG, ALERT)
        """Clinical warnings from the model (cybersickness after the SSQ, ...)."""
        self.planned = Banner(PLANNED_BG, ACCENT, action=True)
        """A planned event of the step is due: the therapist fires it (or not)."""
        self.planned.action.clicked.connect(self._fire_planned)
        self._planned_event: EventPlan | None = None
        self.hr_alarm = Banner(ALERT_BG, ALERT)
        """The heart-rate alarm: shown (and a beep) when the rate stays above the
        patient's ceiling; it informs, the therapist decides."""
        self.hr_alarm.setObjectName("hr_alarm")
        self.hr_alarm.text.setStyleSheet(f"font-weight: 700; font-size: 15pt; color: {ALERT};")
        self.alarm_beeps = 0
        """Audible alerts given (QApplication.beep), for tests and the log."""
        self.link_alarm = Banner(ALERT_BG, ALERT)
        """The link is lost: across the top, with what the engine does meanwhile."""
        self.link_alarm.setObjectName("link_alarm")
        self.link_alarm.text.setStyleSheet(f"font-weight: 700; font-size: 16pt; color: {ALERT};")
        self.stop_alarm = Banner(ALERT_BG, ALERT)
        """The patient stopped the exposure: until dismissed or resumed."""
        self.stop_alarm.setObjectName("stop_alarm")
        self.stop_alarm.text.setStyleSheet(f"font-weight: 700; font-size: 15pt; color: {ALERT};")
        self._stopped_at: float | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 10)
        lay.setSpacing(6)
        lay.addWidget(self.link_alarm)
        lay.addWidget(self.stop_alarm)
        lay.addWidget(self.hr_alarm)
        lay.addWidget(self.warning)
        lay.addWidget(self.planned)
        lay.addWidget(split, 1)
        m.language.changed.connect(lambda _l: self.retranslate())
        m.clinical.events.warning.connect(self.show_warning)
        m.running.events.planned_event.connect(self.announce_planned)
        m.sensors.events.alarm.connect(self._on_hr_alarm)
        m.running.events.step.connect(lambda _s: self.planned.dismiss())
        self.running = m.running
        m.link.events.link.connect(self._on_link)
        m.link.events.paused.connect(self._on_paused)
        m.commands.events.patient_stop.connect(self._on_patient_stop)
        self.retranslate()

    def _beep(self) -> None:
        # QApplication.beep: the platform's alert sound; offscreen it is silent.
        QApplication.beep()
        self.alarm_beeps += 1

    def _on_link(self, state: LinkState) -> None:
        if state is LinkState.LOST:
            was_shown = self.link_alarm.isVisibleTo(self)
            self._show_link_alarm()
            if not was_shown and self.running.is_open:
                self._beep()  # once per loss
        elif state is LinkState.CONNECTED:
            self.link_alarm.dismiss()

    def _show_link_alarm(self) -> None:
        self.link_alarm.show_text(
            _(
                "LINK TO THE ENGINE LOST — reconnecting. The engine takes the patient to "
                "the safe place by itself within {seconds} s (failsafe) and keeps them there "
                "until you resume. The mirror shows the last picture received.",
                self.language.value,
                seconds=fmt_number(wire.DEAD_AFTER_S, self.language.value, 0),
            )
        )

    def _on_patient_stop(self, t: float) -> None:
        self._stopped_at = t
        self._show_stop_alarm()
        self._beep()

    def _show_stop_alarm(self) -> None:
        info = self.running.info
        at = fmt_clock(self._stopped_at - info.started_at) if info and self._stopped_at else "?"
        self.stop_alarm.show_text(
            _(
                "THE PATIENT STOPPED the exposure at {time}: the headset cut to the safe "
                "place. Talk with the patient; resume when you both agree.",
                self.language.value,
                time=at,
            )
        )

    def _on_paused(self, paused: bool) -> None:
        if not paused:
            self.stop_alarm.dismiss()

    def open_ladder_editor(self) -> LadderEditorDialog | None:
        """Between steps: the hierarchy this session runs, to edit; a saved
        version is the session's from then on."""
        try:
            self.ladders.open_plan()
        except ModelError as exc:
            self.hierarchy.error.setText(error_text(exc, self.language.value))
            return None
        if self.ladder_editor is None:
            self.ladder_editor = LadderEditorDialog(self.ladders, self)
        self.ladder_editor.refresh()
        self.ladder_editor.open()
        return self.ladder_editor

    def retranslate(self) -> None:
        lang = self.language.value
        self.end_button.setText(_("End the session", lang))
        for banner in (self.warning, self.planned, self.hr_alarm, self.link_alarm, self.stop_alarm):
            banner.dismiss_button.setText(_("Dismiss", lang))
        if self.link_alarm.isVisibleTo(self):
            self._show_link_alarm()
        if self.stop_alarm.isVisibleTo(self):
            self._show_stop_alarm()
        self.planned.action.setText(_("Fire now", lang))
        if self._planned_event is not None:
            self.planned.text.setText(
                _(
                    "Planned event due: {event}. Fire it when the patient is ready.",
                    lang,
                    event=self._event_label(self._planned_event.event),
                )
            )

    def show_warning(self, text: str) -> None:
        self.warning.show_text(text)

    def _on_hr_alarm(self, change: AlarmChange) -> None:
        lang = self.language.value
        if not change.raised:
            self.hr_alarm.dismiss()
            return
        text = _(
            "Heart rate {bpm} bpm: above this patient's ceiling of {ceiling} bpm for "
            "{seconds} s. Check on the patient; Palier changes nothing by itself.",
            lang,
            bpm=fmt_number(change.bpm, lang, 0),
            ceiling=fmt_number(change.ceiling, lang, 0),
            seconds=fmt_number(change.t - change.since, lang, 0),
        )
        if self.sensors.simulated:
            text = _("SIMULATED heart rate", lang) + colon(lang) + text
        self.hr_alarm.show_text(text)
        QApplication.beep()
        self.alarm_beeps += 1

    def _event_label(self, name: str) -> str:
        decl = self.link.scene_declaration()
        if decl is not None:
            try:
                return str(decl.event(name).label.get(self.language.value))
            except ValueError:
                pass
        return name.replace("_", " ")

    def announce_planned(self, plan: EventPlan) -> None:
        self._planned_event = plan
        self.planned.show_text(
            _(
                "Planned event due: {event}. Fire it when the patient is ready.",
                self.language.value,
                event=self._event_label(plan.event),
            )
        )

    def _fire_planned(self) -> None:
        """Fire the planned event with the options its protocol step sets."""
        if self._planned_event is not None:
            self.controls.fire(self._planned_event.event, self._planned_event.options)
        self.planned.dismiss()


class MainWindow(QMainWindow):
    def __init__(
        self,
        model: ConsoleModel,
        *,
        keys_dir: Path | None = None,
        gui: GuiThread | None = None,
        ask_questions: bool = True,
    ) -> None:
        super().__init__()
        self.model = model
        self.keys_dir = keys_dir
        self.gui = gui or GuiThread(self)
        model.call_soon = self.gui.call_soon
        self.ask_questions = ask_questions
        """False in tests and the scripted demo: no modal questions."""
        self.client: LinkClient | None = None
        self.engine_key_file: Path | None = None
        """The engine key this console connects with once a pairing chose it;
        None: the only one in ``engines/``."""
        self.pairing_dialog: PairingDialog | None = None
        """The pairing dialog while it is open (tests drive it)."""
        self.interrupted_box: QMessageBox | None = None
        """The interrupted-session question while it is shown (tests answer it)."""
        self._replay_step = False
        self.setStyleSheet(STYLE_SHEET)

        m = model
        self.bar = LinkBar(m.language, m.patient_plan, m.running, m.link)
        self.setup = SetupPage(
            m.language,
            m.patient_plan,
            m.running,
            m.link,
            m.clinical,
            self.connect_engine,
            self.start_session,
            sensors=m.sensors,
            pair=self.pair_engine,
            ladders=m.ladders,
        )
        self.session_page = SessionPage(m, self.end_session, ask_questions=ask_questions)
        self.summary = SummaryPage(m.language, m.running)
        self.summary.new.clicked.connect(self.new_session)
        self.pages = QStackedWidget()
        for w in (self.setup, self.session_page, self.summary):
            self.pages.addWidget(w)
        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(8, 8, 8, 0)
        lay.setSpacing(4)
        lay.addWidget(self.bar)
        lay.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.resize(1440, 900)

        self.show_trusted_key()
        self.pause_shortcut = QShortcut(QKeySequence(SHORTCUT), self)
        self.pause_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.pause_shortcut.activated.connect(self.session_page.pause.toggle)

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.model.tick)
        self._timer.start()
        m.language.changed.connect(lambda _l: self.retranslate())
        m.language.changed.connect(set_qt_language)
        set_qt_language(m.language.value)
        m.link.events.link.connect(self._on_link)
        m.running.events.session.connect(self._on_session)
        self.retranslate()

    @property
    def mirror(self) -> MirrorView:
        return self.session_page.mirror

    def retranslate(self) -> None:
        self.setWindowTitle(_("Palier — therapist console", self.model.language.value))

    # -- link -------------------------------------------------------------------
    def engine_fingerprint(self) -> str:
        return keys.fingerprint(self._engine_key())

    def _engine_key(self) -> bytes:
        kdir = self.keys_dir or keys.default_keys_dir()
        return keys.engine_key(kdir, self.engine_key_file)

    def pair_engine(self, endpoint: str) -> bool:
        """Pair with the engine at ``endpoint`` by the code its view shows
        (PairingDialog); True when paired. The fingerprint was compared in
        the dialog, so it counts as confirmed."""
        dlg = PairingDialog(self.model.language.value, endpoint, self.keys_dir, self)
        self.pairing_dialog = dlg
        try:
            if not dlg.exec() or dlg.engine_key_file is None:
                return False
        finally:
            self.pairing_dialog = None
        self.engine_key_file = dlg.engine_key_file
        if self.show_trusted_key() is not None:
            self.model.link.confirm_fingerprint(True)
        return True

    def show_trusted_key(self) -> str | None:
        """The trusted engine key's fingerprint, shown on the setup page before
        any connection, for the therapist to compare with the headset PC's."""
        try:
            fp = self.engine_fingerprint()
        except keys.KeysError as exc:
            self.model.link.set_trusted_key(None, getattr(exc, "i18n_message", None) or str(exc))
            return None
        except OSError as exc:
            self.model.link.set_trusted_key(
                None, N_("the keys folder cannot be read ({reason})", reason=exc.strerror)
            )
            return None
        self.model.link.set_trusted_key(fp, None)
        return fp

    def connect_engine(self, endpoint: str) -> bool:
        """Connect (or reconnect) to the engine at ``endpoint``; False on a
        setup error (shown on the setup page: missing keys, bad address)."""
        lang = self.model.language.value
        self.disconnect_engine()
        try:
            server_key = self._engine_key()
            fp = keys.fingerprint(server_key)
            client = LinkClient(
                endpoint,
                keys_dir=self.keys_dir,
                server_key=server_key,
                mirror=True,
                timeout_s=COMMAND_TIMEOUT_S,
                resume_events=self.model.record.last_engine_event(),
            )
        except (OSError, ValueError, RuntimeError) as exc:
            self.setup.set_connect_error(
                N_(
                    "Cannot connect: {error}. Pair this console with the engine first "
                    "(`palier keys init`, then `palier keys allow`)."
                ),
                error=error_text(exc, lang),
            )
            return False
        self.setup.set_connect_error(None)
        self.setup.address.setText(endpoint)
        self.model.link.set_trusted_key(fp, None)
        self.bar.set_connection(endpoint, fp)
        self.client = client
        client.on_mirror = self.mirror.push
        self.model.attach_link(client)
        client.start()
        return True

    def disconnect_engine(self) -> None:
        if self.client is not None:
            client, self.client = self.client, None
            self.model.attach_link(None)
            client.close()

    def _on_link(self, state: LinkState) -> None:
        if state is not LinkState.CONNECTED or self.client is None:
            return
        with contextlib.suppress(Exception):
            self.client.submit(wire.SetMirror, enabled=True)
        step = self.model.running.current_step
        if self._replay_step and step is not None:
            # A resumed session: put the engine back on the step it was on.
            self._replay_step = False
            with contextlib.suppress(ModelError):
                self.model.commands.go_to_step(step.index, step.params)

    # -- session ------------------------------------------------------------------
    def start_session(self) -> None:
        if not self.model.link.fingerprint_confirmed:
            self.setup.set_start_error(
                N_(
                    "Confirm the engine key fingerprint first (compare it with "
                    "`palier keys show` on the headset PC)."
                )
            )
            return
        try:
            self.setup.ensure_ladder()
            self.model.start_session()
        except (ModelError, ValueError) as exc:
            self.setup.set_start_error(exc)
            return
        self.setup.set_start_error(None)
        self.model.clinical.record_held()

    def end_session(self) -> None:
        lang = self.model.language.value
        if self.ask_questions:
            answer = QMessageBox.question(
                self,
                _("End the session", lang),
                _("End the session now? The record is closed and the summary shown.", lang),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            dlg = QuestionnaireDialog("ssq", "post", lang, self)
            if dlg.exec() and dlg.outcome is not None:
                self.model.clinical.record_result(dlg.outcome)
        self.model.end_session()

    def new_session(self) -> None:
        self.pages.setCurrentWidget(self.setup)
        self.setup.refresh_patients()
        self.setup.apply_plan()

    def _on_session(self, info: Any) -> None:
        if info is None:
            self.pages.setCurrentWidget(self.setup)
        elif info.status == "open":
            self.pages.setCurrentWidget(self.session_page)
        else:
            self.pages.setCurrentWidget(self.summary)

    def check_interrupted(self) -> None:
        """On start: offer to resume or close each session the record found
        open (the console stopped during it)."""
        lang = self.model.language.value
        resumed = False
        for info in self.model.running.interrupted_sessions():
            patient = self.model.record.patient(info.patient_id)
            started = fmt_date_time(dt.datetime.fromtimestamp(info.started_at), lang)
            box = QMessageBox(self)
            box.setWindowTitle(_("Interrupted session", lang))
            box.setText(
                _(
                    "The session with {pseudonym} started {started} was not closed (the "
                    "console stopped). Resume it or close it?",
                    lang,
                    pseudonym=patient.pseudonym,
                    started=started,
                )
            )
            # One session at a time: once one is resumed, the others can be
            # closed now or left for the next start.
            resume = (
                None
                if resumed
                else box.addButton(_("Resume", lang), QMessageBox.ButtonRole.AcceptRole)
            )
            close = box.addButton(_("Close it", lang), QMessageBox.ButtonRole.DestructiveRole)
            if resumed:
                box.addButton(_("Later", lang), QMessageBox.ButtonRole.RejectRole)
            self.interrupted_box = box
            box.exec()
            self.interrupted_box = None
            clicked = box.clickedButton()
            if resume is not None and clicked is resume:
                self.resume_session(info.id)
                resumed = True
            elif clicked is close:
                self.model.running.close_interrupted(info.id)

    def resume_session(self, session_id: int) -> None:
        self.model.resume_session(session_id)
        self._replay_step = self.model.running.current_step is not None
        if self.model.link.is_up:
            self._on_link(self.model.link.state)

    def closeEvent(self, event: Any) -> None:
        self.model.sensors.flush_head_poses()
        src = self.model.sensors.heart_rate_source
        if src is not None:
            with contextlib.suppress(Exception):
                src.stop()
                self.model.sensors.poll_heart_rate()  # its "stopped" into the record now
        self.disconnect_engine()
        super().closeEvent(event)


def _qt_messages(mode: Any, context: Any, message: str) -> None:
    # The offscreen platform warns on every top-level window; nothing to act on.
    if "propagateSizeHints" in message:
        return
    log.warning("Qt: %s", message)


_qt_translator: QTranslator | None = None


def set_qt_language(lang: str) -> bool:
    """Translate Qt's own texts (standard buttons Yes/No, OK/Cancel, file
    dialogs) into ``lang`` with qtbase_<lang>.qm from PySide6's translations,
    replacing the previous one; set the default locale for numbers. True
    when a translation is installed (English needs none)."""
    global _qt_translator
    app = QApplication.instance()
    if app is None:
        return False
    QLocale.setDefault(qt_locale(lang))
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    if lang == "en":
        return False
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(f"qtbase_{lang}", folder):
        log.warning(
            "no Qt translation qtbase_%s in %s; Qt's own buttons stay English", lang, folder
        )
        return False
    app.installTranslator(translator)
    _qt_translator = translator
    return True


def make_app(argv: list[str] | None = None, language: str | None = None) -> QApplication:
    qInstallMessageHandler(_qt_messages)
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv or ["palier-console"])
    assert isinstance(app, QApplication)
    f = app.font()
    f.setPointSize(max(f.pointSize(), 11))
    app.setFont(f)
    if language is not None:
        set_qt_language(language)
    return app


def exit_on_sigint(app: QApplication) -> QTimer:
    """Ctrl-C in the terminal ends the event loop (exit code 130). Qt's loop
    never returns to Python on its own, so a timer wakes it a few times a
    second for Python to run its signal handler. Everything recorded is
    already on disk; an open session is offered for resuming next time."""
    import signal

    # Queued, so a Ctrl-C just before the loop starts still ends it.
    signal.signal(signal.SIGINT, lambda *_: QTimer.singleShot(0, lambda: app.exit(130)))
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(200)
    return timer


def run_console(
    *,
    record_path: Path,
    connect: str | None = None,
    keys_dir: Path | None = None,
    language: str | None = None,
    simulate_heart_rate: bool = False,
    heart_rate: str | None = None,
    lsl: bool = False,
) -> int:
    """``palier console``: open the window and run until it closes."""
    lang = language or detect_language()
    app = make_app(language=lang)
    with SessionRecord(record_path) as record:
        model = ConsoleModel(record, language=lang)
        win = MainWindow(model, keys_dir=keys_dir)
        if simulate_heart_rate and heart_rate is None:
            heart_rate = SIMULATED
        if heart_rate is not None:
            hr = open_source(
                heart_rate, intensity=model.sensors.exposure_intensity, clock=model.clock
            )
            model.sensors.attach_heart_rate(hr)
            hr.start()
        if lsl:
            from palier.therapist_console.research import publish_on_lsl

            pub = publish_on_lsl(model)
            log.warning("console: publishing on LSL: %s", ", ".join(pub.source_ids))
        win.show()
        win.check_interrupted()
        if connect:
            win.connect_engine(connect)
        exit_on_sigint(app)
        log.info("console: window open (Ctrl-C in this terminal closes it)")
        return int(app.exec())


__all__ = [
    "MainWindow",
    "SessionPage",
    "exit_on_sigint",
    "make_app",
    "qt_locale",
    "run_console",
    "set_qt_language",
]
