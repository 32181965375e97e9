"""The patient's hierarchy, edited in the console: a working copy of a
``protocols.ladders.Ladder``, saved as a new version each time.

Edits go through the ladder's own checks (the scene declarations, the rules
of protocol files). A refused edit leaves the working copy as it was and
keeps the reason by step and field (``refusals``), worded in the console's
language, so the widget shows it next to the field; nothing can be saved
while one stands. Saving stores a new version; before a session it becomes
the plan, during one the session adopts it from then on
(``RunningSession.adopt_plan``, recorded). A former version is restored by
saving its steps again as the newest version: history is never rewritten.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from typing import NamedTuple

from palier.core import wire
from palier.core.i18n import N_, Message, fmt_number, localized_error
from palier.protocols.files import installed, protocol_by_id
from palier.protocols.ladders import Ladder, LadderError, LadderVersion
from palier.protocols.model import Issue, Protocol
from palier.protocols.validate import scene_declaration
from palier.scenes.api import ParamKind, ParamValue, Text
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session.base import Clock, Language, ModelError, Signal
from palier.therapist_console.session.link import Link
from palier.therapist_console.session.patient_plan import PatientPlan
from palier.therapist_console.session.plan import Plan
from palier.therapist_console.session.running import RunningSession

TEXT = "text"
EXPECTED_SUDS = "expected_suds"
PARAM = "params."
"""Field names of :attr:`LadderEditor.refusals`: ``text``, ``expected_suds``
or ``params.<name>`` (a scene parameter)."""

PREVIEW_SIZE = (320, 180)
"""The editor's picture of a step, in pixels."""

RESTORED = N_("restored version {version}")
CREATED_FOR_SESSION = N_("created by the console for a session")
"""Version notes the console writes: recorded in English (the msgid), shown in
the reader's language by :func:`version_note`."""
_RESTORED = re.compile(r"^restored version (\d+)$")

_FIELD = re.compile(r'^steps\[\d+\](?: "[^"]*")?\.(?P<field>[a-z_]+)(?:\.(?P<sub>\w+))?')


class Refusal(NamedTuple):
    step_id: str
    field: str
    message: Message


class LadderEditorEvents:
    def __init__(self) -> None:
        self.changed: Signal[Ladder | None] = Signal("changed")
        """The working copy changed (opened, edited, saved, restored)."""
        self.refused: Signal[Refusal] = Signal("refused")
        self.saved: Signal[Ladder] = Signal("saved")


