"""One console's model: the parts, composed and wired together.

The app builds one :class:`ConsoleModel` and hands each widget the parts it
shows. The model only does what spans parts: a session's start, end and
resumption (each part resets or reloads its share), the link client's
callbacks, and the periodic tick."""

from __future__ import annotations

from collections.abc import Callable

from palier.therapist_console.client import LinkClient
from palier.therapist_console.heart_rate import HeartRateSource
from palier.therapist_console.record import SessionInfo, SessionRecord
from palier.therapist_console.session.base import (
    CallSoon,
    Clock,
    Language,
    anchored_clock,
    call_now,
)
from palier.therapist_console.session.clinical import ClinicalLog
from palier.therapist_console.session.commands import Commands
from palier.therapist_console.session.ladder_editor import LadderEditor
from palier.therapist_console.session.link import EngineLink, Link
from palier.therapist_console.session.patient_plan import PatientPlan
from palier.therapist_console.session.progression import Progression
from palier.therapist_console.session.ratings import Ratings
from palier.therapist_console.session.running import JsonMeta, RunningSession
from palier.therapist_console.session.sensors import Sensors
from palier.therapist_console.session.timeline import Timeline
from palier.therapist_console.summary import SessionSummary


class ConsoleModel:
    """Everything one console knows, as parts (see docs/console-model.md)."""

    def __init__(
        self,
        record: SessionRecord,
        *,
        clock: Clock | None = None,
        language: str = "en",
        reminder_interval_s: float | None = None,
        heart_rate: HeartRateSource | None = None,
        call_soon: CallSoon | None = None,
    ) -> None:
        self.record = record
        self.clock: Clock = clock or anchored_clock()
        self.call_soon: CallSoon = call_soon or call_now
        """Runs a function on the GUI thread (the app sets its own)."""
        c = self.clock
        self.language = Language(language)
        self.patient_plan = PatientPlan(record, self.language, c)
        self.timeline = Timeline()
        self.running = RunningSession(record, c, self.language, self.patient_plan, self.timeline)
        self.link = Link(record, c, self.language, self.running, self.timeline)
        self.progression = Progression(
            record, c, self.language, self.patient_plan, self.running, self.link, self.timeline
        )
        self.ratings = Ratings(
            record,
            c,
            self.language,
            self.patient_plan,
            self.running,
            self.timeline,
            self.progression,
            reminder_interval_s,
        )
        self.commands = Commands(
            record,
            c,
            self.language,
            self.running,
            self.link,
            self.timeline,
            self.ratings,
            self.progression,
            self._call_soon,
        )
        self.ladders = LadderEditor(
            record, c, self.language, self.patient_plan, self.running, self.link
        )
        """The patient's hierarchy, edited (setup page, and between steps)."""
        self.clinical = ClinicalLog(record, c, self.language, self.running, self.timeline)
        self.sensors = Sensors(record, c, self.running, self.link, heart_rate, self.timeline)
        self.commands.events.scene_event.connect(self.sensors.startle)

    def _call_soon(self, fn: Callable[[], None]) -> None:
        self.call_soon(fn)

    # -- a session's life ------------------------------------------------------------------
    def _reset(self) -> None:
        self.ratings.reset()
        self.progression.reset()
        self.sensors.reset()
        self.link.set_paused(False)

    def start_session(self, *, meta: JsonMeta | None = None) -> SessionInfo:
        """Open a session for the chosen patient and plan; a SUDS reminder is
        due at once (no rating yet)."""
        self.running.require_can_start()
        self._reset()
        info = self.running.start(meta)
        self.sensors.session_started()
        self.ratings.update(info.started_at)
        return info

    def end_session(self) -> SessionSummary:
        """Close the open session (head poses written first); its summary."""
        self.running.require_open()
        self.sensors.flush_head_poses()
        info = self.running.end()
        self.ratings.update(info.ended_at or self.clock())
        return self.running.summary()

    def resume_session(self, session_id: int) -> SessionInfo:
        """Reopen an interrupted session; every part reloads its share from the
        record before anything is announced."""
        info = self.running.reopen(session_id)
        self._reset()
        self.ratings.load(info.id)
        self.progression.load(info.id)
        self.sensors.load(info.id)
        self.patient_plan.announce()
        self.running.announce()
        self.ratings.update(self.clock())
        return info

    # -- the link client -------------------------------------------------------------------
    def attach_link(self, link: EngineLink | None) -> None:
        """Use ``link`` for commands and, if it is a ``LinkClient``, take its
        callbacks. Status, state and head poses reach the parts through
        ``call_soon`` (the GUI thread); clinical events are recorded on the
        client's thread *before* its callback returns, because the client
        acknowledges an event to the engine as soon as the callback returns
        and the engine then forgets it."""
        self.link.use(link)
        if not isinstance(link, LinkClient):
            return
        link.on_event = self.commands.record_clinical_event
        link.on_status = lambda st: self.call_soon(lambda: self.link.on_status(st))
        link.on_state = lambda state: self.call_soon(lambda: self.link.on_state(state))
        link.on_head = lambda h: self.call_soon(lambda: self.sensors.on_head_pose(h))
        self.link.on_status(link.status)

    # -- periodic work ---------------------------------------------------------------------
    def tick(self) -> None:
        """Call a few times a second (the app's timer): heart rate, head poses,
        reminders, planned events, and the ``tick`` event that refreshes clocks."""
        now = self.clock()
        self.sensors.tick(now)
        self.ratings.update(now)
        self.running.tick(now, paused=self.link.paused)
