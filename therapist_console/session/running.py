"""The running session: its record row, the step it is on, its clocks."""

from __future__ import annotations

from collections.abc import Mapping

from palier.core.i18n import N_, lazy_ngettext, localized_error
from palier.protocols.model import EventPlan
from palier.therapist_console.record import Patient, SessionInfo, SessionRecord, StepRow
from palier.therapist_console.session.base import (
    Clock,
    Language,
    ModelError,
    NoSessionError,
    Signal,
)
from palier.therapist_console.session.patient_plan import PatientPlan
from palier.therapist_console.session.plan import CurrentStep, Params, Plan, PlanStep
from palier.therapist_console.session.timeline import Timeline
from palier.therapist_console.summary import SessionSummary, summarize

JsonMeta = Mapping[str, str | int | float | bool | None]
"""Free-form facts stored with a session (``sessions.meta``)."""


class RunningSessionEvents:
    def __init__(self) -> None:
        self.session: Signal[SessionInfo | None] = Signal("session")
        """Started, resumed or closed (then ``status == 'closed'``)."""
        self.step: Signal[CurrentStep | None] = Signal("step")
        self.params: Signal[Params] = Signal("params")
        """Current target values after a change was sent."""
        self.planned_event: Signal[EventPlan] = Signal("planned_event")
        """A planned event of the current step is due (its plan: name and the
        options the protocol sets): the widget offers to fire it; the model
        never fires by itself."""
        self.tick: Signal[float] = Signal("tick")
        """The app's timer ticked (console time): clocks redraw."""