class LadderEditor:
    """The working copy of the chosen patient's hierarchy for one protocol."""

    def __init__(
        self,
        record: SessionRecord,
        clock: Clock,
        language: Language,
        patient_plan: PatientPlan,
        running: RunningSession,
        link: Link,
    ) -> None:
        self.record = record
        self.link = link
        self.clock = clock
        self.language = language
        self.patient_plan = patient_plan
        self.running = running
        self.protocol: Protocol | None = None
        self.ladder: Ladder | None = None
        self.refusals: dict[tuple[str, str], Message] = {}
        """Edits refused, by (step id, field): the reason, shown next to the field."""
        self.events = LadderEditorEvents()

    # -- opening -------------------------------------------------------------------
    def _patient_id(self) -> int:
        patient = self.patient_plan.patient
        if patient is None:
            raise localized_error(
                ModelError,
                N_("Choose or create a patient (pseudonym) before editing a hierarchy."),
                self.language.value,
            )
        return patient.id

    def open(self, protocol: Protocol, ladder_id: int | None = None) -> Ladder:
        """The patient's ladder ``ladder_id``, or their latest for this protocol,
        or (none yet) a new, unsaved copy of the protocol's hierarchy."""
        patient_id = self._patient_id()
        store = self.record.ladder_store()
        if ladder_id is not None:
            ladder = store.latest(ladder_id)
        else:
            mine = [lad for lad in store.for_patient(patient_id) if lad.protocol_id == protocol.id]
            ladder = mine[-1] if mine else Ladder.from_protocol(protocol, patient_id)
        self.protocol = protocol
        self._set(ladder)
        return ladder

    def open_plan(self) -> Ladder:
        """The ladder version the chosen plan runs (during a session: the one
        it runs now), to edit between steps."""
        lang = self.language.value
        plan = self.patient_plan.plan
        if plan is None or plan.ladder_version_id is None or plan.protocol_id is None:
            raise localized_error(
                ModelError,
                N_("This hierarchy is not a saved patient hierarchy: it cannot be edited."),
                lang,
            )
        try:
            protocol = protocol_by_id(plan.protocol_id, installed().protocols)
        except KeyError:
            raise localized_error(
                ModelError, N_("Protocol {id} is not installed here."), lang, id=plan.protocol_id
            ) from None
        version = self.record.ladder_store().version(plan.ladder_version_id)
        return self.open(protocol, version.ladder_id)

    def _set(self, ladder: Ladder | None) -> None:
        self.ladder = ladder
        self.refusals = {}
        self.events.changed.emit(ladder)

    def require(self) -> Ladder:
        if self.ladder is None:
            raise localized_error(
                ModelError, N_("Open a hierarchy to edit first."), self.language.value
            )
        return self.ladder

    @property
    def dirty(self) -> bool:
        """Edited since it was opened or saved (or never saved)."""
        return self.ladder is not None and not self.ladder.saved

    # -- editing -------------------------------------------------------------------
    def edit(
        self,
        step_id: str,
        *,
        text: str | None = None,
        expected_suds: int | None = None,
        params: Mapping[str, ParamValue] | None = None,
    ) -> bool:
        """Change one step: its description in the console's language, its
        expected SUDS, some of its scene's values. False (and the reason in
        :attr:`refusals`) when the ladder's checks refuse it."""
        ladder = self.require()
        fields = [
            *([TEXT] if text is not None else []),
            *([EXPECTED_SUDS] if expected_suds is not None else []),
            *(PARAM + n for n in (params or {})),
        ]
        new_text = None
        if text is not None:
            old = ladder.step(step_id).text
            new_text = Text.from_dict({**old.to_dict(), self.language.value: text.strip()})
        try:
            edited = ladder.edit(
                step_id, text=new_text, expected_suds=expected_suds, set_params=params
            )
        except LadderError as exc:
            self._refuse(step_id, exc.issues, fields)
            return False
        for f in fields:
            self.refusals.pop((step_id, f), None)
        self.ladder = edited
        self.events.changed.emit(edited)
        return True

    def move(self, step_id: str, to_index: int) -> None:
        self._apply(lambda lad: lad.move(step_id, to_index))

    def remove(self, step_id: str) -> None:
        self._apply(lambda lad: lad.remove(step_id))
        self.refusals = {k: v for k, v in self.refusals.items() if k[0] != step_id}

    def add_step(self, after: str | None = None) -> str:
        """A copy of step ``after`` (default: the last) right after it, with a
        new id; the therapist then edits it. Returns its id."""
        ladder = self.require()
        i = len(ladder.steps) - 1 if after is None else ladder.index(after)
        model = ladder.steps[i]
        ids = {s.id for s in ladder.steps}
        n = 2
        while f"{model.id}-{n}" in ids:
            n += 1
        new = dataclasses.replace(model, id=f"{model.id}-{n}")
        self._apply(lambda lad: lad.add(new, i + 1))
        return new.id

    def _apply(self, change: Callable[[Ladder], Ladder]) -> None:
        ladder = self.require()
        try:
            edited = change(ladder)
        except LadderError as exc:
            raise localized_error(
                ModelError,
                N_("The hierarchy refuses this change: {why}"),
                self.language.value,
                why="; ".join(i.problem for i in exc.issues),
            ) from None
        self.ladder = edited
        self.events.changed.emit(edited)

    def _refuse(self, step_id: str, issues: Sequence[Issue], fields: list[str]) -> None:
        for issue in issues:
            if issue.severity != "error":
                continue
            field = _field_of(issue) or (fields[0] if fields else TEXT)
            refusal = Refusal(step_id, field, self._reason(step_id, field, issue))
            self.refusals[(step_id, field)] = refusal.message
            self.events.refused.emit(refusal)

    def _reason(self, step_id: str, field: str, issue: Issue) -> Message:
        """The reason in the console's words (the ladder's issues are English)."""
        if field == EXPECTED_SUDS:
            return N_("Expected SUDS is a whole number from 0 to 100.")
        if field == TEXT:
            return N_("The description cannot be empty.")
        if field.startswith(PARAM) and self.ladder is not None:
            decl, _why = scene_declaration(self.ladder.step(step_id).scene)
            name = field[len(PARAM) :]
            if decl is not None and name in {p.name for p in decl.params}:
                spec = decl.param(name)
                if spec.kind in (ParamKind.FLOAT, ParamKind.INT):
                    assert spec.minimum is not None and spec.maximum is not None
                    lang = self.language.value
                    return N_(
                        "The scene refuses this value: use {low} to {high} {unit}.",
                        low=fmt_number(spec.minimum, lang),
                        high=fmt_number(spec.maximum, lang),
                        unit=spec.unit or "",
                    )
                return N_("The scene refuses this value: choose one of its values.")
            return N_("The scene has no such setting.")
        return N_("Refused: {problem}", problem=issue.problem)

    # -- preview -----------------------------------------------------------------------
    def preview(self, step_id: str, size: tuple[int, int] = PREVIEW_SIZE) -> Future[wire.Reply]:
        """Ask the engine for a picture of the step's scene at its values (the
        working copy's): the future gets a ``wire.PreviewReply``. Raises
        ``NotConnectedError`` without an engine."""
        step = self.require().step(step_id)
        decl, _why = scene_declaration(step.scene)
        params = step.resolved_preset(decl.defaults()) if decl is not None else dict(step.preset)
        return self.link.require_up().submit(
            wire.Preview, scene=step.scene, params=params, width=size[0], height=size[1]
        )

    # -- saving and history --------------------------------------------------------------
    def save(self, note: str = "") -> Ladder:
        """Store the working copy as a new version (the same version if
        nothing changed); it becomes the plan, or the session's plan from now
        on. Refused while an edit is refused."""
        ladder = self.require()
        lang = self.language.value
        if self.refusals:
            raise localized_error(
                ModelError,
                N_("A step has a value the scene refuses: correct it before saving."),
                lang,
            )
        if self.running.is_open and self.protocol is not None:
            # Checked before storing: a version the session cannot run is not saved.
            self.running.adoptable_index(Plan.from_protocol(self.protocol, ladder))
        saved = self.record.ladder_store().save(ladder, t=self.clock(), note=note)
        self._adopt(saved)
        self._set(saved)
        self.events.saved.emit(saved)
        return saved

    def _adopt(self, saved: Ladder) -> None:
        if self.protocol is None:
            return
        plan = Plan.from_protocol(self.protocol, saved)
        if self.running.is_open:
            if self.patient_plan.plan is None or (
                self.patient_plan.plan.ladder_version_id != saved.version_id
            ):
                self.running.adopt_plan(plan)
        else:
            self.patient_plan.set_plan(plan)

    def history(self) -> list[LadderVersion]:
        """The saved versions of the ladder being edited, oldest first."""
        ladder = self.require()
        if ladder.ladder_id is None:
            return []
        return self.record.ladder_store().history(ladder.ladder_id)

    def version(self, version_id: int) -> Ladder:
        return self.record.ladder_store().version(version_id)

    def restore(self, version_id: int) -> Ladder:
        """Save a former version's steps again as the newest version."""
        ladder = self.require()
        store = self.record.ladder_store()
        old = store.version(version_id)
        if ladder.ladder_id is None or old.ladder_id != ladder.ladder_id:
            raise localized_error(
                ModelError,
                N_("Version {id} is not a version of this hierarchy."),
                self.language.value,
                id=version_id,
            )
        latest = store.latest(ladder.ladder_id)
        restored = dataclasses.replace(
            latest,
            steps=old.steps,
            title=old.title,
            version_id=None,
            version=None,
            based_on_version_id=latest.version_id,
            saved_at=None,
            note="",
        )
        self._set(restored)
        return self.save(note=RESTORED.msgid.format(version=old.version))


def version_note(note: str, lang: str) -> str:
    """A version's note in ``lang`` when the console wrote it, else as written."""
    m = _RESTORED.match(note)
    if m is not None:
        return RESTORED.format(version=int(m.group(1))).get(lang)
    if note == CREATED_FOR_SESSION.msgid:
        return CREATED_FOR_SESSION.get(lang)
    return note


def _field_of(issue: Issue) -> str | None:
    m = _FIELD.match(issue.field)
    if m is None:
        return None
    field, sub = m.group("field"), m.group("sub")
    if field == "preset" and sub:
        return PARAM + sub
    if field in (TEXT, EXPECTED_SUDS):
        return field
    return None
