"""Before the session: who the patient is and which hierarchy they face."""

from __future__ import annotations

from palier.core.i18n import N_, localized_error
from palier.protocols.measures import validate_suds
from palier.therapist_console.record import Patient, SessionRecord
from palier.therapist_console.session.base import Clock, Language, ModelError, Signal
from palier.therapist_console.session.plan import Plan


class PatientPlanEvents:
    def __init__(self) -> None:
        self.patient: Signal[Patient | None] = Signal("patient")
        self.plan: Signal[Plan | None] = Signal("plan")


class PatientPlan:
    """The chosen patient and plan; both are fixed while a session is open
    (:attr:`locked`, set by the running session)."""

    def __init__(self, record: SessionRecord, language: Language, clock: Clock) -> None:
        self.record = record
        self.language = language
        self.clock = clock
        self.patient: Patient | None = None
        self.plan: Plan | None = None
        self.locked = False
        """A session is open: neither the patient nor the plan may change."""
        self.events = PatientPlanEvents()

    def patients(self) -> list[Patient]:
        return self.record.patients()

    def create_patient(self, pseudonym: str, notes: str = "") -> Patient:
        """Create (and choose) a patient. Raises ``DuplicatePseudonymError``, or
        ``RecordValueError`` for a pseudonym or notes the record refuses
        (``palier.core.typed_text``)."""
        patient = self.record.add_patient(pseudonym, notes, t=self.clock())
        self.choose_patient(patient.id)
        return patient

    def choose_patient(self, patient_id: int) -> Patient:
        if self.locked:
            raise localized_error(
                ModelError,
                N_("End the current session before choosing another patient."),
                self.language.value,
            )
        self.patient = self.record.patient(patient_id)
        self.events.patient.emit(self.patient)
        return self.patient

    def set_plan(self, plan: Plan) -> None:
        if self.locked:
            raise localized_error(
                ModelError,
                N_("The plan is fixed once the session has started."),
                self.language.value,
            )
        if not plan.steps:
            raise localized_error(
                ModelError,
                N_("The hierarchy has no step: add steps to the patient's hierarchy."),
                self.language.value,
            )
        for s in plan.steps:
            if s.expected_suds is not None:
                validate_suds(s.expected_suds)
        self.plan = plan
        self.events.plan.emit(plan)

    def adopt(self, plan: Plan) -> None:
        """The open session's new hierarchy version (``RunningSession.adopt_plan``
        checked and recorded it): the one way the plan changes while locked."""
        self.plan = plan
        self.events.plan.emit(plan)

    def restore(self, patient: Patient, plan: Plan | None) -> None:
        """The patient and plan of a resumed session (announced by :meth:`announce`)."""
        self.patient = patient
        self.plan = plan

    def announce(self) -> None:
        self.events.patient.emit(self.patient)
        self.events.plan.emit(self.plan)
