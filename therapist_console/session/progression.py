"""Progression: the software suggests, the therapist decides.

Habituation (``protocols.progression.HabituationRule``, fed the step's SUDS
ratings) or inhibitory learning (expectancy before and after a step,
``InhibitoryLearningRule``); every suggestion is recorded with the time it was
shown and, later, the therapist's decision."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from palier.core.i18n import N_, Localized, Message, localized_error
from palier.protocols.measures import SudsPoint
from palier.protocols.model import ProgressionSettings
from palier.protocols.progression import (
    Expectancy,
    HabituationRule,
    InhibitoryLearningRule,
    ProgressionMonitor,
    Suggestion,
)
from palier.scenes.api import Text
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session.base import Clock, Language, ModelError, Signal
from palier.therapist_console.session.link import Link
from palier.therapist_console.session.patient_plan import PatientPlan
from palier.therapist_console.session.plan import Plan, PlanStep, protocol_step
from palier.therapist_console.session.running import RunningSession
from palier.therapist_console.session.timeline import Timeline

MODES = ("habituation", "inhibitory_learning")


class ShownSuggestion(NamedTuple):
    id: int
    """Its row in the record (answer with :meth:`Progression.decide`)."""
    kind: str
    text: str
    """As shown, in the session's language."""


class ProgressionEvents:
    def __init__(self) -> None:
        self.suggestion: Signal[ShownSuggestion] = Signal("suggestion")
        """A suggestion just shown."""
        self.decided: Signal[int] = Signal("decided")
        """The therapist took or declined suggestion ``id``."""
        self.expectancy: Signal[int] = Signal("expectancy")
        """Expectancy ``id`` was recorded, or its outcome."""


