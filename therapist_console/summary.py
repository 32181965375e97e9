"""After the session: the figures a therapist reads and files.

Computed from the session record (so a resumed, exported or command-line
session gets the same figures as the live one). Per-step SUDS figures come
from :func:`protocols.measures.step_measures`, the one place they are defined.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from palier.core.i18n import LANGUAGES, Localized, _, lazy_ngettext, ngettext, ordinal, semicolon
from palier.protocols.measures import (
    BetweenSessionChange,
    StepMeasures,
    SudsPoint,
    between_session_change,
    step_measures,
)
from palier.scenes import registry
from palier.scenes.api import SceneError
from palier.therapist_console.heart_rate import SIMULATED
from palier.therapist_console.record import SessionInfo, SessionRecord, StepRow


@dataclass(frozen=True, slots=True)
class StepSummary:
    """One visit to a step (a step visited twice appears twice)."""

    row_id: int
    step_index: int
    step_key: str
    label: Any
    """``{"en": ..., "fr": ...}`` from the protocol, or plain text, or None."""
    scene: str
    start_s: float
    """Seconds since the session start."""
    end_s: float
    expected_suds: int | None
    measures: StepMeasures | None
    """Peak, end, fall from peak, time to half fall (None: no rating)."""
    previous: StepMeasures | None = None
    """The same step's measures in the patient's most recent earlier session
    that rated it (its last rated visit there)."""
    previous_session_id: int | None = None
    previous_session_number: int | None = None
    """That earlier session's number for the patient (1 for the first)."""
    change: BetweenSessionChange | None = None
    """``protocols.measures.between_session_change(previous, measures)``."""

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def label_text(self, lang: str) -> str:
        return label_text(self.label, lang) or self.step_key


def label_text(label: Any, lang: str) -> str:
    if isinstance(label, dict):
        return str(label.get(lang) or label.get("en") or "")
    return "" if label is None else str(label)


SAFE_PLACE_CAUSES = {"patient_stop": "patient_stop", "pause": "therapist", "failsafe": "failsafe"}
"""Record event kind -> why the patient went to the safe place: the patient's
stop (headset button, desktop key), the therapist's pause, the engine's
failsafe (the console link was lost)."""


@dataclass(frozen=True, slots=True)
class SafePlacePeriod:
    """One stay in the safe place, as the chart draws it."""

    start_s: float
    """Seconds since the session start."""
    end_s: float | None
    """None: not resumed before the session ended."""
    cause: str
    """``patient_stop``, ``therapist`` or ``failsafe``: what started it."""


def safe_place_periods(events: list[dict[str, Any]], t0: float) -> list[SafePlacePeriod]:
    """From the record's events (in time order): a period starts at a pause, a
    patient stop or a failsafe while none is open, and ends at a resume.
    A stop during a pause is counted (see the counts) but starts no period."""
    out: list[SafePlacePeriod] = []
    start: float | None = None
    cause = ""
    for e in events:
        kind = e["kind"]
        if kind in SAFE_PLACE_CAUSES and start is None:
            start, cause = e["t"] - t0, SAFE_PLACE_CAUSES[kind]
        elif kind == "resume" and start is not None:
            out.append(SafePlacePeriod(start, e["t"] - t0, cause))
            start = None
    if start is not None:
        out.append(SafePlacePeriod(start, None, cause))
    return out


