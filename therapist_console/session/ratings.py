"""SUDS ratings and the reminder that one is due.

Validation is ``protocols.measures.validate_suds`` and the schedule
``protocols.schedule`` (the one place each); the therapist may set their own
interval, and snooze a reminder."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from palier.core.i18n import N_, localized_error
from palier.protocols.measures import validate_suds
from palier.protocols.model import SudsScheduleRule
from palier.protocols.schedule import SudsDue, due_before_leaving_step, suds_due
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session.base import Clock, Language, ModelError, Signal
from palier.therapist_console.session.patient_plan import PatientPlan
from palier.therapist_console.session.progression import Progression
from palier.therapist_console.session.running import RunningSession
from palier.therapist_console.session.timeline import Timeline

DEFAULT_REMINDER_S = 300.0


@dataclass(frozen=True, slots=True)
class SudsEntry:
    record_id: int
    t: float
    elapsed_s: float
    value: int
    source: str
    step_index: int | None
    engine_t: float | None = None


@dataclass(frozen=True, slots=True)
class Reminder:
    """A SUDS rating is due, as ``protocols.schedule`` decides (the one place)."""

    reason: str
    """'first' (none yet), 'step' (new step without a rating), 'interval' (none
    for the interval) or 'step_end' (leaving a step without an end rating)."""
    since: float
    """Console time it became due."""
    interval_s: float
    due: SudsDue = field(compare=False)

    def text(self, lang: str) -> str:
        return self.due.text(lang)

    @classmethod
    def from_due(cls, due: SudsDue) -> Reminder:
        return cls(str(due.reason.value), float(due.since_t), float(due.interval_min) * 60.0, due)


class RatingsEvents:
    def __init__(self) -> None:
        self.suds: Signal[SudsEntry] = Signal("suds")
        self.reminder: Signal[Reminder | None] = Signal("reminder")
        """A SUDS reminder became due (Reminder) or was cleared (None)."""


class Ratings:
    """The session's SUDS ratings and the reminder in force."""

    def __init__(
        self,
        record: SessionRecord,
        clock: Clock,
        language: Language,
        patient_plan: PatientPlan,
        running: RunningSession,
        timeline: Timeline,
        progression: Progression,
        reminder_interval_s: float | None = None,
    ) -> None:
        self.record = record
        self.clock = clock
        self.language = language
        self.patient_plan = patient_plan
        self.running = running
        self.timeline = timeline
        self.progression = progression
        self.reminder_interval_s = reminder_interval_s
        """Overrides the protocol's SUDS interval when set (the therapist's setting)."""
        self.history: list[SudsEntry] = []
        self.reminder: Reminder | None = None
        self.events = RatingsEvents()
        self._last_t: float | None = None
        self._snoozed_until: float | None = None

    def reset(self) -> None:
        """A new session: no ratings, no reminder."""
        self.history = []
        self.reminder = None
        self._last_t = None
        self._snoozed_until = None

    def load(self, session_id: int) -> None:
        """A resumed session's ratings, from the record."""
        self.reset()
        info = self.running.info
        t0 = info.started_at if info is not None else 0.0
        by_row = {s.id: s for s in self.running.step_history}
        self.history = [
            SudsEntry(
                r.id,
                r.t,
                r.t - t0,
                r.value,
                r.source,
                by_row[r.step_id].step_index if r.step_id in by_row else None,
                r.engine_t,
            )
            for r in self.record.suds(session_id)
        ]
        self._last_t = self.history[-1].t if self.history else None

    # -- ratings -------------------------------------------------------------------------
    def enter(self, value: object, source: str = "therapist") -> SudsEntry:
        """Record a SUDS rating the therapist entered. Raises ``SudsError``
        (nothing recorded) unless it is a whole number 0..100
        (``protocols.measures.validate_suds``, the one place)."""
        session = self.running.require_open()
        rating = validate_suds(value)
        t = self.clock()
        step = self.running.current_step
        rid = self.record.add_suds(
            session.id, value=rating, source=source, t=t, step_id=step.row.id if step else None
        )
        entry = SudsEntry(
            rid, t, self.timeline.elapsed_at(t), rating, source, step.index if step else None
        )
        self.apply(entry)
        return entry

    def record_headset(
        self, value: int, *, t: float, engine_t: float | None, engine_id: tuple[str, int]
    ) -> SudsEntry:
        """Record a rating the patient gave in the headset (validated by the
        caller); shown once :meth:`apply` runs on the model's thread."""
        session = self.running.require_open()
        step = self.running.current_step
        rid = self.record.add_suds(
            session.id,
            value=value,
            source="headset",
            t=t,
            engine_t=engine_t,
            step_id=step.row.id if step else None,
            engine_id=engine_id,
        )
        return SudsEntry(
            rid,
            t,
            t - session.started_at,
            value,
            "headset",
            step.index if step else None,
            engine_t,
        )

    def apply(self, entry: SudsEntry) -> None:
        """A recorded rating joins the history, the timeline and the chart."""
        if any(e.record_id == entry.record_id for e in self.history):
            return  # a headset rating the engine sent twice
        self.history.append(entry)
        self._last_t = max(entry.t, self._last_t or entry.t)
        self._snoozed_until = None
        self.timeline.add(
            entry.t,
            "suds",
            entry.source,
            {"value": entry.value, "source": entry.source},
            entry.record_id,
        )
        self.events.suds.emit(entry)
        self.update(self.clock())
        self.progression.rating(
            entry.value,
            t=entry.t,
            elapsed_s=entry.elapsed_s,
            step_index=entry.step_index,
            interval_min=self.rule().interval_min,
        )

    # -- reminders -----------------------------------------------------------------------
    def rule(self) -> SudsScheduleRule:
        """The SUDS schedule in force: the protocol's (``[suds_schedule]``) or the
        default (every 5 minutes and at each step change), with the therapist's
        interval if they set one (``reminder_interval_s``)."""
        plan = self.patient_plan.plan
        rule = (
            plan.suds_schedule
            if plan and plan.suds_schedule
            else SudsScheduleRule(interval_min=DEFAULT_REMINDER_S / 60.0)
        )
        if self.reminder_interval_s is not None:
            rule = replace(rule, interval_min=self.reminder_interval_s / 60.0)
        return rule

    def set_interval(self, seconds: float | None) -> None:
        """The therapist's SUDS interval (None: the protocol's)."""
        if seconds is not None and not 30 <= seconds <= 3600:
            raise localized_error(
                ModelError,
                N_("The SUDS reminder interval must be 0.5 to 60 minutes."),
                self.language.value,
            )
        self.reminder_interval_s = seconds
        self.update(self.clock())

    def update(self, now: float) -> None:
        """Raise or clear the reminder for ``now``."""
        due = self._due(now)
        if due != self.reminder:
            self.reminder = due
            self.events.reminder.emit(due)

    def _due(self, now: float) -> Reminder | None:
        session = self.running.info
        if session is None or session.status != "open":
            return None
        if self._snoozed_until is not None and now < self._snoozed_until:
            return None
        step = self.running.current_step
        due = suds_due(
            self.rule(),
            now=now,
            session_started_t=session.started_at,
            last_rating_t=self._last_t,
            step_started_t=step.started_at if step else None,
        )
        return None if due is None else Reminder.from_due(due)

    def end_rating_due(self) -> Reminder | None:
        """Before leaving the current step: is an end rating due (protocols with
        ``at_step_end``)? The widget asks, the therapist decides."""
        step = self.running.current_step
        if step is None or self.running.info is None:
            return None
        due = due_before_leaving_step(
            self.rule(),
            now=self.clock(),
            last_rating_t=self._last_t,
            step_started_t=step.started_at,
        )
        return None if due is None else Reminder.from_due(due)

    def dismiss(self) -> None:
        """The therapist saw the reminder and chose to wait: ask again an interval later."""
        now = self.clock()
        self._snoozed_until = now + self.rule().interval_min * 60.0
        self.update(now)