class Progression:
    """The progression mode, the suggestions waiting for a decision and the
    step expectancies of the session."""

    def __init__(
        self,
        record: SessionRecord,
        clock: Clock,
        language: Language,
        patient_plan: PatientPlan,
        running: RunningSession,
        link: Link,
        timeline: Timeline,
    ) -> None:
        self.record = record
        self.clock = clock
        self.language = language
        self.patient_plan = patient_plan
        self.running = running
        self.link = link
        self.timeline = timeline
        self.mode = "habituation"
        self.pending: dict[int, ShownSuggestion] = {}
        """Suggestions shown and not decided yet, by id."""
        self.current: ShownSuggestion | None = None
        """The latest suggestion still waiting for the therapist."""
        self.expectancies: dict[int, Expectancy] = {}
        """The session's expectancies by record id."""
        self.events = ProgressionEvents()
        self._monitor: ProgressionMonitor | None = None
        patient_plan.events.plan.connect(self._plan_chosen)

    def _plan_chosen(self, plan: Plan | None) -> None:
        if plan is not None and plan.progression is not None:
            self.mode = plan.progression.mode

    def reset(self) -> None:
        """A new session: no monitor history, no expectancies."""
        self._monitor = None
        self.expectancies = {}

    def load(self, session_id: int) -> None:
        """A resumed session's expectancies, from the record."""
        self.reset()
        self.expectancies = dict(self.record.clinical_log().expectancies(session_id))

    def set_mode(self, mode: str) -> None:
        """'habituation' (suggest moving up when SUDS has fallen) or
        'inhibitory_learning' (expectancy tests and variability; no SUDS-based
        suggestion). Switchable at any time; the therapist decides."""
        if mode not in MODES:
            raise ModelError(
                f"progression mode must be 'habituation' or 'inhibitory_learning', got {mode!r}"
            )
        self.mode = mode

    # -- suggestions ---------------------------------------------------------------------
    def suggest(
        self, kind: str, text: str | Localized, detail: Mapping[str, object] | None = None
    ) -> int:
        """Show a suggestion (e.g. a progression rule's "SUDS fell by half: next
        step?"); recorded with the time it was shown. A message or a ``Text``
        keeps every language in the detail. Returns its id."""
        session = self.running.require_open()
        t = self.clock()
        info = dict(detail or {})
        if isinstance(text, Message | Text):
            info["texts"] = text.to_dict()
            shown = text.get(session.language)
        else:
            shown = str(text)
        rid = self.record.add_suggestion(
            session.id, kind=kind, text=shown, t=t, step_id=self.running.step_row_id(), detail=info
        )
        suggestion = ShownSuggestion(rid, kind, shown)
        self.pending[rid] = suggestion
        self.current = suggestion
        self.timeline.add(t, "suggestion", kind, {**info, "text": shown}, rid)
        self.events.suggestion.emit(suggestion)
        return rid

    def _suggest(self, sug: Suggestion, **detail: object) -> int:
        return self.suggest(sug.kind, sug.text, {**detail, **dict(sug.detail)})

    def decide(self, suggestion_id: int, taken: bool) -> None:
        """The therapist took or declined a suggestion (recorded; nothing else
        happens: taking "next step" still needs go_to_step)."""
        self.record.decide_suggestion(suggestion_id, taken=taken, t=self.clock())
        self.pending.pop(suggestion_id, None)
        if self.current is not None and self.current.id == suggestion_id:
            self.current = None
        self.events.decided.emit(suggestion_id)

    # -- habituation ---------------------------------------------------------------------
    def rating(
        self, value: int, *, t: float, elapsed_s: float, step_index: int | None, interval_min: float
    ) -> None:
        """Habituation mode: a SUDS rating of the current step; a new suggestion
        is shown (and recorded) when the rule starts to hold."""
        step = self.running.current_step
        if step is None or self.running.info is None or self.mode != "habituation":
            return
        if step_index != step.index:
            return
        if self._monitor is None:
            plan = self.patient_plan.plan
            settings = plan.progression if plan and plan.progression else ProgressionSettings()
            self._monitor = ProgressionMonitor(HabituationRule.for_interval(settings, interval_min))
        sug = self._monitor.rating(
            step.plan_step.key,
            SudsPoint(elapsed_s, value),
            elapsed_s=t - step.started_at,
            min_duration_min=step.plan_step.min_duration_min,
            expected_suds=step.plan_step.expected_suds,
        )
        if sug is not None and self.running.is_open:
            self._suggest(sug, step_key=sug.step_id)

    # -- inhibitory learning -------------------------------------------------------------
    def before_step(self, plan_step: PlanStep) -> None:
        """Inhibitory-learning mode: ask for the step's expectancy if none was recorded."""
        if self.mode != "inhibitory_learning":
            return
        known = next(
            (e for e in reversed(self.expectancies.values()) if e.step_id == plan_step.key),
            None,
        )
        ask = InhibitoryLearningRule().before_step(protocol_step(plan_step), known)
        if ask is not None:
            self.suggest(ask.kind, ask.text, {"step_key": plan_step.key})

    def record_expectancy(self, feared_outcome: str, likelihood_before: int) -> int:
        """Before the step: what the patient fears will happen and how likely
        it feels (0-100 %)."""
        session = self.running.require_open()
        key = self.running.step_key()
        if key is None:
            raise localized_error(
                ModelError,
                N_("Move to a step before recording its expectancy."),
                self.language.value,
            )
        t = self.clock()
        exp = Expectancy(key, feared_outcome.strip(), likelihood_before, t)
        rid = int(self.record.clinical_log().add_expectancy(session.id, exp))
        self.expectancies[rid] = exp
        self.timeline.add(
            t,
            "event",
            "expectancy",
            {"label": f"{exp.feared_outcome} ({likelihood_before} %)"},
            rid,
        )
        self.events.expectancy.emit(rid)
        return rid

    def untested(self) -> tuple[int, Expectancy] | None:
        """The latest expectancy of the current step still waiting for its
        outcome (None: none recorded, or tested)."""
        key = self.running.step_key()
        for rid, exp in reversed(self.expectancies.items()):
            if exp.step_id == key:
                return None if exp.tested else (rid, exp)
        return None

    def record_expectancy_outcome(
        self, expectancy_id: int, *, observed_outcome: str, occurred: bool, likelihood_after: int
    ) -> Suggestion:
        """After the step: what happened and the likelihood now. Records it and
        shows the inhibitory-learning suggestion (test again, or vary)."""
        self.running.require_open()
        lang = self.language.value
        exp = self.expectancies.get(expectancy_id)
        if exp is None:
            raise localized_error(
                ModelError, N_("No expectancy {id} in this session."), lang, id=expectancy_id
            )
        t = self.clock()
        done = exp.after(
            observed_outcome=observed_outcome,
            occurred=occurred,
            likelihood_after=likelihood_after,
            t=t,
        )
        self.record.clinical_log().record_outcome(expectancy_id, done)
        self.expectancies[expectancy_id] = done
        self.events.expectancy.emit(expectancy_id)
        plan = self.patient_plan.plan
        plan_step = next((s for s in plan.steps if s.key == exp.step_id), None) if plan else None
        if plan_step is None:
            raise localized_error(
                ModelError, N_("Step {step} is not in this session's plan."), lang, step=exp.step_id
            )
        decl = self.link.scene_declaration(plan_step.scene)
        if decl is None:
            raise localized_error(
                ModelError, N_("Scene {scene} is unknown here."), lang, scene=plan_step.scene
            )
        sug = InhibitoryLearningRule().after_step(protocol_step(plan_step), done, decl)
        self._suggest(sug, step_key=sug.step_id)
        return sug