def fmt_clock(seconds: float) -> str:
    """Elapsed time as M:SS or H:MM:SS (the console's clocks, the summary's times)."""
    s = max(0, int(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


@dataclass(frozen=True, slots=True)
class HeartRateRange:
    low: float
    high: float
    mean: float
    samples: int
    simulated: bool = False
    """Invented by the simulation, not measured: every place that shows it says so."""


@dataclass(frozen=True, slots=True)
class SessionSummary:
    session: SessionInfo
    duration_s: float
    steps: tuple[StepSummary, ...]
    steps_reached: int
    """Distinct hierarchy steps entered."""
    highest_step_index: int | None
    suds_count: int
    peak_suds: int | None
    end_suds: int | None
    heart_rate: HeartRateRange | None
    pauses: int
    """Stays in the safe place (the periods the chart shows), whatever the cause."""
    link_losses: int
    notes: int
    questionnaires: tuple[dict[str, Any], ...] = ()
    warnings: tuple[dict[str, str], ...] = field(default=())
    """Cybersickness and similar warnings a clinician must see, ``{"en": ..., "fr": ...}``."""
    erp: Any = None
    """``protocols.erp.ErpSummary`` when urges or rituals were logged."""
    hotspots: tuple[Any, ...] = ()
    """``protocols.ptsd.AlignedHotspot``: each hotspot with the event recorded
    just before it (a scene event fired or a contact)."""
    expectancies: tuple[Any, ...] = ()
    """``protocols.progression.Expectancy`` (inhibitory learning), in time order."""
    session_number: int | None = None
    """This session's rank among the patient's sessions by start (1 for the
    first); ``session.id`` is the record's reference."""
    plan_steps: int = 0
    """Steps in the session's plan (0 when it has none)."""
    patient_stops: int = 0
    """Times the patient stopped the exposure (headset button, desktop key)."""
    therapist_pauses: int = 0
    failsafe_pauses: int = 0
    """Times the engine's failsafe took the patient to the safe place (link lost)."""
    patient_stop_times_s: tuple[float, ...] = ()
    """When the patient stopped, in seconds since the session start."""
    safe_place: tuple[SafePlacePeriod, ...] = ()

    def safe_place_text(self, lang: str) -> str:
        """'2 (1 patient stop, 1 therapist pause)': the stays and their causes."""
        parts = []
        if self.patient_stops:
            parts.append(
                ngettext("{n} patient stop", "{n} patient stops", self.patient_stops, lang)
            )
        if self.therapist_pauses:
            parts.append(
                ngettext("{n} therapist pause", "{n} therapist pauses", self.therapist_pauses, lang)
            )
        if self.failsafe_pauses:
            parts.append(
                ngettext("{n} failsafe pause", "{n} failsafe pauses", self.failsafe_pauses, lang)
            )
        return f"{self.pauses} ({', '.join(parts)})" if parts else str(self.pauses)

    def session_text(self, lang: str) -> str:
        """'3rd session of this patient (ref. #12)'."""
        if self.session_number is None:
            return _("ref. #{id}", lang, id=self.session.id)
        return _(
            "{ordinal} session of this patient (ref. #{id})",
            lang,
            ordinal=ordinal(self.session_number, lang),
            id=self.session.id,
        )

    def session_short(self, lang: str) -> str:
        """'3 (ref. #12)', for footers."""
        if self.session_number is None:
            return _("ref. #{id}", lang, id=self.session.id)
        return _("{n} (ref. #{id})", lang, n=self.session_number, id=self.session.id)

    def steps_text(self, lang: str) -> str:
        """'highest step 5 of 10; 3 steps worked': how far up the hierarchy the
        session went, and how many distinct steps were worked on."""
        if self.highest_step_index is None:
            return _("no step started", lang)
        highest = self.highest_step_index + 1
        top = (
            _("highest step {highest} of {total}", lang, highest=highest, total=self.plan_steps)
            if self.plan_steps
            else _("highest step {highest}", lang, highest=highest)
        )
        worked = ngettext("{n} step worked", "{n} steps worked", self.steps_reached, lang)
        return f"{top}{semicolon(lang)}{worked}"

    def warning_texts(self, lang: str) -> list[str]:
        return [w.get(lang) or w.get("en") or "" for w in self.warnings]

    def questionnaire_lines(self, lang: str) -> list[str]:
        """Scores as protocols.questionnaires words them (warnings apart)."""
        from palier.protocols.questionnaires import QUESTIONNAIRES, Result

        out = []
        for q in self.questionnaires:
            recorded = dict(q["scores"] or {})
            scoring = str(recorded.pop("scoring", ""))
            scores = {k: v for k, v in recorded.items() if k != "warning"}
            if q["name"] in QUESTIONNAIRES:
                out.extend(Result(q["name"], q["phase"], {}, scores, scoring=scoring).lines(lang))
            else:
                out.append(
                    f"{q['name']} ({q['phase']}): "
                    + ", ".join(f"{k} {v}" for k, v in scores.items())
                )
        return out

    def erp_step_lines(self, lang: str) -> list[str]:
        """ERP per step: the urges in order with their peak, rituals resisted
        and performed (``Step 2 — Touch the bin: urge 70 → 40 (peak 70); ...``)."""
        if self.erp is None:
            return []
        by_key = {s.step_key: s for s in self.steps}
        out = []
        for st in self.erp.steps:
            step = by_key.get(st.step_key)
            if step is None:
                name = _("Before the first step", lang)
            else:
                label = label_text(step.label, lang) or step.step_key
                name = f"{_('Step', lang)} {step.step_index + 1} — {label}"
            if st.urges:
                out.append(
                    _(
                        "{step}: urge {urges} (peak {peak}); {resisted} resisted, {performed} done",
                        lang,
                        step=name,
                        urges=" → ".join(str(v) for v in st.urges),
                        peak=st.urge_peak,
                        resisted=st.resisted,
                        performed=st.performed,
                    )
                )
            else:
                out.append(
                    _(
                        "{step}: no urge rated; {resisted} resisted, {performed} done",
                        lang,
                        step=name,
                        resisted=st.resisted,
                        performed=st.performed,
                    )
                )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "session_id": self.session.id,
            "session_number": self.session_number,
            "duration_s": round(self.duration_s, 3),
            "steps_reached": self.steps_reached,
            "highest_step_index": self.highest_step_index,
            "plan_steps": self.plan_steps,
            "suds_count": self.suds_count,
            "peak_suds": self.peak_suds,
            "end_suds": self.end_suds,
            "heart_rate": None
            if self.heart_rate is None
            else {
                "low_bpm": round(self.heart_rate.low, 1),
                "high_bpm": round(self.heart_rate.high, 1),
                "mean_bpm": round(self.heart_rate.mean, 1),
                "samples": self.heart_rate.samples,
                "simulated": self.heart_rate.simulated,
            },
            "pauses": self.pauses,
            "patient_stops": self.patient_stops,
            "therapist_pauses": self.therapist_pauses,
            "failsafe_pauses": self.failsafe_pauses,
            "patient_stop_times_s": [round(t, 3) for t in self.patient_stop_times_s],
            "safe_place": [
                {
                    "start_s": round(p.start_s, 3),
                    "end_s": None if p.end_s is None else round(p.end_s, 3),
                    "cause": p.cause,
                }
                for p in self.safe_place
            ],
            "link_losses": self.link_losses,
            "notes": self.notes,
            "steps": [
                {
                    "step_index": s.step_index,
                    "step_key": s.step_key,
                    "label": s.label,
                    "scene": s.scene,
                    "start_s": round(s.start_s, 3),
                    "end_s": round(s.end_s, 3),
                    "expected_suds": s.expected_suds,
                    "ratings": s.measures.ratings if s.measures else 0,
                    "peak_suds": s.measures.peak if s.measures else None,
                    "end_suds": s.measures.end if s.measures else None,
                    "fall_from_peak": s.measures.fall if s.measures else None,
                    "fall_fraction": round(s.measures.fall_fraction, 4) if s.measures else None,
                    "time_to_half_fall_s": (
                        None
                        if s.measures is None or s.measures.time_to_half_fall is None
                        else round(s.measures.time_to_half_fall, 3)
                    ),
                    "previous_session_id": s.previous_session_id,
                    "previous_session_number": s.previous_session_number,
                    "change_since_previous": None
                    if s.change is None
                    else dataclasses.asdict(s.change),
                }
                for s in self.steps
            ],
            "questionnaires": list(self.questionnaires),
            "warnings": list(self.warnings),
            "erp": None if self.erp is None else dataclasses.asdict(self.erp),
            "hotspots": [
                {
                    "t_s": round(h.hotspot.t - self.session.started_at, 3),
                    "suds": h.hotspot.suds,
                    "note": h.hotspot.note,
                    "step_key": h.hotspot.step_key,
                    "cue": None if h.cue is None else h.cue.name,
                    "event_id": h.hotspot.event_id,
                    "lag_s": None if h.lag_s is None else round(h.lag_s, 3),
                }
                for h in self.hotspots
            ],
            "expectancies": [e.to_dict() for e in self.expectancies],
        }


HOTSPOT_EVENT_KINDS = ("scene_event", "contact")
"""The record's events a hotspot is stored with (the last one before it)."""


def _event_label(row: Mapping[str, Any]) -> Localized | None:
    """A scene event's or a touched surface's label from its scene's
    declaration (None: the scene is not registered here)."""
    detail = _json(row["detail"])
    scene = detail.get("scene") if isinstance(detail, dict) else None
    if not isinstance(scene, str):
        return None
    try:
        decl = registry.declaration(scene)
        if row["kind"] == "contact":
            return decl.surface(str(row["name"])).label
        return decl.event(str(row["name"])).label
    except SceneError:
        return None


def _session_end(record: SessionRecord, session: SessionInfo) -> float:
    if session.ended_at is not None:
        return session.ended_at
    return record.last_recorded_t(session.id)


def summarize(
    record: SessionRecord, session_id: int, *, now: float | None = None
) -> SessionSummary:
    """The summary of one session. ``now`` ends an open session's clock (live view)."""
    session = record.session(session_id)
    t0 = session.started_at
    end = _session_end(record, session)
    if now is not None and session.ended_at is None:
        end = max(end, now)
    steps: list[StepRow] = record.steps(session_id)
    suds = record.suds(session_id)

    earlier = _earlier_measures(record, session)
    numbers = session_numbers(record, session.patient_id)
    step_summaries = []
    for i, st in enumerate(steps):
        st_end = (
            st.ended_at
            if st.ended_at is not None
            else (steps[i + 1].started_at if i + 1 < len(steps) else end)
        )
        mine = [SudsPoint(r.t - t0, r.value) for r in suds if _suds_in_step(r, st, st_end)]
        measures = step_measures(mine)
        before = earlier.get(st.step_key)
        step_summaries.append(
            StepSummary(
                previous=before[1] if before else None,
                previous_session_id=before[0] if before else None,
                previous_session_number=numbers.get(before[0]) if before else None,
                change=between_session_change(before[1], measures) if before else None,
                row_id=st.id,
                step_index=st.step_index,
                step_key=st.step_key,
                label=st.label,
                scene=st.scene,
                start_s=st.started_at - t0,
                end_s=st_end - t0,
                expected_suds=st.expected_suds,
                measures=measures,
            )
        )

    hr = record.rows("heart_rate", session_id)
    hr_range = None
    if hr:
        values = [r["bpm"] for r in hr]
        hr_range = HeartRateRange(
            min(values),
            max(values),
            sum(values) / len(values),
            len(values),
            simulated=any(r["source"] == SIMULATED for r in hr),
        )
    events = record.rows("events", session_id)
    links = record.rows("link_events", session_id)
    questionnaires = tuple(
        {
            "name": q["name"],
            "phase": q["phase"],
            "scores": _json(q["scores"]),
            "t_s": round(q["t"] - t0, 3),
        }
        for q in record.rows("questionnaires", session_id)
    )
    log = record.clinical_log()
    has_log = record.has_table("hotspots")  # absent from a file read-only before the log
    urges = log.urges(session_id) if has_log else []
    rituals = log.rituals(session_id) if has_log else []
    erp = None
    if urges or rituals:
        from palier.protocols.erp import summarize as erp_summary

        erp = erp_summary(urges, rituals)
    hotspots: tuple[Any, ...] = ()
    marked = log.hotspots(session_id) if has_log else []
    if marked:
        from palier.protocols.ptsd import FiredEvent, align_hotspots

        fired = [
            FiredEvent(e["t"], str(e["name"]), _event_label(e), e["id"])
            for e in events
            if e["kind"] in HOTSPOT_EVENT_KINDS and e["name"]
        ]
        hotspots = tuple(align_hotspots(marked, fired))
    periods = safe_place_periods(events, t0)
    stops = [e["t"] - t0 for e in events if e["kind"] == "patient_stop"]
    return SessionSummary(
        erp=erp,
        hotspots=hotspots,
        expectancies=tuple(e for _, e in log.expectancies(session_id)) if has_log else (),
        session=session,
        session_number=numbers.get(session.id),
        plan_steps=_plan_steps(session.plan),
        duration_s=max(0.0, end - t0),
        steps=tuple(step_summaries),
        steps_reached=len({s.step_key for s in steps}),
        highest_step_index=max((s.step_index for s in steps), default=None),
        suds_count=len(suds),
        peak_suds=max((r.value for r in suds), default=None),
        end_suds=suds[-1].value if suds else None,
        heart_rate=hr_range,
        pauses=len(periods),
        patient_stops=len(stops),
        therapist_pauses=sum(1 for e in events if e["kind"] == "pause"),
        failsafe_pauses=sum(1 for e in events if e["kind"] == "failsafe"),
        patient_stop_times_s=tuple(stops),
        safe_place=tuple(periods),
        link_losses=sum(1 for e in links if e["kind"] == "lost"),
        notes=len(record.rows("notes", session_id)),
        questionnaires=questionnaires,
        warnings=tuple(_warnings(questionnaires, events, stops)),
    )


def session_numbers(record: SessionRecord, patient_id: int) -> dict[int, int]:
    """session id -> its number for the patient (1, 2, ...), by start time."""
    return {s.id: i for i, s in enumerate(record.sessions(patient_id), start=1)}


def _plan_steps(plan: Any) -> int:
    steps = plan.get("steps") if isinstance(plan, dict) else None
    return len(steps) if isinstance(steps, list) else 0


def step_measures_by_key(record: SessionRecord, session_id: int) -> dict[str, StepMeasures]:
    """Each step's measures in one session, from its last visit with a rating."""
    session = record.session(session_id)
    steps = record.steps(session_id)
    suds = record.suds(session_id)
    end = _session_end(record, session)
    out: dict[str, StepMeasures] = {}
    for i, st in enumerate(steps):
        st_end = (
            st.ended_at
            if st.ended_at is not None
            else (steps[i + 1].started_at if i + 1 < len(steps) else end)
        )
        m = step_measures(
            [
                SudsPoint(r.t - session.started_at, r.value)
                for r in suds
                if _suds_in_step(r, st, st_end)
            ]
        )
        if m is not None:
            out[st.step_key] = m
    return out


def _earlier_measures(
    record: SessionRecord, session: SessionInfo
) -> dict[str, tuple[int, StepMeasures]]:
    """step key -> (session id, measures) from the patient's most recent earlier
    session that rated that step (between-session change, Craske et al.)."""
    found: dict[str, tuple[int, StepMeasures]] = {}
    earlier = [
        s
        for s in record.sessions(session.patient_id)
        if s.started_at < session.started_at and s.id != session.id
    ]
    for prev in sorted(earlier, key=lambda s: s.started_at, reverse=True):
        for key, m in step_measures_by_key(record, prev.id).items():
            found.setdefault(key, (prev.id, m))
    return found


def _suds_in_step(r: Any, st: StepRow, st_end: float) -> bool:
    if r.step_id is not None:
        return bool(r.step_id == st.id)
    return bool(st.started_at <= r.t < st_end)


def _json(text: str) -> Any:
    import json

    return json.loads(text)


def _warnings(
    questionnaires: tuple[dict[str, Any], ...],
    events: list[dict[str, Any]],
    stops: list[float],
) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    if stops:
        # Listed on its own: the patient asked to leave the exposure.
        out.append(
            lazy_ngettext(
                "The patient stopped the exposure {n} time (at {times}): the headset "
                "cut to the safe place.",
                "The patient stopped the exposure {n} times (at {times}): the headset "
                "cut to the safe place.",
                len(stops),
                times=", ".join(fmt_clock(t) for t in stops),
            ).to_dict()
        )
    for q in questionnaires:
        warning = q["scores"].get("warning") if isinstance(q["scores"], dict) else None
        if isinstance(warning, dict):
            out.append({str(lang): str(text) for lang, text in warning.items()})
        elif warning:
            out.append(dict.fromkeys(LANGUAGES, str(warning)))
    failsafes = sum(1 for e in events if e["kind"] == "failsafe")
    if failsafes:
        out.append(
            lazy_ngettext(
                "The engine's failsafe faded the patient to the safe place {n} time (the "
                "console link was lost).",
                "The engine's failsafe faded the patient to the safe place {n} times (the "
                "console link was lost).",
                failsafes,
            ).to_dict()
        )
    return out