class RunningSession:
    """The session now open (or just closed) and the step it is on."""

    def __init__(
        self,
        record: SessionRecord,
        clock: Clock,
        language: Language,
        patient_plan: PatientPlan,
        timeline: Timeline,
    ) -> None:
        self.record = record
        self.clock = clock
        self.language = language
        self.patient_plan = patient_plan
        self.timeline = timeline
        self.info: SessionInfo | None = None
        self.current_step: CurrentStep | None = None
        self.step_history: list[StepRow] = []
        self.events = RunningSessionEvents()
        self._planned_checked_s = 0.0

    # -- state and time ------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.info is not None and self.info.status == "open"

    def require_open(self) -> SessionInfo:
        if self.info is None or self.info.status != "open":
            raise localized_error(
                NoSessionError,
                N_("No session is open: choose a patient and start a session first."),
                self.language.value,
            )
        return self.info

    def elapsed_s(self, now: float | None = None) -> float:
        """Seconds since the session started (0 with no session)."""
        if self.info is None:
            return 0.0
        end = (
            self.info.ended_at
            if self.info.ended_at is not None
            else (self.clock() if now is None else now)
        )
        return max(0.0, end - self.info.started_at)

    def step_elapsed_s(self, now: float | None = None) -> float:
        if self.current_step is None:
            return 0.0
        return max(0.0, (self.clock() if now is None else now) - self.current_step.started_at)

    def step_key(self) -> str | None:
        return self.current_step.plan_step.key if self.current_step else None

    def step_row_id(self) -> int | None:
        return self.current_step.row.id if self.current_step else None

    # -- start, end, resume ----------------------------------------------------------
    def _clear(self) -> None:
        self.info = None
        self.current_step = None
        self.step_history = []
        self.timeline.reset(None)

    def require_can_start(self) -> Patient:
        """The chosen patient, if a session may start now (else raises)."""
        patient = self.patient_plan.patient
        if patient is None:
            raise localized_error(
                ModelError,
                N_("Choose or create a patient (pseudonym) before starting."),
                self.language.value,
            )
        if self.info is not None and self.info.status == "open":
            raise localized_error(
                ModelError,
                N_("Session {id} is still open: end it first."),
                self.language.value,
                id=self.info.id,
            )
        return patient

    def start(self, meta: JsonMeta | None = None) -> SessionInfo:
        """Open a session for the chosen patient and plan (announced on
        ``events.session``)."""
        patient = self.require_can_start()
        plan = self.patient_plan.plan
        self._clear()
        t = self.clock()
        self.info = self.record.start_session(
            patient.id,
            t=t,
            language=self.language.value,
            protocol_id=plan.protocol_id if plan else None,
            ladder_version_id=plan.ladder_version_id if plan else None,
            plan=plan.to_json() if plan else None,
            meta=dict(meta) if meta is not None else None,
        )
        self.patient_plan.locked = True
        self.timeline.reset(self.info.started_at)
        self.timeline.add(t, "session", "started", {"id": self.info.id})
        self.events.session.emit(self.info)
        return self.info

    def end(self) -> SessionInfo:
        session = self.require_open()
        t = self.clock()
        self.timeline.add(t, "session", "ended", {"id": session.id})
        self.info = self.record.end_session(session.id, t=t)
        self.patient_plan.locked = False
        self.events.session.emit(self.info)
        return self.info

    def summary(self) -> SessionSummary:
        if self.info is None:
            raise localized_error(
                NoSessionError,
                N_("No session is open: choose a patient and start a session first."),
                self.language.value,
            )
        return summarize(self.record, self.info.id, now=self.clock())

    def interrupted_sessions(self) -> list[SessionInfo]:
        return self.record.interrupted_sessions()

    def close_interrupted(self, session_id: int) -> SessionInfo:
        return self.record.close_interrupted(session_id)

    def reopen(self, session_id: int) -> SessionInfo:
        """Reopen an interrupted session: its patient, plan, steps and timeline
        reloaded from the record. Nothing is announced yet (the other parts
        load their share first; then :meth:`announce`)."""
        info = self.record.resume_session(session_id, t=self.clock())
        self._clear()
        self.patient_plan.restore(
            self.record.patient(info.patient_id), Plan.from_json(info.plan) if info.plan else None
        )
        self.patient_plan.locked = True
        self.info = info
        self.step_history = self.record.steps(info.id)
        self.timeline.load(self.record, info, self.step_history)
        # The last step is where the session stood; the engine must be told
        # again (go_to_step) once connected: the scene may not be loaded.
        plan = self.patient_plan.plan
        if self.step_history and plan is not None:
            last = self.step_history[-1]
            index = next(
                (i for i, s in enumerate(plan.steps) if s.key == last.step_key),
                last.step_index,
            )
            plan_step = (
                plan.steps[index]
                if 0 <= index < len(plan.steps)
                else PlanStep(
                    last.step_key, last.label, last.scene, last.params, last.expected_suds
                )
            )
            self.current_step = CurrentStep(index, plan_step, last, dict(last.params))
        return info

    def announce(self) -> None:
        self.events.session.emit(self.info)
        self.events.step.emit(self.current_step)

    # -- steps -----------------------------------------------------------------------
    def plan_step(self, index: int) -> PlanStep:
        """Step ``index`` of the plan (raises with the plan's size if none)."""
        plan = self.patient_plan.plan
        if plan is None:
            raise localized_error(
                ModelError, N_("No hierarchy chosen for this session."), self.language.value
            )
        if not 0 <= index < len(plan.steps):
            raise localized_error(
                ModelError,
                lazy_ngettext(
                    "Step {step} does not exist: the hierarchy has {n} step.",
                    "Step {step} does not exist: the hierarchy has {n} steps.",
                    len(plan.steps),
                ),
                self.language.value,
                step=index + 1,
            )
        return plan.steps[index]

    def enter_step(self, index: int, values: Params) -> CurrentStep:
        """Record that the session is now on step ``index`` with ``values``."""
        session = self.require_open()
        plan_step = self.plan_step(index)
        t = self.clock()
        row = self.record.start_step(
            session.id,
            t=t,
            step_index=index,
            step_key=plan_step.key,
            scene=plan_step.scene,
            params=dict(values),
            label=plan_step.label_dict(),
            expected_suds=plan_step.expected_suds,
        )
        self.step_history.append(row)
        self.current_step = CurrentStep(index, plan_step, row, dict(values))
        self.timeline.add(
            t,
            "step",
            plan_step.key,
            {"index": index, "label": plan_step.label_dict(), "scene": plan_step.scene},
            row.id,
        )
        self._planned_checked_s = 0.0
        self.events.step.emit(self.current_step)
        return self.current_step

    def adoptable_index(self, plan: Plan) -> int | None:
        """Where the step the patient is on stands in ``plan`` (None: no step
        yet). Raises if ``plan`` lost it or moved it to another scene: a
        hierarchy saved during the session must keep the step in progress."""
        cur = self.current_step
        if cur is None:
            return None
        for i, s in enumerate(plan.steps):
            if s.key == cur.plan_step.key and s.scene == cur.plan_step.scene:
                return i
        raise localized_error(
            ModelError,
            N_(
                "The step the patient is on cannot be removed or moved to another "
                "scene during the session: go to another step first."
            ),
            self.language.value,
        )

    def adopt_plan(self, plan: Plan) -> None:
        """A new version of the hierarchy, saved during the open session: the
        session runs it from now on (recorded). The step the patient is on
        must still be in it, with the same scene (:meth:`adoptable_index`);
        it keeps running as it started (its row holds what it ran)."""
        session = self.require_open()
        if plan.ladder_version_id is None:
            raise ModelError("only a saved hierarchy version can replace the session's plan")
        index = self.adoptable_index(plan)
        cur = self.current_step
        t = self.clock()
        self.record.adopt_ladder_version(
            session.id, ladder_version_id=plan.ladder_version_id, plan=plan.to_json(), t=t
        )
        self.patient_plan.adopt(plan)
        if cur is not None and index is not None:
            self.current_step = CurrentStep(index, cur.plan_step, cur.row, cur.params)
        self.timeline.add(t, "event", "hierarchy", {"ladder_version_id": plan.ladder_version_id})
        self.events.step.emit(self.current_step)

    def update_params(self, values: Params) -> None:
        """The current step's values after a change was sent (recorded)."""
        if self.current_step is None:
            return
        merged = {**dict(self.current_step.params), **dict(values)}
        self.current_step = CurrentStep(
            self.current_step.index, self.current_step.plan_step, self.current_step.row, merged
        )
        self.record.update_step_params(self.current_step.row.id, merged)
        self.events.params.emit(merged)

    # -- periodic work -----------------------------------------------------------------
    def tick(self, now: float, *, paused: bool) -> None:
        """Announce the planned events that fell due, then ``events.tick``."""
        self._check_planned_events(now, paused)
        self.events.tick.emit(now)

    def _check_planned_events(self, now: float, paused: bool) -> None:
        """The step's planned events (``protocols.model.EventPlan``) that fell
        due since the last tick, announced once each."""
        step = self.current_step
        if step is None or not step.plan_step.events or paused:
            return
        elapsed = now - step.started_at
        if elapsed < self._planned_checked_s:
            self._planned_checked_s = 0.0  # a new step
        for plan in step.plan_step.events:
            if plan.due_between(self._planned_checked_s, elapsed):
                self.events.planned_event.emit(plan)
        self._planned_checked_s = elapsed
