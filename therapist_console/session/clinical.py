"""The clinical logs of a session: notes, ERP urges and rituals, PTSD
hotspots, questionnaires (``protocols.clinical_log`` and
``protocols.questionnaires`` keep the rules; everything is recorded first)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from palier.core.i18n import N_, localized_error
from palier.core.typed_text import NOTE, clean_text
from palier.protocols.erp import (
    BehaviourKind,
    ErpError,
    Ritual,
    RitualKind,
    Urge,
    behaviour_of,
)
from palier.protocols.measures import SudsError, validate_suds
from palier.protocols.ptsd import Hotspot
from palier.protocols.questionnaires import (
    DEFAULT_SSQ_THRESHOLD,
    QuestionnaireError,
    Result,
    score,
)
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session.base import Clock, Language, ModelError, Signal
from palier.therapist_console.session.running import RunningSession
from palier.therapist_console.session.timeline import Timeline, TimelineEntry
from palier.therapist_console.summary import HOTSPOT_EVENT_KINDS

log = logging.getLogger(__name__)

Answers = Mapping[str, object] | Sequence[object]
"""Questionnaire answers by item id (or in item order)."""


class ClinicalLogEvents:
    def __init__(self) -> None:
        self.warning: Signal[str] = Signal("warning")
        """A clinical warning to show now (cybersickness after the SSQ, ...)."""
        self.held: Signal[Result | None] = Signal("held")
        """The questionnaire answered before the session changed."""
        self.logged: Signal[str] = Signal("logged")
        """An urge, ritual or hotspot was recorded (``urge``, ``ritual``, ``hotspot``)."""


class ClinicalLog:
    """What the therapist logs during a session besides SUDS."""

    def __init__(
        self,
        record: SessionRecord,
        clock: Clock,
        language: Language,
        running: RunningSession,
        timeline: Timeline,
    ) -> None:
        self.record = record
        self.clock = clock
        self.language = language
        self.running = running
        self.timeline = timeline
        self.held: Result | None = None
        """A questionnaire answered before the session (phase 'pre'),
        recorded once the session starts (:meth:`record_held`)."""
        self.events = ClinicalLogEvents()

    # -- notes ---------------------------------------------------------------------------
    def add_note(self, text: str) -> TimelineEntry:
        session = self.running.require_open()
        if not isinstance(text, str) or not text.strip():
            raise localized_error(ModelError, N_("A note cannot be empty."), self.language.value)
        t = self.clock()
        # The record checks and normalises the text (RecordValueError when refused).
        rid = self.record.add_note(session.id, text=text, t=t, step_id=self.running.step_row_id())
        return self.timeline.add(t, "note", "note", {"text": clean_text(text, NOTE)}, rid)

    # -- questionnaires ------------------------------------------------------------------
    def hold(self, result: Result | None) -> None:
        """Keep a questionnaire answered before the session (None: forget it)."""
        self.held = result
        self.events.held.emit(result)

    def record_held(self) -> Result | None:
        """Record the held questionnaire into the session just started (it is
        let go only once recorded)."""
        result = self.held
        if result is None:
            return None
        self.running.require_open()
        self.record_result(result)
        self.hold(None)
        return result

    def record_result(self, result: Result) -> None:
        """Record a questionnaire a dialog scored, through :meth:`score_questionnaire`
        (which raises the cybersickness warning when the SSQ is high)."""
        try:
            self.score_questionnaire(
                result.questionnaire, result.phase, dict(result.answers), scoring=result.scoring
            )
        except QuestionnaireError:
            log.exception(
                "questionnaire %s could not be scored again; recorded as scored",
                result.questionnaire,
            )
            self.add_questionnaire(
                result.questionnaire, result.phase, dict(result.answers), result.record_scores()
            )

    def add_questionnaire(
        self, name: str, phase: str, answers: Answers, scores: Mapping[str, object]
    ) -> int:
        """Record a questionnaire scored elsewhere (see :meth:`score_questionnaire`)."""
        session = self.running.require_open()
        return self.record.add_questionnaire(
            session.id, name=name, phase=phase, answers=answers, scores=scores, t=self.clock()
        )

    def score_questionnaire(
        self,
        name: str,
        phase: str,
        answers: Answers,
        *,
        ssq_threshold: float | None = None,
        scoring: str = "",
    ) -> Result:
        """Score a built-in questionnaire ('ssq', 'ipq') and record answers and
        scores. Raises ``QuestionnaireError`` (nothing recorded) for incomplete
        or out-of-range answers. A warning (possible cybersickness: the SSQ
        rose from this session's pre-session answers) is emitted on
        ``events.warning`` and shown in the summary and the report."""
        session = self.running.require_open()
        result = score(
            name,
            answers,
            phase=phase,
            ssq_threshold=DEFAULT_SSQ_THRESHOLD if ssq_threshold is None else ssq_threshold,
            scoring=scoring,
            before=self._answers_before(session.id, name) if phase == "post" else None,
        )
        t = self.clock()
        rid = self.record.add_questionnaire(
            session.id,
            name=name,
            phase=phase,
            answers=dict(result.answers),
            scores=result.record_scores(),
            t=t,
        )
        lang = self.language.value
        self.timeline.add(
            t,
            "event",
            "questionnaire",
            {"name": name, "label": " ".join(result.lines(lang))},
            rid,
        )
        if result.warning is not None:
            self.events.warning.emit(result.warning.get(lang))
        return result

    def _answers_before(self, session_id: int, name: str) -> dict[str, object] | None:
        """The latest pre-session answers to ``name`` in this session, if any."""
        rows = [
            r
            for r in self.record.rows("questionnaires", session_id)
            if r["name"] == name and r["phase"] == "pre"
        ]
        if not rows:
            return None
        answers = json.loads(rows[-1]["answers"])
        return answers if isinstance(answers, dict) else None

    # -- ERP and PTSD (protocols.clinical_log) -------------------------------------------
    def log_urge(self, value: object) -> int:
        """ERP: the urge to ritualise, 0-100, checked as strictly as a SUDS
        rating (``protocols.measures.validate_suds``: whole numbers only)."""
        session = self.running.require_open()
        try:
            rating = validate_suds(value)
        except SudsError:
            raise localized_error(
                ErpError,
                N_("An urge is rated as a whole number from 0 to 100."),
                self.language.value,
            ) from None
        t = self.clock()
        urge = Urge(t, rating, self.running.step_key())
        rid = int(self.record.clinical_log().add_urge(session.id, urge))
        self.timeline.add(t, "event", "urge", {"value": urge.value, "label": str(urge.value)}, rid)
        self.events.logged.emit("urge")
        return rid

    def log_ritual(
        self,
        what: str = "",
        *,
        resisted: bool,
        kind: BehaviourKind = "ritual",
        ritual: RitualKind | None = None,
    ) -> int:
        """ERP: a ritual or safety behaviour, done or resisted. In one click:
        ``ritual`` (washing, checking, ...) and nothing typed; the record then
        keeps the kind's id as its description."""
        session = self.running.require_open()
        t = self.clock()
        if ritual is not None:
            kind = behaviour_of(ritual)
        described = what.strip() or (ritual or "")
        entry = Ritual(t, described, resisted, kind, self.running.step_key(), ritual)
        rid = int(self.record.clinical_log().add_ritual(session.id, entry))
        self.timeline.add(
            t,
            "event",
            "ritual",
            {
                "what": entry.what.strip(),
                "resisted": resisted,
                "kind": kind,
                "ritual": ritual,
                "label": entry.what.strip(),
            },
            rid,
        )
        self.events.logged.emit("ritual")
        return rid

    def mark_hotspot(self, suds: int | None = None, note: str = "") -> int:
        """PTSD: mark a hotspot (peak distress) now, optionally with its SUDS
        and a short note. It is stored with the record's last scene event or
        contact before it: all the record knows is that it came after."""
        session = self.running.require_open()
        t = self.clock()
        before = self.event_before(t)
        hotspot = Hotspot(
            t,
            None if suds is None else validate_suds(suds),
            note.strip(),
            self.running.step_key(),
            None if before is None else int(before["id"]),
        )
        rid = int(self.record.clinical_log().add_hotspot(session.id, hotspot))
        detail: dict[str, object] = {"suds": hotspot.suds, "label": hotspot.note}
        if before is not None:
            after = _loads(before.get("detail"))
            detail["after"] = {
                "kind": before["kind"],
                "name": before["name"],
                "scene": after.get("scene"),
                "lag_s": round(t - float(before["t"]), 3),
            }
        self.timeline.add(t, "event", "hotspot", detail, rid)
        self.events.logged.emit("hotspot")
        return rid

    def event_before(self, t: float) -> dict[str, Any] | None:
        """The record's last scene event or contact of the session at or
        before ``t`` (what a hotspot is stored with), or None."""
        session = self.running.require_open()
        rows = [
            r
            for r in self.record.rows("events", session.id)
            if r["kind"] in HOTSPOT_EVENT_KINDS and r["t"] <= t
        ]
        return rows[-1] if rows else None


def _loads(text: object) -> dict[str, object]:
    value = json.loads(text) if isinstance(text, str) and text else {}
    return value if isinstance(value, dict) else {}
